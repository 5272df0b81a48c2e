// PRB-502: a pod cannot reach a pod on another node: the overlay (flannel VXLAN), the routes to the
// peer's pod subnet, forwarding and the FORWARD chain on either end.
import type { Explains } from '../types.js';
import { anywhere, checkRule, vantageOrTargetNode } from './lib.js';

const eitherEnd = (...rules: string[]): Explains[] => rules.map((rule) => ({ rule, match: vantageOrTargetNode }));

export const probeRemotePodUnreachable = checkRule({
  id: 'PRB-502',
  slug: 'probe-remote-pod-unreachable',
  check: 'remote-pod',
  title: 'Probe: a pod cannot reach a pod on another node',
  why: "The collector (--probe) tried a pod on another node from inside a pod and got no answer. The packet crosses the node's forwarding, its route to the peer's pod subnet, the overlay (flannel.1, UDP 8472) and the peer's own forwarding: a fault on either node or in the network between them (a cloud security group dropping VXLAN) shows here.",
  fix: 'Open the root cause this finding sits under. When nothing explains it, the fault is likely outside what a bundle holds: check that UDP 8472 passes between the two nodes (security groups, firewalls in between) and repeat the probe by hand.',
  explainedBy: [
    ...eitherEnd('SYS-101', 'SYS-102', 'SYS-103', 'SYS-107', 'SYS-109', 'NET-201', 'NET-203', 'NET-204'),
    ...eitherEnd('NET-205', 'NET-209', 'NET-210'),
    ...anywhere('NET-202', 'NET-206', 'NET-207'),
  ],
});
