// Turn what an operator types (`--from coredns-abc`, `--to kube-system/kube-dns:53`) into a
// packet and the node whose rules it meets, using the Snapshot's indexes; then run the simulator.
import type { HostState, Located, Snapshot } from '../model/types.js';
import type { Pod } from '../model/schemas.js';
import { ipInCidr, isIp } from '../model/net.js';
import { simulate, type ForeignNftChain, type TraceHost } from './simulate.js';
import { ipvsOf } from '../model/ipvs.js';
import { nftRulesetOf } from '../model/iptables-dumps.js';
import { nftJsonOf } from '../model/nft-json.js';
import { IPTABLES_TABLES } from '../parse/nft.js';
import { deviceForSubnet, lookupRoute } from './route.js';
import { applyNetworkPolicy } from './policy-trace.js';
import type { Origin, Proto, TraceResult } from './types.js';

export interface TraceRequest {
  readonly from: string;
  readonly to: string;
  readonly proto?: Proto;
  readonly node?: string;
}

export class TraceInputError extends Error {}

interface Source {
  readonly ip: string;
  readonly node?: string;
  readonly kind: 'pod' | 'host' | 'ip';
  readonly podName?: string;
  readonly hostNetwork?: boolean;
}

function findPod(s: Snapshot, name: string): Located<Pod> | undefined {
  const pods = s.cluster.pods ?? [];
  if (name.includes('/')) {
    const [ns, n] = name.split('/', 2);
    return pods.find((p) => p.obj.metadata.namespace === ns && p.obj.metadata.name === n);
  }
  const hits = pods.filter((p) => p.obj.metadata.name === name);
  if (hits.length > 1)
    throw new TraceInputError(
      `pod name "${name}" is ambiguous (${hits.length} namespaces); write it as namespace/name`,
    );
  return hits[0];
}

function nodeInternalIP(s: Snapshot, node: string): string | undefined {
  const n = s.index.nodeByName.get(node);
  const fromObj = n?.obj.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (fromObj) return fromObj;
  const host = s.hosts.get(node);
  const addrs = host?.addrs?.value ?? [];
  const def = host?.routes?.value.find((r) => r.dst === 'default' && (r.table ?? 'main') === 'main');
  return addrs.find((l) => l.ifname === def?.dev)?.addr_info?.find((a) => a.family === 'inet')?.local;
}

function resolveSource(s: Snapshot, from: string): Source {
  if (s.hosts.has(from) || s.index.nodeByName.has(from)) {
    const ip = nodeInternalIP(s, from);
    if (!ip) throw new TraceInputError(`node "${from}": no InternalIP in the bundle`);
    return { ip, node: from, kind: 'host' };
  }
  if (isIp(from)) {
    const pod = s.index.podByIP.get(from);
    if (pod && !pod.obj.spec?.hostNetwork)
      return { ip: from, node: pod.obj.spec?.nodeName, kind: 'pod', podName: podName(pod) };
    for (const [name] of s.hosts) if (nodeInternalIP(s, name) === from) return { ip: from, node: name, kind: 'host' };
    return { ip: from, kind: 'ip' };
  }
  const pod = findPod(s, from);
  if (!pod) throw new TraceInputError(`--from "${from}" is not a node, a pod or an IP address in these bundles`);
  const ip = pod.obj.status?.podIP;
  if (!ip) throw new TraceInputError(`pod ${podName(pod)} has no IP (phase ${pod.obj.status?.phase ?? 'unknown'})`);
  return {
    ip,
    node: pod.obj.spec?.nodeName,
    kind: pod.obj.spec?.hostNetwork ? 'host' : 'pod',
    podName: podName(pod),
    hostNetwork: pod.obj.spec?.hostNetwork,
  };
}

const podName = (p: Located<Pod>) => `${p.obj.metadata.namespace ?? 'default'}/${p.obj.metadata.name}`;

