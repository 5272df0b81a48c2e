// The service-layer rules, in id order. Each rule is one file named by its slug.
import type { Rule } from '../types.js';
import { kubeProxyNotRunning } from './kube-proxy-not-running.js';
import { kubeProxySyncErrors } from './kube-proxy-sync-errors.js';
import { serviceRulesOutOfSync } from './service-rules-out-of-sync.js';
import { serviceWithoutReadyEndpoints } from './service-without-ready-endpoints.js';
import { targetPortNotExposed } from './target-port-not-exposed.js';
import { kubeProxyClusterCidrWrong } from './kube-proxy-cluster-cidr-wrong.js';
import { clusterIpPingSemantics } from './cluster-ip-ping-semantics.js';
import { kubeProxyConfigRejected } from './kube-proxy-config-rejected.js';
import { ipvsFellBackToIptables } from './ipvs-fell-back-to-iptables.js';
import { kubeProxyNodeIpUnknown } from './kube-proxy-node-ip-unknown.js';
import { ipvsClusterIpSetIncomplete } from './ipvs-cluster-ip-set-incomplete.js';
import { ipvsConntrackSysctlOff } from './ipvs-conntrack-sysctl-off.js';
import { ipvsReadyEndpointDrained } from './ipvs-ready-endpoint-drained.js';
import { nftIptablesLeftovers } from './nft-iptables-leftovers.js';
import { kubeProxyMetricsRules } from './kube-proxy-metrics-rules.js';
import { ipvsStrictArpOff } from './ipvs-strict-arp-off.js';

export const serviceRules: readonly Rule[] = [
  kubeProxyNotRunning,
  kubeProxySyncErrors,
  serviceRulesOutOfSync,
  serviceWithoutReadyEndpoints,
  targetPortNotExposed,
  kubeProxyClusterCidrWrong,
  clusterIpPingSemantics,
  kubeProxyConfigRejected,
  ipvsFellBackToIptables,
  kubeProxyNodeIpUnknown,
  ipvsClusterIpSetIncomplete,
  ipvsConntrackSysctlOff,
  ipvsReadyEndpointDrained,
  nftIptablesLeftovers,
  ...kubeProxyMetricsRules,
  ipvsStrictArpOff,
];
