// Applying the IP and name pseudonyms to a piece of text, and learning the names from a bundle.
import { entryBytes, entryPaths } from '../bundle/entries.js';
import type { RawBundle } from '../bundle/types.js';
import type { Counts } from './counts.js';
import type { IpPseudonymizer } from './ip-map.js';
import { KEPT_NAMESPACES, replaceNames, type NameMap } from './names.js';

// An IPv4 address with optional /prefix, not part of a longer dotted number (versions, OIDs).
const IPV4 = /(?<![0-9A-Za-z.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:\/(\d{1,2}))?(?![0-9]|\.\d)/g;
// IPv6 candidates: hex groups with `::` or seven colons; validated by the parser before use.
const IPV6 =
  /(?<![0-9A-Za-z:.])((?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|\d{1,3}(?:\.\d{1,3}){3}))(?:\/(\d{1,3}))?(?![0-9A-Za-z:])/g;

export class Pseudonyms {
  /** every address and CIDR seen: original -> pseudonym (for the map file) */
  readonly seenIps = new Map<string, string>();
  constructor(
    readonly ips: IpPseudonymizer,
    readonly names: NameMap,
    private readonly counts: Counts,
  ) {}

  private ip(whole: string, addr: string, prefix: string | undefined): string {
    const mapped = prefix !== undefined ? this.ips.cidr(addr, Number(prefix)) : this.ips.address(addr);
    if (mapped === undefined) return whole;
    if (mapped !== whole) {
      this.counts.add('pseudonym.ip');
      this.seenIps.set(whole, mapped);
    }
    return mapped;
  }

  text(s: string): string {
    let out = s;
    if (/\d\.\d/.test(out)) out = out.replace(IPV4, (w, a: string, p: string | undefined) => this.ip(w, a, p));
    if (out.includes(':')) {
      out = out.replace(IPV6, (w, a: string, p: string | undefined) => {
        if (!a.includes('::') && a.split(':').length !== 8) return w;
        if (a.includes('.')) return w; // IPv4-mapped: its IPv4 part was mapped by the pass above
        return this.ip(w, a, p);
      });
    }
    return this.namesIn(out);
  }

  /** the name pseudonyms only (entry paths, bundle ids) */
  namesIn(s: string): string {
    return replaceNames(s, this.names.forward, {
      onHit: (name) => this.counts.add(`pseudonym.${this.names.kindOf(name) ?? 'name'}`),
      derive: (tok) => this.names.derive(tok),
    });
  }
}

interface ObjMeta {
  metadata?: {
    name?: unknown;
    namespace?: unknown;
    labels?: unknown;
    generateName?: unknown;
    ownerReferences?: unknown;
  };
  spec?: {
    nodeName?: unknown;
    selector?: unknown;
    template?: { metadata?: { labels?: unknown }; spec?: unknown };
    containers?: unknown;
  };
  status?: { addresses?: unknown };
  involvedObject?: { name?: unknown; namespace?: unknown; kind?: unknown };
}

function itemsOf(raw: RawBundle, path: string): ObjMeta[] {
  const buf = entryBytes(raw, path);
  if (!buf) return [];
  try {
    const v = JSON.parse(buf.toString('utf8')) as { items?: unknown };
    return Array.isArray(v.items) ? (v.items as ObjMeta[]) : [];
  } catch {
    return []; // an unparsable list: its names are still caught where other files mention them
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function stringValues(v: unknown, out: string[], depth = 0): void {
  if (depth > 32) return;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringValues(x, out, depth + 1);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) stringValues(x, out, depth + 1);
}

const WORKLOADS: [string, 'service' | 'deployment' | 'daemonset'][] = [
  ['cluster/services.json', 'service'],
  ['cluster/deployments.json', 'deployment'],
  ['cluster/daemonsets.json', 'daemonset'],
];

/** Learn every name to rename from the bundles (all of them first, so they agree). */
export function learnNames(raws: readonly RawBundle[], names: NameMap): void {
  const nsOf = (o: ObjMeta) => str(o.metadata?.namespace);
  const all = (path: string) => raws.flatMap((r) => itemsOf(r, path));
  const objects = [
    ...WORKLOADS.map(([p]) => p),
    'cluster/pods.json',
    'cluster/endpoints.json',
    'cluster/endpointslices.json',
  ].flatMap(all);
  // 1. reserve what the system namespaces use: names, label values, container and port names
  for (const o of objects) {
    const ns = nsOf(o);
    if (ns !== undefined && !KEPT_NAMESPACES.has(ns)) continue;
    const vals: string[] = [];
    stringValues(
      {
        metadata: { name: o.metadata?.name, labels: o.metadata?.labels },
        spec: { selector: o.spec?.selector, template: o.spec?.template?.metadata, containers: o.spec?.containers },
      },
      vals,
    );
    for (const v of vals) if (v.length <= 253) names.reserve(v);
  }
  // 2. nodes and hostnames
  for (const n of all('cluster/nodes.json')) {
    const name = str(n.metadata?.name);
    if (name) names.addBase('node', name);
    if (Array.isArray(n.status?.addresses)) {
      for (const a of n.status.addresses as { type?: unknown; address?: unknown }[]) {
        if (
          (a.type === 'Hostname' || a.type === 'InternalDNS' || a.type === 'ExternalDNS') &&
          typeof a.address === 'string'
        )
          names.addBase('node', a.address);
      }
    }
  }
  for (const r of raws) {
    for (const n of [
      r.manifest?.node,
      r.manifest?.hostname,
      entryBytes(r, 'host/hostname.txt')?.toString('utf8').trim(),
    ])
      if (n) names.addBase('node', n);
  }
  for (const p of all('cluster/pods.json')) {
    const node = str(p.spec?.nodeName);
    if (node) names.addBase('node', node);
  }
  // 3. user namespaces and the workloads in them, then names derived from those
  for (const o of [...objects, ...all('cluster/events.json')]) {
    const ns = nsOf(o) ?? str(o.involvedObject?.namespace);
    if (ns && !KEPT_NAMESPACES.has(ns)) names.addBase('namespace', ns);
  }
  for (const [path, kind] of WORKLOADS) {
    for (const o of all(path)) {
      const ns = nsOf(o);
      const name = str(o.metadata?.name);
      if (name && ns && !KEPT_NAMESPACES.has(ns)) names.addBase(kind, name);
    }
  }
  for (const path of ['cluster/pods.json', 'cluster/endpoints.json', 'cluster/endpointslices.json']) {
    for (const o of all(path)) {
      const ns = nsOf(o);
      const name = str(o.metadata?.name);
      if (name && ns) names.addDerived(path.endsWith('pods.json') ? 'pod' : 'service', name, !KEPT_NAMESPACES.has(ns));
    }
  }
  // generated names: a pod's and an EndpointSlice's generateName, the owner ReplicaSet (`web-7d9f8b6c5d`)
  for (const path of ['cluster/pods.json', 'cluster/endpointslices.json', 'cluster/replicasets.json']) {
    for (const o of all(path)) {
      const ns = nsOf(o);
      if (!ns) continue;
      const user = !KEPT_NAMESPACES.has(ns);
      const gen = str(o.metadata?.generateName);
      if (gen) names.addDerived(path.endsWith('pods.json') ? 'pod' : 'service', gen, user);
      if (Array.isArray(o.metadata?.ownerReferences))
        for (const r of o.metadata.ownerReferences as { name?: unknown }[]) {
          const owner = str(r.name);
          if (owner) names.addDerived('workload', owner, user);
        }
    }
  }
  // ConfigMaps of user namespaces (their file names too: cluster/configmaps/<ns>/<name>.json)
  for (const r of raws)
    for (const path of entryPaths(r)) {
      const m = /^cluster\/configmaps\/([^/]+)\/([^/]+)\.json$/.exec(path);
      if (m && !KEPT_NAMESPACES.has(m[1]!)) names.addBase('configmap', m[2]!);
    }
  for (const e of all('cluster/events.json')) {
    const ns = str(e.involvedObject?.namespace);
    const name = str(e.involvedObject?.name);
    if (name && ns) names.addDerived('workload', name, !KEPT_NAMESPACES.has(ns));
  }
}