function splitPort(spec: string): { host: string; port?: number } {
  const m = /^(.*):(\d+)$/.exec(spec);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: spec };
}

/** Service by `ns/name`, `name.ns`, `name.ns.svc[.cluster.local]` or a bare unique name. */
function resolveDestination(s: Snapshot, to: string): { ip: string; port?: number; proto?: Proto; label: string } {
  const { host, port } = splitPort(to);
  if (isIp(host)) return { ip: host, port, label: to };
  if (s.index.nodeByName.has(host) || s.hosts.has(host)) {
    const ip = nodeInternalIP(s, host);
    if (!ip) throw new TraceInputError(`node "${host}": no InternalIP in the bundle`);
    return { ip, port, label: to };
  }
  let key: string | undefined;
  if (host.includes('/')) key = host;
  else if (host.includes('.')) {
    const [name, ns] = host.split('.');
    key = `${ns}/${name}`;
  } else {
    const hits = [...s.index.serviceByName.keys()].filter((k) => k.endsWith(`/${host}`));
    if (hits.length > 1) throw new TraceInputError(`service name "${host}" is ambiguous: ${hits.join(', ')}`);
    key = hits[0];
  }
  const svc = key ? s.index.serviceByName.get(key) : undefined;
  if (svc) {
    const ip = svc.obj.spec.clusterIP;
    if (!ip || ip === 'None') throw new TraceInputError(`service ${key} has no ClusterIP (headless)`);
    const ports = svc.obj.spec.ports ?? [];
    const sp = port !== undefined ? ports.find((p) => p.port === port || p.name === String(port)) : ports[0];
    return {
      ip,
      port: sp?.port ?? port,
      proto: (sp?.protocol?.toLowerCase() as Proto | undefined) ?? undefined,
      label: `${key}:${sp?.port ?? port ?? '?'}`,
    };
  }
  const pod = findPod(s, host);
  if (pod?.obj.status?.podIP) return { ip: pod.obj.status.podIP, port, label: to };
  throw new TraceInputError(`--to "${to}" is not a service, pod, node or IP address in these bundles`);
}

function podCidr(s: Snapshot): string | undefined {
  const d = s.derived.podCidr;
  return d.flannel?.value ?? d.kubeadm?.value ?? d.kubeProxy?.value;
}

export function traceHost(s: Snapshot, host: HostState): TraceHost {
  const fwd = host.sysctl?.value.get('net.ipv4.ip_forward')?.value;
  const vsConntrack = host.sysctl?.value.get('net.ipv4.vs.conntrack')?.value;
  return {
    node: host.node,
    iptables: host.iptables?.value,
    routes: host.routes?.value,
    addrs: host.addrs?.value,
    ipRules: host.ipRules?.value,
    podCidr: podCidr(s),
    ipForward: fwd === undefined ? undefined : fwd.trim() !== '0',
    iptablesRef: host.iptables?.ref,
    routesRef: host.routes?.ref,
    ipvs: ipvsOf(host),
    ...(vsConntrack === undefined ? {} : { ipvsConntrack: vsConntrack.trim() !== '0' }),
    ...nftOf(s, host),
  };
}

/** the node's `nft -j list ruleset`, when collected: its non-iptables tables are traced (./nft-hooks.ts) */
function nftOf(s: Snapshot, host: HostState): Pick<TraceHost, 'nft' | 'nftRef'> {
  const got = nftJsonOf(s, host);
  return got ? { nft: got.value, nftRef: got.ref } : {};
}

