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
import { calicoNodeNotReady } from './calico-node-not-ready.js';
import { calicoBgpNotEstablished } from './calico-bgp-not-established.js';
import { calicoIppoolCidrMismatch } from './calico-ippool-cidr-mismatch.js';
import { calicoNatOutgoingOff } from './calico-natoutgoing-off.js';
import { calicoAutodetectWrongInterface } from './calico-autodetect-wrong-interface.js';
import { calicoTunnelMissing } from './calico-tunnel-missing.js';
import { networkPolicyNotEnforced } from './network-policy-not-enforced.js';
import { networkPolicyBlocksService } from './network-policy-blocks-service.js';
import { calicoFelixBackendMismatch } from './calico-felix-backend-mismatch.js';

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
  calicoNodeNotReady,
  calicoBgpNotEstablished,
  calicoIppoolCidrMismatch,
  calicoNatOutgoingOff,
  calicoAutodetectWrongInterface,
  calicoTunnelMissing,
  networkPolicyNotEnforced,
  networkPolicyBlocksService,
  calicoFelixBackendMismatch,
];
