// What kube-proxy programmed on a node, indexed by service port (`ns/name:port`), and what the
// cluster says each service port should reach (ready endpoints), so SVC-303 compares the two in
// O(rules + endpoints) per node instead of scanning the rules once per Service.
import { parseIpvsadm as parseIpvsadmListing } from '../../parse/ipvsadm.js';
import type { EvidenceRef } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { EndpointSlice, Endpoints, Service } from '../../model/schemas.js';
import type { IptablesRule, IptablesSave } from '../../parse/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { dnatDestination, ruleComment } from '../../parse/iptables-rule.js';

export interface ProgrammedPort {
  /** nat KUBE-SERVICES `-d <clusterIP> ... -j KUBE-SVC-*` (or KUBE-SVL-*) */
  clusterIpRule?: IptablesRule;
  /** filter KUBE-SERVICES `... has no endpoints -j REJECT` */
  noEndpointsRule?: IptablesRule;
  /** `ip:port` -> the KUBE-SEP DNAT rule */
  readonly endpoints: Map<string, IptablesRule>;
  /** only the node-local endpoints are programmed (internalTrafficPolicy Local: KUBE-SVL-*) */
  localOnly: boolean;
}

/** kube-proxy comments: `ns/name:port cluster IP`, `ns/name:port has no endpoints`; old unnamed ports end in ":" */
function portKeyOf(comment: string, suffix: string): string | undefined {
  if (!comment.endsWith(suffix)) return undefined;
  const key = comment.slice(0, -suffix.length).trim();
  return key.endsWith(':') ? key.slice(0, -1) : key;
}

export function servicePortKey(ns: string, name: string, portName: string | undefined): string {
  return portName ? `${ns}/${name}:${portName}` : `${ns}/${name}`;
}

// SVC-303 and the TUI ask per node and per run; the answer depends only on the dump
const programmedCache = new WeakMap<IptablesSave, Map<string, ProgrammedPort>>();

export function programmedPorts(save: IptablesSave): Map<string, ProgrammedPort> {
  let known = programmedCache.get(save);
  if (!known) programmedCache.set(save, (known = indexProgrammed(save)));
  return known;
}

function indexProgrammed(save: IptablesSave): Map<string, ProgrammedPort> {
  const out = new Map<string, ProgrammedPort>();
  const entry = (key: string): ProgrammedPort => {
    let e = out.get(key);
    if (!e) out.set(key, (e = { endpoints: new Map(), localOnly: false }));
    return e;
  };
  const nat = save.tables.get('nat');
  for (const rule of nat?.chains.get('KUBE-SERVICES')?.rules ?? []) {
    const comment = ruleComment(rule);
    const key = comment ? portKeyOf(comment, ' cluster IP') : undefined;
    const target = rule.target ?? '';
    if (!key || !(target.startsWith('KUBE-SVC-') || target.startsWith('KUBE-SVL-'))) continue;
    const e = entry(key);
    e.clusterIpRule = rule;
    e.localOnly = target.startsWith('KUBE-SVL-');
    for (const jump of nat?.chains.get(target)?.rules ?? []) {
      if (!jump.target?.startsWith('KUBE-SEP-')) continue;
      for (const r of nat?.chains.get(jump.target)?.rules ?? []) {
        if (r.target !== 'DNAT') continue;
        const to = dnatDestination(r);
        if (to) e.endpoints.set(to, r);
      }
    }
  }
  for (const rule of save.tables.get('filter')?.chains.get('KUBE-SERVICES')?.rules ?? []) {
    const comment = ruleComment(rule);
    const key = comment ? portKeyOf(comment, ' has no endpoints') : undefined;
    if (key) entry(key).noEndpointsRule = rule;
  }
  return out;
}

export interface ReadyPort {
  /** `ip:port` of ready endpoints */
  readonly ready: Set<string>;
  readonly notReady: Set<string>;
  /** where the cluster says so */
  readonly evidence: EvidenceRef;
}

/**
 * A ReadyPort whose evidence (a JSON quote of the object's endpoints) is made when a finding cites it: most ports never
 * are.
 */