export function traceFromSnapshot(
  s: Snapshot,
  req: TraceRequest,
): TraceResult & { readonly label: { from: string; to: string } } {
  const src = resolveSource(s, req.from);
  const dst = resolveDestination(s, req.to);
  const nodeName = req.node ?? src.node ?? (s.hosts.size === 1 ? [...s.hosts.keys()][0] : undefined);
  if (!nodeName)
    throw new TraceInputError(
      `cannot tell which node's rules to use for ${req.from}; pass --node (loaded: ${[...s.hosts.keys()].join(', ') || 'none'})`,
    );
  const host = s.hosts.get(nodeName);
  if (!host)
    throw new TraceInputError(
      `no host data for node "${nodeName}" (loaded: ${[...s.hosts.keys()].join(', ') || 'none'}); collect a bundle on that node`,
    );
  const base = traceHost(s, host);
  // tables the JSON listing carries are evaluated, not foreign
  const evaluated = new Set(base.nft?.tables.map((t) => `${t.family} ${t.name}`) ?? []);
  const th: TraceHost = { ...base, foreignNft: foreignNftChains(s, host).filter((c) => !evaluated.has(c.table)) };
  const proto: Proto = req.proto ?? dst.proto ?? (dst.port === undefined ? 'icmp' : 'tcp');
  let origin: Origin;
  if (src.kind === 'host' || (src.node === nodeName && src.hostNetwork)) origin = { kind: 'host' };
  else if (src.node === nodeName || (src.kind === 'ip' && deviceForSubnet(th.addrs, src.ip) && isBridge(th, src.ip))) {
    origin = { kind: 'local-pod', iface: podInterface(th, src.ip), ...(src.podName ? { podName: src.podName } : {}) };
  } else {
    // from elsewhere: it arrives on the interface the node would route back to the source through
    const back = lookupRoute(th.routes ?? [], new Set(), src.ip);
    origin = { kind: 'remote', iface: back.dev ?? 'eth0', ...(src.podName ? { podName: src.podName } : {}) };
  }
  const result = applyNetworkPolicy(s, simulate(th, { src: src.ip, dst: dst.ip, proto, dport: dst.port, origin }));
  return { ...result, label: { from: src.podName ?? req.from, to: dst.label } };
}

/**
 * Base chains of nftables tables iptables does not show (firewalld, kube-proxy in nftables mode,
 * a hand-written table) on the IPv4 hooks, from `nft list ruleset` when it was collected. Only the
 * interactive trace reads them; the rules that trace pod packets judge those tables on their own.
 */
function foreignNftChains(s: Snapshot, host: HostState): ForeignNftChain[] {
  const rs = nftRulesetOf(s, host)?.value;
  const out: ForeignNftChain[] = [];
  for (const t of rs?.tables.values() ?? []) {
    if (t.family !== 'ip' && t.family !== 'inet') continue;
    if (
      t.managedByIptablesLine !== undefined ||
      (t.family === 'ip' && (IPTABLES_TABLES as readonly string[]).includes(t.name))
    )
      continue;
    for (const c of t.chains.values()) {
      if (!c.hook) continue;
      out.push({
        hook: c.hook,
        table: `${t.family} ${t.name}`,
        chain: c.name,
        rules: c.rules.length,
        ...(c.policy ? { policy: c.policy } : {}),
      });
    }
  }
  return out;
}

/**
 * The interface a local pod's packets come in on: the bridge whose subnet holds it (flannel's cni0),
 * else the device of the node's route to it (Calico's per-pod `10.42.0.5 dev cali1a2b3c scope link`).
 */
export function podInterface(th: TraceHost, ip: string): string {
  const bridge = deviceForSubnet(th.addrs, ip);
  if (bridge) return bridge;
  const r = th.routes ? lookupRoute(th.routes, new Set(), ip) : undefined;
  return r?.kind === 'unicast' && !r.gateway && r.dev ? r.dev : 'cni0';
}

function isBridge(th: TraceHost, ip: string): boolean {
  const dev = deviceForSubnet(th.addrs, ip);
  return (
    th.addrs?.find((l) => l.ifname === dev)?.linkinfo?.info_kind === 'bridge' &&
    (th.podCidr === undefined || ipInCidr(ip, th.podCidr))
  );
}
