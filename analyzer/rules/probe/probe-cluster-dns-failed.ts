// PRB-504: a DNS query for kubernetes.default.svc.<domain> to the kube-dns ClusterIP failed. CoreDNS
// answers that name itself (kubernetes plugin), so a failure means the query never reached a ready
// CoreDNS: the DNS chain (DNS-402 -> DNS-401 -> DNS-406) or kube-proxy on the pod's node.
import type { Explains } from '../types.js';
import { anywhere, byNode, checkRule, sameNode, targetService } from './lib.js';

export const CLUSTER_DNS_CAUSES: readonly Explains[] = [
  ...anywhere('DNS-401', 'DNS-402', 'DNS-403', 'DNS-404', 'DNS-406', 'DNS-409'),
  ...byNode('SYS-101', 'SYS-102', 'SYS-103', 'SYS-105', 'SVC-301', 'SVC-302'),
  { rule: 'SVC-303', match: (c, p, s) => targetService(c, p, s) && sameNode(c, p, s) },
];

export const probeClusterDnsFailed = checkRule({
  id: 'PRB-504',
  slug: 'probe-cluster-dns-failed',
  check: 'dns-cluster',
  title: 'Probe: a cluster DNS query through kube-dns failed',
  why: "The collector (--probe) asked the kube-dns ClusterIP for kubernetes.default.svc.<domain> and got no answer. CoreDNS answers that name from its own kubernetes plugin, without any upstream, so the query did not reach a ready CoreDNS: kube-dns without ready endpoints (CoreDNS not Ready, often because its upstream is unusable), or kube-proxy's rules on the pod's node.",
  fix: 'Open the root cause this finding sits under (usually the DNS chain: DNS-402 -> DNS-401 -> DNS-406). When nothing explains it, query a CoreDNS pod IP directly to tell the Service path from CoreDNS itself.',
  explainedBy: CLUSTER_DNS_CAUSES,
});
