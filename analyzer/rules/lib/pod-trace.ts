// Packets a pod of a node sends and receives, followed through that node's own routes and
// iptables by the packet tracer (analyzer/trace): the FORWARD, MASQUERADE and Service rules judge
// what such a packet would actually meet, and cite the steps that decided it.
import type { EvidenceRef, Report, Subject } from '../types.js';
import type { FileRef, HostState, Snapshot, Sourced } from '../../model/types.js';
import { dumpBackend } from '../../model/iptables-dumps.js';
import type { IptablesSave } from '../../parse/types.js';
import { ipInCidr, isIp, parseCidr } from '../../model/net.js';
import { deviceForSubnet } from '../../trace/route.js';
import { knownLineEvidence } from '../../model/evidence.js';
import { simulate, type TraceHost } from '../../trace/simulate.js';
import { podInterface, traceHost } from '../../trace/resolve.js';
import type { TraceBranch, TraceInput, TraceResult, TraceStep } from '../../trace/types.js';
import { lineAt, nodePodCidr, podNetworkFor, samplePodIp } from './host.js';

/** "somewhere on the internet" for pod egress: a public resolver's HTTPS port */
export const OUTSIDE = { ip: '1.1.1.1', proto: 'tcp', port: 443 } as const;

export interface PodProbe {
  readonly direction: 'egress' | 'ingress';
  readonly input: TraceInput;
}

/**
 * The iptables dumps the kernel applies, one per backend, default first: packets traverse the
 * hooks of both legacy and nf_tables when both hold rules, so each must let a packet through.
 * An explicit dump is left out when it is the default's backend or the same rules as the default
 * (a plain `iptables-save v1.8.x` header does not say which backend the default shows).
 */
export function iptablesDumps(host: HostState, s?: Snapshot): Sourced<IptablesSave>[] {
  const def = host.iptables;
  const out: Sourced<IptablesSave>[] = def ? [def] : [];
  const seen = new Set<string>();
  const defBackend = def && dumpBackend(s, host, def);
  if (defBackend) seen.add(defBackend);
  for (const [backend, d] of [
    ['legacy', host.iptablesLegacy],
    ['nf_tables', host.iptablesNft],
  ] as const) {
    if (!d || seen.has(backend) || (def && d.value.tables === def.value.tables)) continue;
    seen.add(backend);
    out.push(d);
  }
  return out;
}

/** hooks in the order a forwarded packet meets them */
const FORWARD_PATH = ['PREROUTING', 'ROUTING', 'FORWARD', 'POSTROUTING'] as const;

/**
 * A branch the tracer could not evaluate at or before `hook` (of a forwarded packet's path): what a
 * rule judging that hook must report as unknown instead of a verdict. A branch that stopped later
 * (Calico's ipset MASQUERADE in nat POSTROUTING) has been through `hook` already.
 */
export function undeterminedBy(r: TraceResult, hook: (typeof FORWARD_PATH)[number]): TraceBranch | undefined {
  const limit = FORWARD_PATH.indexOf(hook);
  return r.branches.find((b) => {
    if (b.fate.kind !== 'undetermined') return false;
    const at = FORWARD_PATH.indexOf(decidingStep(b)?.hook as (typeof FORWARD_PATH)[number]);
    return at < 0 || at <= limit;
  });
}

/** an unknown report for a trace that stopped at a match the tracer cannot evaluate, citing that rule */
export function undeterminedReport(
  s: Snapshot,
  subject: Subject,
  ref: FileRef | undefined,
  b: TraceBranch,
  messageId: string,
  data: Record<string, string | number | boolean>,
): Report {
  const f = b.fate as Extract<TraceBranch['fate'], { kind: 'undetermined' }>;
  const st = decidingStep(b);
  const ev = st && ref ? stepEvidence(s, ref, st, `the tracer cannot evaluate this rule: ${f.why}`) : undefined;
  return {
    status: 'unknown',
    subject,
    messageId,
    data: { ...data, at: f.at, why: f.why },
    missing: f.needs.length > 0 ? [...f.needs] : [`trace: ${f.why}`],
    ...(ev ? { evidence: [ev] } : {}),
  };
}

/** a pod address of another node: a peer's podCIDR, else the pod network outside this node's subnet */
function remotePodIp(s: Snapshot, node: string, local: string, network: string): string | undefined {
  for (const n of s.cluster.nodes ?? []) {
    const cidr = n.obj.spec?.podCIDR;
    if (n.obj.metadata.name !== node && cidr && parseCidr(cidr) && parseCidr(cidr)?.text !== local)
      return samplePodIp(cidr);
  }
  const c = parseCidr(network);
  const l = parseCidr(local);
  if (!c || !l || c.addr.kind() !== 'ipv4' || l.prefix <= c.prefix) return undefined;
  // the subnet right after this node's, wrapped inside the network
  const bytes = l.addr.toByteArray();
  const own = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  const nb = c.addr.toByteArray();
  const base = (((nb[0] ?? 0) << 24) | ((nb[1] ?? 0) << 16) | ((nb[2] ?? 0) << 8) | (nb[3] ?? 0)) >>> 0;
  const size = 2 ** (32 - c.prefix);
  const next = base + ((own - base + 2 ** (32 - l.prefix)) % size);
  return samplePodIp(`${[next >>> 24, (next >>> 16) & 255, (next >>> 8) & 255, next & 255].join('.')}/${l.prefix}`);
}

