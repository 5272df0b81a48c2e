// The cluster pod network and each node's pod subnet, from every source that states them, each
// statement citing its file and line or pointer. Most authoritative first: what the cluster was
// built with (kubeadm-config), what the allocator runs with (controller-manager --cluster-cidr, a
// k3s/RKE2 cluster-cidr), what the CNI routes (flannel net-conf), what kube-proxy was told, and
// last what each node's flanneld leased (subnet.env).
import type { ClusterState, Derived, HostState, Seen } from '../types.js';
import type { IpLink } from '../../parse/types.js';
import { parseCidr } from '../net.js';
import type { BundleText } from './bundle-text.js';
import { flagInLines, yamlKeyInLines } from './bundle-text.js';
import { controlPlanePods, podFlag, pushCidrs } from './seen-list.js';
import { pushAll } from '../../core/arrays.js';

type PodCidr = Derived['podCidr'];

/** static pod manifests of one host: kubeadm's /etc/kubernetes/manifests and RKE2's pod-manifests */
export const STATIC_POD_DIRS = ['host/static-pods/', 'host/rke2/pod-manifests/'];
/** k3s/RKE2 config files: config.yaml, then config.yaml.d/* (later files override, all are statements) */
const DISTRO_CONFIGS: readonly { readonly by: string; readonly main: string; readonly dropIns: string }[] = [
  { by: 'k3s', main: 'host/k3s/config.yaml', dropIns: 'host/k3s/config.yaml.d/' },
  { by: 'rke2', main: 'host/rke2/config.yaml', dropIns: 'host/rke2/config.yaml.d/' },
];
/** kube-proxy's own flags where a distribution keeps them (microk8s, Charmed snaps) */
const KUBE_PROXY_ARGS = ['host/microk8s/args/kube-proxy', 'host/snap/kube-proxy-args'];
const K3S_FLANNEL_NET_CONF = 'host/k3s/flannel-net-conf.json';

export const byNode = (hosts: ReadonlyMap<string, HostState>): HostState[] =>
  [...hosts.values()].sort((a, b) => a.node.localeCompare(b.node));

/** static pod manifests of `component` (kube-controller-manager, kube-apiserver) on one host */
export function staticManifests(text: BundleText, host: HostState, component: string): string[] {
  return STATIC_POD_DIRS.flatMap((dir) => text.under(host.bundle, dir)).filter((p) =>
    p.slice(p.lastIndexOf('/') + 1).startsWith(component),
  );
}

/** a distribution config key (cluster-cidr, service-cidr) in every k3s/RKE2 config of one host */
export function distroConfigKey(out: Seen<string>[], text: BundleText, host: HostState, key: string): void {
  for (const d of DISTRO_CONFIGS) {
    for (const path of [d.main, ...text.under(host.bundle, d.dropIns)]) {
      const lines = text.lines(host.bundle, path);
      if (!lines) continue;
      for (const hit of yamlKeyInLines(lines, key))
        pushCidrs(out, hit.value, `${d.by}/${host.node} ${key}`, { bundle: host.bundle, path, line: hit.line });
    }
  }
}

/** `--flag` in each host file of `paths`, as stated by `by` */
export function flagInFiles(
  out: Seen<string>[],
  text: BundleText,
  host: HostState,
  paths: readonly string[],
  flag: string,
  by: string,
): void {
  for (const path of paths) {
    const lines = text.lines(host.bundle, path);
    if (!lines) continue;
    for (const hit of flagInLines(lines, flag))
      pushCidrs(out, hit.value, by, { bundle: host.bundle, path, line: hit.line });
  }
}

function k3sFlannelNetwork(out: Seen<string>[], text: BundleText, host: HostState): void {
  const lines = text.lines(host.bundle, K3S_FLANNEL_NET_CONF);
  if (!lines) return;
  const i = lines.findIndex((l) => /"Network"\s*:/.test(l));
  const m = i === -1 ? undefined : /"Network"\s*:\s*"([^"]*)"/.exec(lines[i] ?? '');
  if (m) pushCidrs(out, m[1], `flannel/${host.node}`, { bundle: host.bundle, path: K3S_FLANNEL_NET_CONF, line: i + 1 });
}

