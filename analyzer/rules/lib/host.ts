// Host-side helpers the system/network/service rules share: the pod network as components see it,
// sysctls, links and routes, pods per node, and evidence built from the places the Snapshot keeps.
// Everything here is pure and cheap (maps built once per call site, no scans per service).
import type { EvidenceRef } from '../types.js';
import type { FileRef, HostState, Located, Seen, Snapshot, Sourced } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import type { IpLink, IpRoute, SysctlEntry } from '../../parse/types.js';
import { embeddedLineEvidence, knownLineEvidence, lineEvidence } from '../../model/evidence.js';
import { parseCidr } from '../../model/net.js';

// ---------------------------------------------------------------- the pod network

/** The cluster pod network: flannel's Network first (it is what routes), then kubeadm, then kube-proxy. */
export function podNetwork(s: Snapshot): Seen<string> | undefined {
  const p = s.derived.podCidr;
  for (const seen of [p.flannel, p.kubeadm, p.kubeProxy]) if (seen && parseCidr(seen.value)) return seen;
  return undefined;
}

/** The pod network as one node sees it: the cluster's view, else FLANNEL_NETWORK of its subnet.env. */
export function podNetworkFor(s: Snapshot, host: HostState): string | undefined {
  const seen = podNetwork(s);
  if (seen) return parseCidr(seen.value)?.text;
  const env = host.subnetEnv?.value.network;
  return env ? parseCidr(env)?.text : undefined;
}

/** The node's own pod subnet: spec.podCIDR, else the FLANNEL_SUBNET of its subnet.env. */
export function nodePodCidr(s: Snapshot, node: string): string | undefined {
  const fromNode = s.index.nodeByName.get(node)?.obj.spec?.podCIDR;
  if (fromNode && parseCidr(fromNode)) return parseCidr(fromNode)?.text;
  const env = s.hosts.get(node)?.subnetEnv?.value.subnet;
  return env ? parseCidr(env)?.text : undefined;
}

