// The network-layer (CNI) rules, in id order. Each rule is one file named by its slug.
import type { Rule } from '../types.js';
import { flannelPodNotRunning } from './flannel-pod-not-running.js';
import { flannelNetworkMismatch } from './flannel-network-mismatch.js';
import { nodeWithoutPodCidr } from './node-without-pod-cidr.js';
import { subnetMismatchOnNode } from './subnet-mismatch-on-node.js';
import { flannelOverlayBroken } from './flannel-overlay-broken.js';
import { flannelPublicIpShared } from './flannel-public-ip-shared.js';
import { nodePodCidrsOverlap } from './node-pod-cidrs-overlap.js';
import { cniConfigShadowed } from './cni-config-shadowed.js';
import { overlayStaleAddress } from './overlay-stale-address.js';
import { vxlanPortBlocked } from './vxlan-port-blocked.js';
import { networkPolicyNotEnforced } from './network-policy-not-enforced.js';
import { networkPolicyBlocksService } from './network-policy-blocks-service.js';

export const networkRules: readonly Rule[] = [
  flannelPodNotRunning,
  flannelNetworkMismatch,
  nodeWithoutPodCidr,
  subnetMismatchOnNode,
  flannelOverlayBroken,
  flannelPublicIpShared,
  nodePodCidrsOverlap,
  cniConfigShadowed,
  overlayStaleAddress,
  vxlanPortBlocked,
  networkPolicyNotEnforced,
  networkPolicyBlocksService,
];
