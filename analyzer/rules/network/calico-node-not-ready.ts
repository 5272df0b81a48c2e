// NET-211: the calico-node pod on a node is not Ready. Its readiness probe (`calico-node -felix-ready
// -bird-ready`) fails while felix has not programmed the dataplane or BIRD has not peered, so pods on
// that node may have no policy rules and no routes to other nodes.
import type { Report, Rule } from '../types.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { calicoNodePods, unlessCalico } from './calico-presence.js';

export const calicoNodeNotReady: Rule = {
  id: 'NET-211',
  slug: 'calico-node-not-ready',
  layer: 'network',
  severity: 'critical',
  title: 'calico-node is not Ready on a node',
  needs: ['cluster.pods'],
  decidesFrom: [['cluster.pods']],
  docs: {
    why: "calico-node runs felix (which programs the node's cali-* iptables chains and routes to local pods) and, with BGP networking, BIRD (which exchanges IPAM block routes with the other nodes). Its readiness probe fails while either is not working, and the pods on that node then lack routes or policy.",
    fix: 'Read the calico-node log and the readiness probe message in the pod events on that node; the message names what is not ready (felix, or BIRD with the peers it has no session with).',
  },
  messages: {
    notReady: 'calico-node pod {pod} on node {node} is not Ready',
    ready: 'calico-node pod {pod} on node {node} is Ready',
    notUsed: 'the cluster does not run Calico',
  },
  explains: [],
  run(s) {
    const skip = unlessCalico(s);
    if (skip.length) return skip;
    if (!s.cluster.pods) return [missingInputs(CLUSTER, ['cluster.pods'])];
    const out: Report[] = [];
    for (const { node, pod } of calicoNodePods(s)) {
      const name = pod.obj.metadata.name;
      const conds = pod.obj.status?.conditions ?? [];
      const i = conds.findIndex((c) => c.type === 'Ready');
      if (i < 0) {
        out.push(missingInputs(nodeSubject(node), ['cluster.pods']));
        continue;
      }
      if (conds[i]!.status === 'True') {
        out.push({
          status: 'pass',
          subject: nodeSubject(node),
          messageId: 'ready',
          data: { node, pod: name },
          basis: basisOf(pod),
        });
        continue;
      }
      const ns = pod.obj.metadata.namespace ?? 'kube-system';
      out.push({
        status: 'fail',
        subject: nodeSubject(node),
        messageId: 'notReady',
        data: { node, pod: name },
        evidence: [objectEvidence(pod, `/status/conditions/${i}`, 'the pod is not Ready')],
        remediation: remedy('Find what the readiness probe says is not ready, then fix that on the node.', [
          cmd`kubectl -n ${word('namespace', ns)} describe pod ${word('pod', name)}`,
          cmd`kubectl -n ${word('namespace', ns)} logs ${word('pod', name)} -c calico-node --tail 200`,
        ]),
      });
    }
    return out;
  },
};
