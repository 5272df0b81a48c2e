// The system-layer rules, in id order. Each rule is one file named by its slug.
import type { Rule } from '../types.js';
import { ipForwardDisabled } from './ip-forward-disabled.js';
import { bridgeNfCallIptablesOff } from './bridge-nf-call-iptables-off.js';
import { forwardChainDropsPodTraffic } from './forward-chain-drops-pod-traffic.js';
import { podEgressNotMasqueraded } from './pod-egress-not-masqueraded.js';
import { iptablesBackendSplit } from './iptables-backend-split.js';
import { conntrackTrouble } from './conntrack-trouble.js';
import { podOrServiceRouteHijacked } from './pod-or-service-route-hijacked.js';
import { hostDiffersFromPeers } from './host-differs-from-peers.js';
import { rpFilterDropsAsymmetric } from './rp-filter-drops-asymmetric.js';
import { podNetworkIngressNotSnatted } from './pod-network-ingress-not-snatted.js';
import { iptablesNftViewLossy } from './iptables-nft-view-lossy.js';

export const systemRules: readonly Rule[] = [
  ipForwardDisabled,
  bridgeNfCallIptablesOff,
  forwardChainDropsPodTraffic,
  podEgressNotMasqueraded,
  iptablesBackendSplit,
  conntrackTrouble,
  podOrServiceRouteHijacked,
  hostDiffersFromPeers,
  rpFilterDropsAsymmetric,
  podNetworkIngressNotSnatted,
  iptablesNftViewLossy,
];
