// Kubernetes NetworkPolicy for one NEW connection: egress of the source pod, ingress of the
// destination pod, as the API defines them (analyzer/model/network-policy.ts has the field semantics):
//   - a pod is isolated for a direction when any policy of its namespace with that policy type selects
//     it; an isolated pod allows exactly the union of the rules of the policies selecting it;
//   - traffic between a pod and its own node is always allowed, and a pod cannot block itself
//     (concepts/services-networking/network-policies: "The entities that a Pod can communicate with");
//   - policies see the packet after kube-proxy's DNAT: a Service's ClusterIP is never the peer, the
//     chosen endpoint is. ipBlock is matched against that address too (Calico, Cilium and kube-router do
//     so for pod IPs; the API leaves cluster-internal ipBlock matching to the implementation: noted in
//     docs/trace.md).
// Pure; every walk is bounded by the policy and rule counts of the snapshot.
import type { Located, Snapshot } from '../model/types.js';
import type { Pod } from '../model/schemas.js';
import {
  egressRules,
  ingressRules,
  NAMESPACE_NAME_LABEL,
  policyTypesOf,
  selectorKeys,
  selectorMatches,
  type LabelSelector,
  type NetworkPolicy,
  type PolicyPeer,
  type PolicyPort,
} from '../model/network-policy.js';
import { ipInCidr, isIp } from '../model/net.js';
import type { Proto } from './types.js';
import { localAddresses } from './route.js';

export type Direction = 'ingress' | 'egress';

/** one end of a connection: a pod (when the address is one), or an address (node, outside) */
export interface PolicyEndpoint {
  readonly ip: string;
  readonly pod?: Located<Pod>;
  /** the node whose own address this is, for "traffic from the pod's own node is always allowed" */
  readonly node?: string;
}

export interface PolicyQuery {
  readonly src: PolicyEndpoint;
  readonly dst: PolicyEndpoint;
  readonly proto: Proto;
  readonly port?: number;
}

/** a rule that allows the connection: policy and 0-based rule index */
export interface PolicyAllow {
  readonly policy: Located<NetworkPolicy>;
  readonly rule: number;
}

export type DirectionDecision =
  /** the pod is not isolated in this direction (no policy selects it), or it is not a pod at all */
  | { readonly verdict: 'not-isolated'; readonly direction: Direction }
  | { readonly verdict: 'allowed'; readonly direction: Direction; readonly by: PolicyAllow | 'own-node' | 'self' }
  /** isolated and no rule of the selecting policies allows it */
  | { readonly verdict: 'denied'; readonly direction: Direction; readonly selecting: readonly Located<NetworkPolicy>[] }
  | {
      readonly verdict: 'undetermined';
      readonly direction: Direction;
      readonly why: string;
      readonly needs: readonly string[];
      readonly selecting: readonly Located<NetworkPolicy>[];
    };

export interface PolicyDecision {
  readonly egress: DirectionDecision;
  readonly ingress: DirectionDecision;
}

const nsOf = (p: Located<Pod>): string => p.obj.metadata.namespace ?? 'default';
export const policyName = (p: Located<NetworkPolicy>): string =>
  `${p.obj.metadata.namespace ?? 'default'}/${p.obj.metadata.name}`;

/** a namespaceSelector against a namespace: its labels from cluster.namespaces, else only the name label */
function namespaceMatches(s: Snapshot, sel: LabelSelector, ns: string): boolean | undefined {
  const obj = s.cluster.namespaces?.find((n) => n.obj.metadata.name === ns);
  if (obj) return selectorMatches(sel, { ...obj.obj.metadata.labels, [NAMESPACE_NAME_LABEL]: ns });
  if (selectorKeys(sel).every((k) => k === NAMESPACE_NAME_LABEL))
    return selectorMatches(sel, { [NAMESPACE_NAME_LABEL]: ns });
  return undefined;
}

function inIpBlock(ip: string, block: NonNullable<PolicyPeer['ipBlock']>): boolean {
  if (!isIp(ip) || !ipInCidr(ip, block.cidr)) return false;
  return !(block.except ?? []).some((e) => ipInCidr(ip, e));
}

/** does a peer of a policy in namespace `policyNs` match the other end? undefined = cannot tell */
function peerMatches(s: Snapshot, peer: PolicyPeer, policyNs: string, other: PolicyEndpoint): boolean | undefined {
  if (peer.ipBlock) return inIpBlock(other.ip, peer.ipBlock);
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  const pod = other.pod;
  // selectors select pods; a host-network pod has the node's address
  if (!pod || pod.obj.spec?.hostNetwork) return false;
  const nsOk = peer.namespaceSelector ? namespaceMatches(s, peer.namespaceSelector, nsOf(pod)) : nsOf(pod) === policyNs;
  if (nsOk === false) return false;
  const podOk = peer.podSelector ? selectorMatches(peer.podSelector, pod.obj.metadata.labels) : true;
  if (podOk === false) return false;
  return nsOk === undefined || podOk === undefined ? undefined : true;
}

