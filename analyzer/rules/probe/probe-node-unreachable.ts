// PRB-501: a pod cannot reach its own node's IP (kubelet probes, hostNetwork pods and NodePorts all
// depend on it). Failures here point at the pod's bridge and the node's own addresses and routes.
import { byNode, checkRule } from './lib.js';

export const probeNodeUnreachable = checkRule({
  id: 'PRB-501',
  slug: 'probe-node-unreachable',
  check: 'node',
  title: 'Probe: a pod cannot reach its own node',
  why: 'The collector (--probe) tried the node IP from inside a pod on that node and got no answer. Pod-to-node traffic crosses only cni0 and the node itself: when it fails, the pod bridge, its address or a route on the node is wrong, and kubelet probes, hostNetwork pods and NodePorts fail with it.',
  fix: 'Open the root cause this finding sits under. When nothing explains it, compare the pod bridge (ip -d addr show cni0) with the node podCIDR and repeat the probe by hand.',
  explainedBy: byNode('SYS-107', 'NET-201', 'NET-204', 'NET-209'),
});
