// PRB-503: a pod cannot reach a ClusterIP on its port (TCP connect or a UDP exchange; never ping,
// which a ClusterIP does not answer in iptables mode): kube-proxy on the pod's node, or the Service
// itself (no ready endpoints, a targetPort its pods do not expose).
import type { Explains } from '../types.js';
import { byNode, checkRule, sameNode, targetService } from './lib.js';

const ofTarget = (...rules: string[]): Explains[] => rules.map((rule) => ({ rule, match: targetService }));

export const probeServiceUnreachable = checkRule({
  id: 'PRB-503',
  slug: 'probe-service-unreachable',
  check: 'service',
  title: 'Probe: a pod cannot reach a Service on its port',
  why: "The collector (--probe) connected to a Service's ClusterIP on the Service's own port from inside a pod and failed. The ClusterIP exists only in kube-proxy's rules on the pod's node, which send the packet to a ready endpoint: no kube-proxy rules there, no ready endpoints, or a targetPort nothing listens on all show here.",
  fix: 'Open the root cause this finding sits under. When nothing explains it, trace the packet (netsnap trace) and compare the Service with its EndpointSlices.',
  explainedBy: [
    ...byNode('SYS-101', 'SYS-102', 'SYS-103', 'SYS-105', 'SVC-301', 'SVC-302'),
    ...ofTarget('SVC-304', 'SVC-305', 'DNS-406'),
    { rule: 'SVC-303', match: (c, p, s) => targetService(c, p, s) && sameNode(c, p, s) },
  ],
});