export function podNetworks(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  text: BundleText,
  legacy: PodCidr,
): Seen<string>[] {
  const out: Seen<string>[] = [];
  const sorted = byNode(hosts);
  if (legacy.kubeadm) pushCidrs(out, legacy.kubeadm.value, legacy.kubeadm.by, legacy.kubeadm.at);
  for (const pod of controlPlanePods(cluster, 'kube-controller-manager')) {
    for (const hit of podFlag(pod, 'cluster-cidr')) pushCidrs(out, hit.value, 'kube-controller-manager', hit.at);
  }
  for (const h of sorted)
    flagInFiles(
      out,
      text,
      h,
      staticManifests(text, h, 'kube-controller-manager'),
      'cluster-cidr',
      `kube-controller-manager/${h.node}`,
    );
  for (const h of sorted) distroConfigKey(out, text, h, 'cluster-cidr');
  if (legacy.flannel) pushCidrs(out, legacy.flannel.value, legacy.flannel.by, legacy.flannel.at);
  for (const h of sorted) k3sFlannelNetwork(out, text, h);
  if (legacy.kubeProxy) pushCidrs(out, legacy.kubeProxy.value, legacy.kubeProxy.by, legacy.kubeProxy.at);
  // kube-proxy's own flags: a snap/microk8s args file, or its static pod (RKE2, kubespray)
  for (const h of sorted)
    flagInFiles(
      out,
      text,
      h,
      [...KUBE_PROXY_ARGS, ...staticManifests(text, h, 'kube-proxy')],
      'cluster-cidr',
      `kube-proxy/${h.node}`,
    );
  for (const h of sorted) {
    const env = h.subnetEnv;
    const v = env?.value.vars.get('FLANNEL_NETWORK');
    if (env && v)
      pushCidrs(out, v.value, `subnet.env/${h.node}`, { bundle: env.ref.bundle, path: env.ref.path, line: v.line });
  }
  return out;
}

// ---------------------------------------------------------------- each node's own subnet

/** the bridge a bridge CNI plugs pods into (flannel/bridge plugin: cni0, kubenet: cbr0) */
const POD_BRIDGES = ['cni0', 'cbr0'];
/** flannel's default SubnetLen for IPv4 when net-conf does not set one */
const FLANNEL_SUBNET_LEN = 24;

function firstV4(link: IpLink): { local: string; prefixlen: number; i: number } | undefined {
  const infos = link.addr_info ?? [];
  for (let i = 0; i < infos.length; i++) {
    const a = infos[i];
    if (a && a.family === 'inet') return { local: a.local, prefixlen: a.prefixlen, i };
  }
  return undefined;
}

function add(map: Map<string, Seen<string>[]>, node: string, items: readonly Seen<string>[]): void {
  if (items.length === 0) return;
  const list = map.get(node);
  if (list) pushAll(list, items);
  else map.set(node, [...items]);
}

/** the subnet length flannel leases: net-conf SubnetLen (cluster or k3s host copy), else 24 */
function flannelSubnetLen(cluster: ClusterState): number {
  const n = cluster.flannelNetConf?.value.SubnetLen;
  return typeof n === 'number' && n > 0 && n <= 32 ? n : FLANNEL_SUBNET_LEN;
}

/** what one host says of its own subnet: subnet.env FLANNEL_SUBNET, the pod bridge, flannel.1 */
function hostSubnets(host: HostState, subnetLen: number): Seen<string>[] {
  const out: Seen<string>[] = [];
  const env = host.subnetEnv;
  const sub = env?.value.vars.get('FLANNEL_SUBNET');
  if (env && sub)
    pushCidrs(out, sub.value, `subnet.env/${host.node}`, {
      bundle: env.ref.bundle,
      path: env.ref.path,
      line: sub.line,
    });
  const addrs = host.addrs;
  if (!addrs) return out;
  let bridge: Seen<string> | undefined;
  let overlay: { local: string; at: Seen<string>['at'] } | undefined;
  for (const link of addrs.value) {
    const isBridge = POD_BRIDGES.includes(link.ifname);
    if (!isBridge && link.ifname !== 'flannel.1') continue;
    const a = firstV4(link);
    if (!a) continue;
    const at = { bundle: addrs.ref.bundle, path: addrs.ref.path, pointer: `/${link.at}/addr_info/${a.i}` };
    if (isBridge && !bridge) {
      const text = parseCidr(`${a.local}/${a.prefixlen}`)?.text;
      if (text) bridge = { value: text, by: `${link.ifname}/${host.node}`, at };
    } else if (!isBridge) overlay = { local: a.local, at };
  }
  if (bridge) out.push(bridge);
  // flanneld puts the first address of the node's lease on flannel.1 as a /32: the subnet's start
  if (overlay) pushCidrs(out, `${overlay.local}/${subnetLen}`, `flannel.1/${host.node}`, overlay.at);
  return out;
}

export function nodePodCidrs(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
): Map<string, Seen<string>[]> {
  const out = new Map<string, Seen<string>[]>();
  for (const n of cluster.nodes ?? []) {
    const name = n.obj.metadata.name;
    const spec = n.obj.spec;
    const list: Seen<string>[] = [];
    // podCIDR is podCIDRs[0]; the other family's subnet (dual stack) is only in podCIDRs
    if (spec?.podCIDR)
      pushCidrs(list, spec.podCIDR, `node/${name}`, { ...n.ref, pointer: `${n.ref.pointer}/spec/podCIDR` });
    (spec?.podCIDRs ?? []).forEach((c, i) => {
      if (c !== spec?.podCIDR)
        pushCidrs(list, c, `node/${name}`, { ...n.ref, pointer: `${n.ref.pointer}/spec/podCIDRs/${i}` });
    });
    add(out, name, list);
  }
  const subnetLen = flannelSubnetLen(cluster);
  for (const h of byNode(hosts)) add(out, h.node, hostSubnets(h, subnetLen));
  return out;
}
