// The Service range from every source that states it, most authoritative first: kubeadm-config
// serviceSubnet, the apiserver's --service-cluster-ip-range (pod spec, static manifest), the
// controller-manager's copy of that flag, a k3s/RKE2 service-cidr, and last, weakest, the span of the ClusterIPs in use
// (by
// `clusterIPs (span)`): the smallest network holding every ClusterIP and the address before the
// `kubernetes` Service's (the apiserver gives that Service the range's first address, so the
// range starts right before it). The span is never wider than the real range, often narrower.
import type { ClusterState, HostState, Located, Seen } from '../types.js';
import type { Service } from '../schemas.js';
import { v4 } from '../ipv4.js';
import type { BundleText } from './bundle-text.js';
import { byNode, distroConfigKey, flagInFiles, staticManifests } from './pod-network.js';
import { atOf, controlPlanePods, podFlag, pushCidrs } from './seen-list.js';

export const CLUSTER_IP_SPAN = 'clusterIPs (span)';

const fromInt = (v: number): string => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');

/** the smallest IPv4 network holding every address of `ips` (integers) */
function span(ips: readonly number[]): string | undefined {
  if (ips.length === 0) return undefined;
  let lo = ips[0] as number;
  let hi = lo;
  for (const n of ips) {
    if (n < lo) lo = n;
    if (n > hi) hi = n;
  }
  let prefix = 32;
  while (prefix > 0 && Math.floor(lo / 2 ** (32 - prefix)) !== Math.floor(hi / 2 ** (32 - prefix))) prefix--;
  const net = prefix === 0 ? 0 : Math.floor(lo / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
  return `${fromInt(net)}/${prefix}`;
}

/** the span of IPv4 ClusterIPs, cited at the `kubernetes` Service (else the first Service with one) */
function clusterIpSpan(services: readonly Located<Service>[]): Seen<string> | undefined {
  const ips: number[] = [];
  let anchor: Seen<string>['at'] | undefined;
  for (const svc of services) {
    const ip = svc.obj.spec.clusterIP;
    const n = ip ? v4(ip) : undefined;
    if (n === undefined) continue; // None, "", IPv6
    ips.push(n);
    const at = { ...svc.ref, pointer: `${svc.ref.pointer}/spec/clusterIP` };
    if (svc.obj.metadata.name === 'kubernetes' && svc.obj.metadata.namespace === 'default') {
      anchor = at;
      if (n > 0) ips.push(n - 1);
    } else anchor ??= at;
  }
  // one address spans nothing worth stating
  const value = new Set(ips).size >= 2 ? span(ips) : undefined;
  return value && anchor ? { value, by: CLUSTER_IP_SPAN, at: anchor } : undefined;
}

export function serviceNetworks(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  text: BundleText,
): Seen<string>[] {
  const out: Seen<string>[] = [];
  const kubeadm = cluster.kubeadmNetworking;
  if (kubeadm?.value.serviceSubnet) {
    pushCidrs(
      out,
      kubeadm.value.serviceSubnet,
      'kubeadm',
      atOf(kubeadm, kubeadm.value.lines.get('networking.serviceSubnet') ?? kubeadm.value.lines.get('serviceSubnet')),
    );
  }
  for (const pod of controlPlanePods(cluster, 'kube-apiserver')) {
    for (const hit of podFlag(pod, 'service-cluster-ip-range')) pushCidrs(out, hit.value, 'kube-apiserver', hit.at);
  }
  const sorted = byNode(hosts);
  for (const h of sorted)
    flagInFiles(
      out,
      text,
      h,
      staticManifests(text, h, 'kube-apiserver'),
      'service-cluster-ip-range',
      `kube-apiserver/${h.node}`,
    );
  // the controller-manager is given the range too (it allocates nothing from it, but must agree)
  for (const pod of controlPlanePods(cluster, 'kube-controller-manager')) {
    for (const hit of podFlag(pod, 'service-cluster-ip-range'))
      pushCidrs(out, hit.value, 'kube-controller-manager', hit.at);
  }
  for (const h of sorted)
    flagInFiles(
      out,
      text,
      h,
      staticManifests(text, h, 'kube-controller-manager'),
      'service-cluster-ip-range',
      `kube-controller-manager/${h.node}`,
    );
  for (const h of sorted) distroConfigKey(out, text, h, 'service-cidr');
  const ips = clusterIpSpan(cluster.services ?? []);
  if (ips) out.push(ips);
  return out;
}
