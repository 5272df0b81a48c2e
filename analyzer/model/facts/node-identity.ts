// Who a host bundle is when there is no nodes list to look it up in: its name (the manifest's
// node, else host/hostname.txt), its hostname, and its own addresses (global IPv4/IPv6 of every
// interface that is not a pod bridge, an overlay or a veth), each citing where it is stated; and,
// when the cluster's nodes list was collected, the Node object it is, by name or by an address.
// Rules ask for it on demand (identityOf(s, host)); the kubernetesHost fact uses it when it is built.
import type { ClusterState, HostState, Located, Seen, Snapshot } from '../types.js';
import type { KubeNode } from '../schemas.js';
import { bundleText, type BundleText } from './bundle-text.js';

export interface NodeIdentity {
  /** the name the host data is keyed by, with where it is stated */
  readonly name: Seen<string>;
  /** `hostname` as the collector ran it (host/hostname.txt), when collected */
  readonly hostname?: Seen<string>;
  /** the host's own addresses (no loopback, link-local, pod bridge, overlay or veth) */
  readonly addresses: readonly Seen<string>[];
  /**
   * the Node object this host is, matched by name, hostname or an InternalIP; undefined without a nodes list or a match
   */
  readonly clusterNode?: Located<KubeNode>;
  /** how clusterNode was matched */
  readonly matchedBy?: 'name' | 'hostname' | 'address';
}

const HOSTNAME = 'host/hostname.txt';
/** interfaces that carry pod or overlay addresses, not the node's own */
const NOT_THE_NODE =
  /^(lo|cni0|cbr0|docker0|flannel[.-]|cali|vxlan\.calico|tunl0|kube-ipvs0|cilium_|veth|weave|nodelocaldns|antrea-gw0|ovn-k8s-mp|kube-bridge)/;

/** node names and InternalIP/Hostname addresses of the nodes list, built once */
export interface NodeLookup {
  readonly byName: ReadonlyMap<string, Located<KubeNode>>;
  readonly byAddress: ReadonlyMap<string, Located<KubeNode>>;
}

export function nodeLookup(cluster: ClusterState): NodeLookup | undefined {
  if (!cluster.nodes) return undefined;
  const byName = new Map<string, Located<KubeNode>>();
  const byAddress = new Map<string, Located<KubeNode>>();
  for (const n of cluster.nodes) {
    byName.set(n.obj.metadata.name, n);
    for (const a of n.obj.status?.addresses ?? [])
      if (a.type === 'InternalIP' || a.type === 'ExternalIP') byAddress.set(a.address, n);
  }
  return { byName, byAddress };
}

export function nodeIdentity(
  host: HostState,
  text: BundleText,
  lookup: NodeLookup | undefined,
  manifestNode?: string,
): NodeIdentity {
  const hostnameLine = text.lines(host.bundle, HOSTNAME)?.[0]?.trim();
  const hostname: Seen<string> | undefined = hostnameLine
    ? { value: hostnameLine, by: 'hostname', at: { bundle: host.bundle, path: HOSTNAME, line: 1 } }
    : undefined;
  const name: Seen<string> =
    manifestNode === host.node || !hostname
      ? { value: host.node, by: 'manifest', at: { bundle: host.bundle, path: 'manifest.json', pointer: '/node' } }
      : { ...hostname, value: host.node };
  const addresses: Seen<string>[] = [];
  const addrs = host.addrs;
  for (const link of addrs?.value ?? []) {
    if (NOT_THE_NODE.test(link.ifname)) continue;
    (link.addr_info ?? []).forEach((a, i) => {
      if (a.scope !== undefined && a.scope !== 'global') return;
      if (addrs)
        addresses.push({
          value: a.local,
          by: `${link.ifname}/${host.node}`,
          at: { bundle: addrs.ref.bundle, path: addrs.ref.path, pointer: `/${link.at}/addr_info/${i}` },
        });
    });
  }
  let clusterNode: Located<KubeNode> | undefined;
  let matchedBy: NodeIdentity['matchedBy'];
  if (lookup) {
    clusterNode = lookup.byName.get(host.node);
    if (clusterNode) matchedBy = 'name';
    if (!clusterNode && hostname) {
      clusterNode = lookup.byName.get(hostname.value);
      if (clusterNode) matchedBy = 'hostname';
    }
    for (const a of addresses) {
      if (clusterNode) break;
      clusterNode = lookup.byAddress.get(a.value);
      if (clusterNode) matchedBy = 'address';
    }
  }
  return { name, ...(hostname ? { hostname } : {}), addresses, ...(clusterNode ? { clusterNode, matchedBy } : {}) };
}

/** the file reader and the nodes-list lookup of a snapshot, built once per snapshot */
const perSnapshot = new WeakMap<
  Snapshot,
  { text: BundleText; lookup: NodeLookup | undefined; manifestNodes: Map<string, string | undefined> }
>();

/** the identity of one host of a snapshot (for rules: cheap per host, the lookups are built once) */
export function identityOf(s: Snapshot, host: HostState): NodeIdentity {
  let ctx = perSnapshot.get(s);
  if (!ctx) {
    ctx = {
      text: bundleText(s.files),
      lookup: nodeLookup(s.cluster),
      manifestNodes: new Map(s.bundles.map((b) => [b.id, b.manifest?.node])),
    };
    perSnapshot.set(s, ctx);
  }
  return nodeIdentity(host, ctx.text, ctx.lookup, ctx.manifestNodes.get(host.bundle));
}
