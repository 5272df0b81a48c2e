// PRB-505: a DNS query for an external name through kube-dns failed. CoreDNS forwards it upstream
// from its own pod, so besides the cluster DNS path its upstreams and the egress (MASQUERADE) of the
// nodes CoreDNS runs on matter.
import { checkRule, corednsNode } from './lib.js';
import { CLUSTER_DNS_CAUSES } from './probe-cluster-dns-failed.js';

export const probeExternalDnsFailed = checkRule({
  id: 'PRB-505',
  slug: 'probe-external-dns-failed',
  check: 'dns-external',
  title: 'Probe: an external name does not resolve through kube-dns',
  why: 'The collector (--probe) asked the kube-dns ClusterIP for an external name and got no answer. CoreDNS forwards such names to its upstreams from its own pod: an unusable upstream, or a node running CoreDNS whose pod traffic leaves without MASQUERADE, fails them while cluster names still resolve.',
  fix: "Open the root cause this finding sits under. When nothing explains it, query each upstream of the Corefile's forward line directly from a CoreDNS node (PRB-506 does this when probed).",
  explainedBy: [
    ...CLUSTER_DNS_CAUSES,
    ...['SYS-101', 'SYS-103', 'SYS-104', 'SYS-107'].map((rule) => ({ rule, match: corednsNode })),
  ],
});
