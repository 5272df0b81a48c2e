// PRB-507: a pod (or the node) cannot reach an IP outside the cluster: the node's egress, above all
// the MASQUERADE for the pod network (SYS-104) on the node the probe ran on.
import { anywhere, byNode, checkRule } from './lib.js';

export const probeExternalIpUnreachable = checkRule({
  id: 'PRB-507',
  slug: 'probe-external-ip-unreachable',
  check: 'external-ip',
  title: 'Probe: an external IP is unreachable',
  why: 'The collector (--probe) connected to an address outside the cluster and got no answer. A pod packet to the outside must leave the node source-NATed: without the MASQUERADE for the pod network the replies never come back; forwarding off, a FORWARD drop or a wrong route stop it earlier. In an air-gapped cluster (--air-gapped, or no default route) these probes are expected to fail and are not judged.',
  fix: 'Open the root cause this finding sits under (SYS-104 on that node, usually). When nothing explains it, check the network beyond the node (egress firewall, NAT gateway) and repeat the probe from the node itself.',
  explainedBy: [...byNode('SYS-101', 'SYS-103', 'SYS-104', 'SYS-107'), ...anywhere('NET-202')],
});
