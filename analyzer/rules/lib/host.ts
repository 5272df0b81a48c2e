// Host-side helpers the system/network/service rules share: the pod network as components see it,
// sysctls, links and routes, pods per node, and evidence built from the places the Snapshot keeps.
// Everything here is pure and cheap (maps built once per call site, no scans per service).
import type { EvidenceRef } from '../types.js';
import type { FileRef, HostState, Located, Seen, Snapshot, Sourced } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import type { IpLink, IpRoute, SysctlEntry } from '../../parse/types.js';
import { embeddedLineEvidence, knownLineEvidence, lineEvidence } from '../../model/evidence.js';
import { parseCidr } from '../../model/net.js';
import { v4Net } from '../../model/ipv4.js';

// ---------------------------------------------------------------- the pod network

/** The cluster pod network: flannel's Network first (it is what routes), then kubeadm, then kube-proxy. */
export function podNetwork(s: Snapshot): Seen<string> | undefined {
  const p = s.derived.podCidr;
  for (const seen of [p.flannel, p.kubeadm, p.kubeProxy]) if (seen && parseCidr(seen.value)) return seen;
  return undefined;
}

/** the bridge a bridge CNI plugs pods into (flannel/bridge plugin: cni0, kubenet: cbr0) */
const POD_BRIDGES = ['cni0', 'cbr0'];
const isOverlayDevice = (dev: string | undefined): boolean =>
  dev !== undefined && /^(flannel[.-]|vxlan\.calico$|tunl0$)/.test(dev);

const FAMILY_OK = (cidr: string): boolean => parseCidr(cidr)?.addr.kind() === 'ipv4';

/** the node's pod bridge (cni0, cbr0) and its IPv4 network (10.244.1.1/24 -> 10.244.1.0/24) */
export function bridgeNetwork(host: HostState): { dev: string; network: string; seen: Seen<string> } | undefined {
  const addrs = host.addrs;
  if (!addrs) return undefined;
  for (const dev of POD_BRIDGES) {
    const link = linkNamed(addrs.value, dev);
    const a = link ? ipv4Addrs(link)[0] : undefined;
    const net = a ? parseCidr(`${a.local}/${a.prefixlen}`) : undefined;
    if (!link || !a || !net) continue;
    const text = networkOf(net.text);
    if (text)
      return {
        dev,
        network: text,
        seen: {
          value: text,
          by: `${dev}/${host.node}`,
          at: { bundle: addrs.ref.bundle, path: addrs.ref.path, pointer: `/${link.at}/addr_info/${a.i}` },
        },
      };
  }
  return undefined;
}

/** "10.244.1.1/24" -> "10.244.1.0/24" (IPv4 only) */
function networkOf(cidr: string): string | undefined {
  const n = v4Net(cidr);
  if (!n) return undefined;
  return `${fromInt(n.net)}/${n.prefix}`;
}

const fromInt = (v: number): string => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');

/** the smallest IPv4 network holding all of `cidrs` */
function supernet(cidrs: readonly string[]): string | undefined {
  const nets = cidrs.map((c) => v4Net(c)).filter((n): n is NonNullable<ReturnType<typeof v4Net>> => n !== undefined);
  const first = nets[0];
  if (!first) return undefined;
  let prefix = Math.min(...nets.map((n) => n.prefix));
  const maskOf = (p: number): number => (p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0);
  while (prefix > 0 && !nets.every((n) => (n.net & maskOf(prefix)) >>> 0 === (first.net & maskOf(prefix)) >>> 0))
    prefix--;
  return `${fromInt((first.net & maskOf(prefix)) >>> 0)}/${prefix}`;
}

/**
 * The pod network read from the node alone, when nothing states it: the smallest network holding
 * the pod bridge's subnet, the overlay device's address and the routes via the overlay device
 * (flannel's `10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink`). Narrower than the real network
 * when few peers are routed, never wider.
 */
