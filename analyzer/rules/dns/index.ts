// The dns-layer rules, in id order. Each rule is one file named by its slug.
import type { Rule } from '../types.js';
import { corednsNotReady } from './coredns-not-ready.js';
import { corednsUpstreamUnusable } from './coredns-upstream-unusable.js';
import { corednsForwardLoop } from './coredns-forward-loop.js';
import { corednsProbePlugins } from './coredns-probe-plugins.js';
import { kubeletClusterDns } from './kubelet-cluster-dns.js';
import { kubeDnsNoEndpoints } from './kube-dns-no-endpoints.js';
import { corednsHardening } from './coredns-hardening.js';
import { corednsReplicas } from './coredns-replicas.js';
import { corefileRejected } from './corefile-rejected.js';
import { defaultDenyEgressBlocksDns } from './default-deny-egress-blocks-dns.js';
import { corednsMetricsRules } from './coredns-metrics-rules.js';

export const dnsRules: readonly Rule[] = [
  corednsNotReady,
  corednsUpstreamUnusable,
  corednsForwardLoop,
  corednsProbePlugins,
  kubeletClusterDns,
  kubeDnsNoEndpoints,
  corednsHardening,
  corednsReplicas,
  corefileRejected,
  defaultDenyEgressBlocksDns,
  ...corednsMetricsRules,
];