/** A pod address inside `cidr` to stand for "a pod" in packet checks (network + 2: .1 is cni0). */
export function samplePodIp(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  if (!c || c.addr.kind() !== 'ipv4') return undefined;
  const bytes = c.addr.toByteArray();
  const n = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  const v = (n + 2) >>> 0;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

// ---------------------------------------------------------------- sysctl, links, routes

export function sysctlEntry(host: HostState, key: string): SysctlEntry | undefined {
  return host.sysctl?.value.get(key);
}

/** links from `ip -d link`, else from `ip -d addr` (both list every interface) */
export function hostLinks(host: HostState): Sourced<readonly IpLink[]> | undefined {
  return host.links ?? host.addrs;
}

export function linkNamed(links: readonly IpLink[], name: string): IpLink | undefined {
  return links.find((l) => l.ifname === name);
}

/** IPv4 addresses of an interface, from `ip -j addr` (with the index of each in addr_info) */
export function ipv4Addrs(link: IpLink): { local: string; prefixlen: number; i: number }[] {
  return (link.addr_info ?? []).flatMap((a, i) => (a.family === 'inet' ? [{ local: a.local, prefixlen: a.prefixlen, i }] : []));
}

/** routes of the main table, unicast only (iproute2 omits type for unicast and table for main) */
export function mainRoutes(routes: readonly IpRoute[]): IpRoute[] {
  return routes.filter((r) => (r.table === undefined || r.table === 'main') && (r.type === undefined || r.type === 'unicast'));
}

export function defaultRouteDev(host: HostState): string | undefined {
  return mainRoutes(host.routes?.value ?? []).find((r) => r.dst === 'default')?.dev;
}

// ---------------------------------------------------------------- pods per node

const FLANNEL_NS = new Set(['kube-flannel', 'kube-system']);

export function isFlannelPod(p: Pod): boolean {
  const ns = p.metadata.namespace ?? '';
  if (!FLANNEL_NS.has(ns)) return false;
  const labels = p.metadata.labels ?? {};
  return labels['app'] === 'flannel' || labels['k8s-app'] === 'flannel' || p.metadata.name.startsWith('kube-flannel-ds');
}

export function isKubeProxyPod(p: Pod): boolean {
  return p.metadata.namespace === 'kube-system' && (p.metadata.labels?.['k8s-app'] === 'kube-proxy' || /^kube-proxy-[a-z0-9]{5}$/.test(p.metadata.name));
}

/** pods of one kind by node name, built in one pass */
export function podsByNode(s: Snapshot, is: (p: Pod) => boolean): Map<string, Located<Pod>[]> {
  const out = new Map<string, Located<Pod>[]>();
  for (const p of s.cluster.pods ?? []) {
    if (!is(p.obj)) continue;
    const node = p.obj.spec?.nodeName ?? '';
    const list = out.get(node);
    if (list) list.push(p);
    else out.set(node, [p]);
  }
  return out;
}

/** Running and every container ready */
export function podIsHealthy(p: Pod): boolean {
  if (p.status?.phase !== 'Running') return false;
  const cs = p.status.containerStatuses ?? [];
  return cs.length > 0 && cs.every((c) => c.ready);
}

/** node names: from the cluster's node list, else the host bundles */
export function nodeNames(s: Snapshot): string[] {
  const names = s.cluster.nodes ? s.cluster.nodes.map((n) => n.obj.metadata.name) : [...s.hosts.keys()];
  return [...new Set(names)].sort();
}

// ---------------------------------------------------------------- evidence

/** A JSON value in a bundle file at a pointer, quoted as the file has it (for ip -j arrays). */
export function jsonEvidence(s: Snapshot, ref: FileRef, pointer: string, note?: string): EvidenceRef | undefined {
  const v = s.files.pointer(ref, pointer);
  if (v === undefined) return undefined;
  return { bundle: ref.bundle, path: ref.path, pointer, quote: JSON.stringify(v), ...(note ? { note } : {}) };
}

/** One line of a text file or of a text embedded in a JSON string, quoted from the file itself. */
export function lineAt(s: Snapshot, ref: FileRef & { readonly pointer?: string }, line: number, note?: string): EvidenceRef | undefined {
  if (ref.pointer !== undefined) {
    const text = s.files.pointer({ bundle: ref.bundle, path: ref.path }, ref.pointer);
    return typeof text === 'string' ? embeddedLineEvidence(text, { ...ref, pointer: ref.pointer }, line, line, note) : undefined;
  }
  return lineEvidence(s.files, ref, line, line, note);
}

/** Evidence for a value as one component sees it (a line, an embedded line or a JSON pointer). */
export function seenEvidence(s: Snapshot, seen: Seen<unknown>, note?: string): EvidenceRef | undefined {
  const at = seen.at;
  const ref = { bundle: at.bundle, path: at.path };
  if (at.line !== undefined) return lineAt(s, at.pointer !== undefined ? { ...ref, pointer: at.pointer } : ref, at.line, note);
  if (at.pointer !== undefined) return jsonEvidence(s, ref, at.pointer, note);
  return undefined;
}

export function sysctlEvidence(s: Snapshot, host: HostState, entry: SysctlEntry, note?: string): EvidenceRef | undefined {
  return host.sysctl ? lineAt(s, host.sysctl.ref, entry.line, note) : undefined;
}

/** an iptables rule's own line (the parser kept its text) */
export function ruleEvidence(ref: FileRef, rule: { readonly line: number; readonly text: string }, note?: string): EvidenceRef {
  return knownLineEvidence(ref, rule.line, rule.text, note);
}

/** drop the undefined ones (evidence that did not resolve is left out, never invented) */
export function present(...evs: (EvidenceRef | undefined)[]): EvidenceRef[] {
  return evs.filter((e): e is EvidenceRef => e !== undefined);
}

/** `cidr` overlaps `other` (either contains the other) */
export { cidrOverlaps, cidrContains, sameCidr, ipInCidr, parseCidr } from '../../model/net.js';

/** Every host fault on a node explains SYS-108 there (the same fault seen as a difference from its peers). */
export const PEER_EXPLAINS: readonly import('../types.js').Explains[] = [{ rule: 'SYS-108', match: 'same-node' }];

// ---------------------------------------------------------------- container logs

export interface PodLog {
  readonly key: string;
  readonly sourceId: string;
  readonly log?: Sourced<readonly import('../../parse/types.js').LogLine[]>;
}

/** the current and previous log of one container of a pod (`log` undefined when not collected) */
export function podLogs(s: Snapshot, pod: Located<Pod>, container: string): PodLog[] {
  const ns = pod.obj.metadata.namespace ?? 'default';
  const name = pod.obj.metadata.name;
  return ['', '.previous'].map((suffix) => {
    const key = `${ns}/${name}/${container}${suffix}`;
    return { key, sourceId: `cluster.log.${ns}.${name}.${container}${suffix}`, log: s.cluster.logs.get(key) };
  });
}

/** the last line of the collected logs that `is` picks, with its evidence */
export function lastLogLine(s: Snapshot, logs: readonly PodLog[], is: (l: import('../../parse/types.js').LogLine) => boolean, note?: string) {
  for (const pl of logs) {
    const lines = pl.log?.value ?? [];
    for (let i = lines.length - 1; i >= 0; i--) {
      const l = lines[i];
      if (!l || !is(l) || !pl.log) continue;
      const ev = lineAt(s, pl.log.ref, l.line, note);
      if (ev) return { line: l, evidence: ev };
    }
  }
  return undefined;
}