export function hostPodNetwork(host: HostState): Seen<string> | undefined {
  const bridge = bridgeNetwork(host);
  if (!bridge) return undefined;
  const parts = [bridge.network];
  for (const l of host.addrs?.value ?? [])
    if (isOverlayDevice(l.ifname)) for (const a of ipv4Addrs(l)) parts.push(`${a.local}/32`);
  for (const r of mainRoutes(host.routes?.value ?? []))
    if (isOverlayDevice(r.dev) && r.dst !== 'default' && v4Net(r.dst)) parts.push(r.dst);
  const value = supernet(parts);
  return value ? { ...bridge.seen, value, by: `routes/${host.node}` } : undefined;
}

/**
 * The pod network for one node, with where it is stated: the shared fact (every source that states
 * it, best first), the components' view, the node's subnet.env FLANNEL_NETWORK, else what the
 * node's own bridge, overlay address and overlay routes span.
 */
export function podNetworkSeen(s: Snapshot, host: HostState): Seen<string> | undefined {
  const fact = s.derived.podNetworks.find((p) => FAMILY_OK(p.value));
  if (fact) return { ...fact, value: parseCidr(fact.value)?.text ?? fact.value };
  const seen = podNetwork(s);
  if (seen) return { ...seen, value: parseCidr(seen.value)?.text ?? seen.value };
  const env = host.subnetEnv;
  const net = env?.value.vars.get('FLANNEL_NETWORK');
  const text = env?.value.network ? parseCidr(env.value.network)?.text : undefined;
  if (env && text)
    return {
      value: text,
      by: 'flannel/subnet.env',
      at: { bundle: env.ref.bundle, path: env.ref.path, ...(net ? { line: net.line } : {}) },
    };
  return hostPodNetwork(host);
}

/** The pod network as one node sees it (see podNetworkSeen). */
export function podNetworkFor(s: Snapshot, host: HostState): string | undefined {
  return podNetworkSeen(s, host)?.value;
}

/**
 * The node's own pod subnet, with where it is stated: the shared fact, spec.podCIDR, the
 * FLANNEL_SUBNET of its subnet.env, else the network of its pod bridge (cni0 10.244.1.1/24).
 */
export function nodePodCidrSeen(s: Snapshot, node: string): Seen<string> | undefined {
  const fact = (s.derived.nodePodCidrs.get(node) ?? []).find((p) => FAMILY_OK(p.value) && parseCidr(p.value));
  if (fact) return { ...fact, value: networkOf(fact.value) ?? fact.value };
  const n = s.index.nodeByName.get(node);
  const fromNode = n?.obj.spec?.podCIDR;
  if (n && fromNode && parseCidr(fromNode))
    return {
      value: parseCidr(fromNode)?.text ?? fromNode,
      by: `node/${node}`,
      at: { ...n.ref, pointer: `${n.ref.pointer}/spec/podCIDR` },
    };
  const host = s.hosts.get(node);
  const env = host?.subnetEnv;
  const sub = env?.value.vars.get('FLANNEL_SUBNET');
  const envNet = env?.value.subnet ? (networkOf(env.value.subnet) ?? parseCidr(env.value.subnet)?.text) : undefined;
  if (env && envNet)
    return {
      value: envNet,
      by: 'flannel/subnet.env',
      at: { bundle: env.ref.bundle, path: env.ref.path, ...(sub ? { line: sub.line } : {}) },
    };
  return host ? bridgeNetwork(host)?.seen : undefined;
}

/** The node's own pod subnet (see nodePodCidrSeen). */
export function nodePodCidr(s: Snapshot, node: string): string | undefined {
  return nodePodCidrSeen(s, node)?.value;
}

/** the file a Seen value was read from, as a basis */
export function seenFile(seen: Seen<unknown> | undefined): FileRef | undefined {
  return seen ? { bundle: seen.at.bundle, path: seen.at.path } : undefined;
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
  return (link.addr_info ?? []).flatMap((a, i) =>
    a.family === 'inet' ? [{ local: a.local, prefixlen: a.prefixlen, i }] : [],
  );
}