/** a named port resolves against the destination pod's container ports of that protocol */
function namedPort(pod: Located<Pod> | undefined, name: string, proto: string): number | undefined {
  for (const c of pod?.obj.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === name && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  return undefined;
}

function portMatches(ports: readonly PolicyPort[] | null | undefined, q: PolicyQuery): boolean {
  if (!ports || ports.length === 0) return true;
  if (q.proto === 'icmp') return false; // a rule with ports is about TCP/UDP/SCTP only
  const proto = q.proto.toUpperCase();
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP').toUpperCase() !== proto) return false;
    if (p.port === undefined || p.port === null) return true;
    if (q.port === undefined) return false;
    if (typeof p.port === 'string') return namedPort(q.dst.pod, p.port, proto) === q.port;
    return p.endPort !== undefined && p.endPort !== null ? q.port >= p.port && q.port <= p.endPort : q.port === p.port;
  });
}

// policies by namespace, built once per policy list: rules ask for every pod of the cluster
const byNamespace = new WeakMap<readonly Located<NetworkPolicy>[], Map<string, Located<NetworkPolicy>[]>>();

function policiesIn(s: Snapshot, ns: string): readonly Located<NetworkPolicy>[] {
  const all = s.cluster.networkPolicies;
  if (!all || all.length === 0) return [];
  let index = byNamespace.get(all);
  if (!index) {
    index = new Map();
    for (const p of all) {
      const k = p.obj.metadata.namespace ?? 'default';
      const list = index.get(k);
      if (list) list.push(p);
      else index.set(k, [p]);
    }
    byNamespace.set(all, index);
  }
  return index.get(ns) ?? [];
}

/** the policies of the pod's namespace that select it for a direction (`unsure`: selector not decidable) */
export function policiesSelecting(
  s: Snapshot,
  pod: Located<Pod>,
  dir: Direction,
): { readonly selecting: Located<NetworkPolicy>[]; readonly unsure: Located<NetworkPolicy>[] } {
  const selecting: Located<NetworkPolicy>[] = [];
  const unsure: Located<NetworkPolicy>[] = [];
  for (const p of policiesIn(s, nsOf(pod))) {
    if (!policyTypesOf(p.obj)[dir]) continue;
    const m = selectorMatches(p.obj.spec.podSelector, pod.obj.metadata.labels);
    if (m === true) selecting.push(p);
    else if (m === undefined) unsure.push(p);
  }
  return { selecting, unsure };
}

function decide(s: Snapshot, dir: Direction, q: PolicyQuery): DirectionDecision {
  const subject = dir === 'egress' ? q.src : q.dst;
  const other = dir === 'egress' ? q.dst : q.src;
  const pod = subject.pod;
  if (!pod || pod.obj.spec?.hostNetwork) return { verdict: 'not-isolated', direction: dir };
  const { selecting, unsure } = policiesSelecting(s, pod, dir);
  if (selecting.length === 0 && unsure.length === 0) return { verdict: 'not-isolated', direction: dir };
  if (other.pod === pod) return { verdict: 'allowed', direction: dir, by: 'self' };
  if (other.node !== undefined && other.node === pod.obj.spec?.nodeName)
    return { verdict: 'allowed', direction: dir, by: 'own-node' };
  const why: string[] = [];
  for (const p of selecting) {
    const rules = dir === 'egress' ? egressRules(p.obj) : ingressRules(p.obj);
    for (const [i, r] of rules.entries()) {
      if (!portMatches(r.ports, q)) continue;
      const peers = r.peers ?? [];
      const m = peers.length === 0 ? true : anyPeer(s, peers, p.obj.metadata.namespace ?? 'default', other);
      if (m === true) return { verdict: 'allowed', direction: dir, by: { policy: p, rule: i } };
      if (m === undefined)
        why.push(
          `${policyName(p)} ${dir} rule ${i + 1} has a namespaceSelector on labels of a namespace not collected`,
        );
    }
  }
  for (const p of unsure) why.push(`${policyName(p)} has a podSelector operator this version does not evaluate`);
  if (why.length > 0) {
    const needs = why.length > unsure.length ? ['cluster.namespaces'] : [];
    return { verdict: 'undetermined', direction: dir, why: why.join('; '), needs, selecting };
  }
  return { verdict: 'denied', direction: dir, selecting };
}

function anyPeer(s: Snapshot, peers: readonly PolicyPeer[], ns: string, other: PolicyEndpoint): boolean | undefined {
  let unsure = false;
  for (const peer of peers) {
    const m = peerMatches(s, peer, ns, other);
    if (m === true) return true;
    if (m === undefined) unsure = true;
  }
  return unsure ? undefined : false;
}

/** egress of the source pod and ingress of the destination pod for one connection */
export function evaluatePolicy(s: Snapshot, q: PolicyQuery): PolicyDecision {
  return { egress: decide(s, 'egress', q), ingress: decide(s, 'ingress', q) };
}

/** an endpoint for an address: the pod that has it (not host-network), else the node that has it */
export function endpointFor(s: Snapshot, ip: string): PolicyEndpoint {
  const pod = s.index.podByIP.get(ip);
  if (pod && !pod.obj.spec?.hostNetwork) return { ip, pod };
  for (const n of s.cluster.nodes ?? [])
    if (n.obj.status?.addresses?.some((a) => a.address === ip)) return { ip, node: n.obj.metadata.name };
  if (pod?.obj.spec?.nodeName) return { ip, node: pod.obj.spec.nodeName };
  // the node's other addresses (cni0's gateway address: a node's packets to its pods leave from it)
  for (const h of s.hosts.values()) if (localAddresses(h.addrs?.value).has(ip)) return { ip, node: h.node };
  return { ip };
}
