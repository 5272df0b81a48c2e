// NET-212: BIRD on a node has no Established BGP session with some peers. calico-node's readiness
// probe (`-bird-ready`) says so in the pod's Unhealthy events: "calico/node is not ready: BIRD is not
// ready: BGP not established with 10.0.0.1,10.0.0.2". Without the sessions no IPAM block routes are
// exchanged, so pods on that node cannot reach pods on the peers (classic causes: TCP 179 blocked
// between the nodes, a wrong autodetected node address).
import type { Report, Rule } from '../types.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { calicoNodePods, runsBird, unlessCalico } from './calico-presence.js';

const NOT_ESTABLISHED = /BGP not established with ([0-9a-fA-F.:,]+)/;

export const calicoBgpNotEstablished: Rule = {
  id: 'NET-212',
  slug: 'calico-bgp-not-established',
  layer: 'network',
  severity: 'critical',
  title: "Calico's BGP sessions are not Established on a node",
  needs: ['cluster.pods', 'cluster.events'],
  decidesFrom: [['cluster.pods', 'cluster.events']],
  docs: {
    why: "With Calico's BGP networking (CALICO_NETWORKING_BACKEND=bird, calico.yaml's default) every node learns the other nodes' IPAM block routes from BIRD. A session that is not Established means no routes from that peer: pods on the two nodes cannot reach each other, and calico-node stays not Ready.",
    fix: 'Allow TCP 179 between the nodes (security groups, host firewalls) and check that each node announces the right address (IP_AUTODETECTION_METHOD); `calicoctl node status` on the node lists each peer and its state.',
  },
  messages: {
    notEstablished: 'BIRD on node {node} has no Established BGP session with {peers}',
    established: 'calico-node on node {node} is Ready, so BIRD has its BGP sessions',
    noBird: 'calico-node on node {node} runs without BIRD (CALICO_NETWORKING_BACKEND is not bird)',
    notUsed: 'the cluster does not run Calico',
  },
  // the node's calico-node is not Ready because BIRD is not
  explains: [{ rule: 'NET-211', match: 'same-node' }],
  run(s) {
    const skip = unlessCalico(s);
    if (skip.length) return skip;
    if (!s.cluster.pods) return [missingInputs(CLUSTER, ['cluster.pods'])];
    const out: Report[] = [];
    for (const { node, pod } of calicoNodePods(s)) {
      const name = pod.obj.metadata.name;
      const subject = nodeSubject(node);
      if (!runsBird(pod)) {
        out.push({ status: 'pass', subject, messageId: 'noBird', data: { node }, basis: basisOf(pod) });
        continue;
      }
      const ready = pod.obj.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      if (ready) {
        out.push({ status: 'pass', subject, messageId: 'established', data: { node }, basis: basisOf(pod) });
        continue;
      }
      if (!s.cluster.events) {
        out.push(missingInputs(subject, ['cluster.events']));
        continue;
      }
      const ev = s.cluster.events.find(
        (e) =>
          e.obj.involvedObject.kind === 'Pod' &&
          e.obj.involvedObject.name === name &&
          NOT_ESTABLISHED.test(e.obj.message ?? ''),
      );
      // not Ready for another reason (felix): NET-211 says so; this rule cannot tell about BGP
      if (!ev) {
        out.push(missingInputs(subject, ['cluster.events']));
        continue;
      }
      const peers = NOT_ESTABLISHED.exec(ev.obj.message ?? '')![1]!.replace(/,/g, ', ');
      out.push({
        status: 'fail',
        subject,
        messageId: 'notEstablished',
        data: { node, peers },
        evidence: [
          objectEvidence(ev, '/message', "calico-node's readiness probe names the peers"),
          objectEvidence(pod, '', 'the calico-node pod on this node'),
        ],
        remediation: remedy(
          'Check BGP from this node to each peer: TCP 179 must be open both ways, and each node must announce its real address.',
          [
            cmd`kubectl get node ${word('node', node)} -o yaml | grep projectcalico.org/IPv4Address`,
            'calicoctl node status',
            'nc -zv <peer IP> 179',
          ],
        ),
      });
    }
    return out;
  },
};