class ReadyFrom<T> implements ReadyPort {
  readonly ready = new Set<string>();
  readonly notReady = new Set<string>();
  #evidence: EvidenceRef | undefined;
  constructor(
    private readonly from: Located<T>,
    private readonly sub: string,
  ) {}
  get evidence(): EvidenceRef {
    return (this.#evidence ??= objectEvidence(this.from, this.sub, 'the endpoints the cluster publishes'));
  }
}

function fromSlices(slices: readonly Located<EndpointSlice>[]): Map<string, ReadyPort> {
  const out = new Map<string, ReadyPort>();
  for (const sl of slices) {
    for (const ep of sl.obj.endpoints ?? []) {
      for (const p of sl.obj.ports ?? []) {
        if (p.port === undefined || p.port === null) continue;
        const name = p.name ?? '';
        let e = out.get(name);
        if (!e) out.set(name, (e = new ReadyFrom(sl, '/endpoints')));
        for (const ip of ep.addresses) (ep.conditions?.ready === false ? e.notReady : e.ready).add(`${ip}:${p.port}`);
      }
    }
  }
  return out;
}

function fromEndpoints(ep: Located<Endpoints>): Map<string, ReadyPort> {
  const out = new Map<string, ReadyPort>();
  ep.obj.subsets?.forEach((sub, i) => {
    for (const p of sub.ports ?? []) {
      const name = p.name ?? '';
      let e = out.get(name);
      if (!e) out.set(name, (e = new ReadyFrom(ep, `/subsets/${i}`)));
      for (const a of sub.addresses ?? []) e.ready.add(`${a.ip}:${p.port}`);
      for (const a of sub.notReadyAddresses ?? []) e.notReady.add(`${a.ip}:${p.port}`);
    }
  });
  return out;
}

// SVC-303 and SVC-304 both ask for every Service; once per snapshot is enough
const readyCache = new WeakMap<Snapshot, Map<string, Map<string, ReadyPort> | undefined>>();

/** ready endpoints by service port name ("" for an unnamed port): EndpointSlices first, else Endpoints */
export function readyEndpoints(s: Snapshot, svcKey: string): Map<string, ReadyPort> | undefined {
  let known = readyCache.get(s);
  if (!known) readyCache.set(s, (known = new Map()));
  if (known.has(svcKey)) return known.get(svcKey);
  const ready = readyEndpointsOf(s, svcKey);
  known.set(svcKey, ready);
  return ready;
}

function readyEndpointsOf(s: Snapshot, svcKey: string): Map<string, ReadyPort> | undefined {
  const slices = s.index.endpointSlicesByService.get(svcKey);
  if (slices && slices.length > 0) return fromSlices(slices);
  const ep = s.index.endpointsByService.get(svcKey);
  if (ep) return fromEndpoints(ep);
  return s.cluster.endpointSlices || s.cluster.endpoints ? new Map() : undefined;
}

/** Services kube-proxy programs a cluster IP for */
export function proxiedServices(s: Snapshot): Located<Service>[] {
  return (s.cluster.services ?? []).filter((svc) => {
    const ip = svc.obj.spec.clusterIP;
    return (
      ip !== undefined &&
      ip !== '' &&
      ip !== 'None' &&
      svc.obj.spec.type !== 'ExternalName' &&
      (svc.obj.spec.ports ?? []).length > 0
    );
  });
}

// ---------------------------------------------------------------- ipvsadm -Ln

export interface IpvsService {
  readonly line: number;
  readonly text: string;
  /** `ip:port` -> line */
  readonly reals: Map<string, { line: number; text: string }>;
}

/**
 * the virtual services of `ipvsadm -Ln` (parsed by analyzer/parse/ipvsadm.ts) keyed `tcp:10.96.0.10:53`
 * (IPv6 `tcp:[fd00::a]:53`), each with its line and its real servers keyed `ip:port` as printed
 */
export function parseIpvsadm(text: string): Map<string, IpvsService> {
  const lines = text.split('\n');
  const at = (line: number) => (lines[line - 1] ?? '').replace(/\r$/, '');
  const hostPort = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;
  const out = new Map<string, IpvsService>();
  for (const vs of parseIpvsadmListing(text).value.services) {
    if (vs.port === undefined) continue; // FWM services have no address:port
    const reals = new Map(vs.reals.map((r) => [hostPort(r.address, r.port), { line: r.line, text: at(r.line) }]));
    out.set(`${vs.protocol.toLowerCase()}:${hostPort(vs.address, vs.port)}`, {
      line: vs.line,
      text: at(vs.line),
      reals,
    });
  }
  return out;
}