/**
 * The address the probes send from: on a bridge CNI (flannel's cni0) the subnet's .2, which the
 * bridge holds; on a routed CNI (Calico: no bridge, a /32 route per pod to its veth) a real pod of
 * the node, from the pod list or from those routes, so the trace meets the same reverse path and
 * `-i cali+` rules a pod's packet does. A made-up address there has no route back and would fail
 * rpfilter where no real pod does.
 */
function localPodIp(
  s: Snapshot,
  host: HostState,
  th: TraceHost,
  local: string,
  network: string | undefined,
): string | undefined {
  const sample = samplePodIp(local);
  if (sample && deviceForSubnet(th.addrs, sample)) return sample;
  const inPods = (ip: string) => ipInCidr(ip, local) || (network !== undefined && ipInCidr(ip, network));
  const pod = (s.index.podsByNode.get(host.node) ?? []).find(
    (p) => !p.obj.spec?.hostNetwork && p.obj.status?.podIP && inPods(p.obj.status.podIP),
  );
  if (pod?.obj.status?.podIP) return pod.obj.status.podIP;
  const veths = new Set((th.addrs ?? []).filter((l) => l.linkinfo?.info_kind === 'veth').map((l) => l.ifname));
  const routed = (th.routes ?? []).find(
    (r) =>
      (r.table ?? 'main') === 'main' &&
      !r.gateway &&
      r.dev !== undefined &&
      veths.has(r.dev) &&
      isIp(r.dst) &&
      inPods(r.dst),
  );
  return routed?.dst ?? sample;
}

/**
 * A NEW packet from a pod of this node (its podCIDR's .2, arriving on the bridge that holds it) to
 * the internet, and one from a pod of another node arriving on the VXLAN device to that local pod.
 */
export function podProbes(s: Snapshot, host: HostState, th: TraceHost): { probes: PodProbe[]; missing: string[] } {
  const local = nodePodCidr(s, host.node);
  const network = podNetworkFor(s, host);
  const own = local ? localPodIp(s, host, th, local, network) : undefined;
  if (!local || !own) return { probes: [], missing: ['cluster.nodes'] };
  const bridge = podInterface(th, own);
  const probes: PodProbe[] = [
    {
      direction: 'egress',
      input: {
        src: own,
        dst: OUTSIDE.ip,
        proto: OUTSIDE.proto,
        dport: OUTSIDE.port,
        origin: { kind: 'local-pod', iface: bridge },
      },
    },
  ];
  const peer = network ? remotePodIp(s, host.node, local, network) : undefined;
  const vtep = (th.addrs ?? []).find((l) => l.linkinfo?.info_kind === 'vxlan')?.ifname ?? 'flannel.1';
  if (peer && peer !== own)
    probes.push({
      direction: 'ingress',
      input: { src: peer, dst: own, proto: 'tcp', dport: 8080, origin: { kind: 'remote', iface: vtep } },
    });
  return { probes, missing: [] };
}

/** the node's trace host with one iptables dump, optionally judged as if the filter table accepted all */
export function traceHostWith(
  s: Snapshot,
  host: HostState,
  dump: Sourced<IptablesSave> | undefined,
  opts: { filterAcceptsAll?: boolean } = {},
): TraceHost {
  const base = traceHost(s, host);
  let save = dump?.value;
  if (save && opts.filterAcceptsAll)
    save = { ...save, tables: new Map([...save.tables].filter(([t]) => t !== 'filter')) };
  // ip_forward = 0 is SYS-101's finding: the chains are judged as if the kernel forwarded
  return { ...base, iptables: save, iptablesRef: dump?.ref, ipForward: undefined };
}

export function trace(th: TraceHost, probe: PodProbe): TraceResult {
  return simulate(th, probe.input);
}

/** the last step of a branch: for a dropped or rejected packet, the rule or policy that decided */
export function decidingStep(b: TraceBranch): TraceStep | undefined {
  return b.steps[b.steps.length - 1];
}

/** An iptables step as evidence: its rule line as the parser kept it, or the chain's policy line from the file. */
export function stepEvidence(
  s: Snapshot,
  ref: Sourced<unknown>['ref'] | undefined,
  step: TraceStep,
  note: string,
): EvidenceRef | undefined {
  if (!ref || step.line === undefined) return undefined;
  if (step.ruleIndex !== undefined && step.text !== undefined)
    return knownLineEvidence(ref, step.line, step.text, note);
  return lineAt(s, ref, step.line, note);
}

/** the tool that lists this dump, for commands */
export function toolFor(host: HostState, dump: Sourced<IptablesSave>): string {
  if (dump === host.iptables) return 'iptables';
  return dump === host.iptablesLegacy ? 'iptables-legacy' : 'iptables-nft';
}