/** routes of the main table, unicast only (iproute2 omits type for unicast and table for main) */
export function mainRoutes(routes: readonly IpRoute[]): IpRoute[] {
  return routes.filter(
    (r) => (r.table === undefined || r.table === 'main') && (r.type === undefined || r.type === 'unicast'),
  );
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
  return (
    labels['app'] === 'flannel' || labels['k8s-app'] === 'flannel' || p.metadata.name.startsWith('kube-flannel-ds')
  );
}

export function isKubeProxyPod(p: Pod): boolean {
  return (
    p.metadata.namespace === 'kube-system' &&
    (p.metadata.labels?.['k8s-app'] === 'kube-proxy' || /^kube-proxy-[a-z0-9]{5}$/.test(p.metadata.name))
  );
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
export function lineAt(
  s: Snapshot,
  ref: FileRef & { readonly pointer?: string },
  line: number,
  note?: string,
): EvidenceRef | undefined {
  if (ref.pointer !== undefined) {
    const text = s.files.pointer({ bundle: ref.bundle, path: ref.path }, ref.pointer);
    return typeof text === 'string'
      ? embeddedLineEvidence(text, { ...ref, pointer: ref.pointer }, line, line, note)
      : undefined;
  }
  return lineEvidence(s.files, ref, line, line, note);
}

/** Evidence for a value as one component sees it (a line, an embedded line or a JSON pointer). */
export function seenEvidence(s: Snapshot, seen: Seen<unknown>, note?: string): EvidenceRef | undefined {
  const at = seen.at;
  const ref = { bundle: at.bundle, path: at.path };
  if (at.line !== undefined)
    return lineAt(s, at.pointer !== undefined ? { ...ref, pointer: at.pointer } : ref, at.line, note);
  if (at.pointer !== undefined) return jsonEvidence(s, ref, at.pointer, note);
  return undefined;
}

export function sysctlEvidence(
  s: Snapshot,
  host: HostState,
  entry: SysctlEntry,
  note?: string,
): EvidenceRef | undefined {
  return host.sysctl ? lineAt(s, host.sysctl.ref, entry.line, note) : undefined;
}

/** an iptables rule's own line (the parser kept its text) */
export function ruleEvidence(
  ref: FileRef,
  rule: { readonly line: number; readonly text: string },
  note?: string,
): EvidenceRef {
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
export function lastLogLine(
  s: Snapshot,
  logs: readonly PodLog[],
  is: (l: import('../../parse/types.js').LogLine) => boolean,
  note?: string,
) {
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

/**
 * flannel's own log on a node: its pods' kube-flannel container (pod list), the kube-flannel logs
 * read on the node itself, or flanneld's journald unit (flannel outside Kubernetes, microk8s).
 */
export function flannelLogs(s: Snapshot, host: HostState): PodLog[] {
  const out: PodLog[] = [];
  for (const p of s.cluster.pods ?? [])
    if (isFlannelPod(p.obj) && p.obj.spec?.nodeName === host.node) out.push(...podLogs(s, p, 'kube-flannel'));
  if (!out.some((l) => l.log)) {
    for (const [key, log] of s.cluster.logs) {
      const [ns, pod, container] = key.split('/');
      if (!ns || !FLANNEL_NS.has(ns) || !pod?.startsWith('kube-flannel') || !container?.startsWith('kube-flannel'))
        continue;
      if (log.ref.bundle === host.bundle || s.hosts.size === 1)
        out.push({ key, sourceId: `cluster.log.${ns}.${pod}.${container}`, log });
    }
  }
  for (const unit of ['flanneld', 'snap.microk8s.daemon-flanneld']) {
    const log = host.journal?.get(unit);
    if (log) out.push({ key: `journal/${unit}`, sourceId: `host.journal.${unit}`, log });
  }
  return out;
}
