// NET-214: a Calico IP pool with natOutgoing off on a cluster that peers with no outside router.
// Pod traffic to the internet then leaves with the pod's address as its source, and nothing outside
// the cluster has a route back to the pool. With BGPPeers (pod routes announced to the network's
// routers) natOutgoing off is the intended design, so the rule passes there.
import type { Report, Rule } from '../types.js';
import { objectEvidence } from '../../model/evidence.js';
import { parseCidr } from '../../model/net.js';
import { basisOf, CLUSTER, missingInputs } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { unlessCalico } from './calico-presence.js';

export const calicoNatOutgoingOff: Rule = {
  id: 'NET-214',
  slug: 'calico-natoutgoing-off',
  layer: 'network',
  severity: 'critical',
  title: 'A Calico IP pool does not masquerade pod egress and nothing routes it back',
  needs: ['cluster.calico.ippools', 'cluster.calico.bgppeers'],
  decidesFrom: [['cluster.calico.ippools', 'cluster.calico.bgppeers']],
  docs: {
    why: "Calico masquerades pod traffic that leaves the pools (its cali-nat-outgoing chain) only for pools with natOutgoing: true. With it off, a pod's packet to the internet keeps the pod address as its source; unless the pod routes are announced to the network's routers (BGPPeer resources), the reply has nowhere to go.",
    fix: 'Set natOutgoing: true on the pool (or peer the cluster with your routers so pod addresses are routable).',
  },
  messages: {
    off: 'Calico IP pool {pool} ({cidr}) has natOutgoing off and the cluster has no BGP peers to route it back',
    routed: 'Calico IP pool {pool} has natOutgoing off, and {peers} BGP peer(s) announce the pod routes',
    on: 'every enabled Calico IP pool masquerades pod egress (natOutgoing: true)',
    notUsed: 'the cluster does not run Calico',
  },
  // the SYS-104 findings it causes stay their own roots: the linker lets a cause explain only its own or
  // a higher layer, and SYS-104 (system) sits below the network layer
  explains: [],
  run(s) {
    const skip = unlessCalico(s);
    if (skip.length) return skip;
    const pools = s.cluster.calico?.ipPools;
    if (!pools) return [missingInputs(CLUSTER, ['cluster.calico.ippools'])];
    const off = pools.filter(
      (p) =>
        !p.obj.spec.disabled && p.obj.spec.natOutgoing !== true && parseCidr(p.obj.spec.cidr)?.addr.kind() === 'ipv4',
    );
    if (off.length === 0) return [{ status: 'pass', subject: CLUSTER, messageId: 'on', basis: basisOf(pools) }];
    const peers = s.cluster.calico?.bgpPeers;
    if (!peers) return [missingInputs(CLUSTER, ['cluster.calico.bgppeers'])];
    const out: Report[] = [];
    for (const p of off) {
      const pool = p.obj.metadata.name;
      if (peers.length > 0) {
        out.push({
          status: 'pass',
          subject: CLUSTER,
          messageId: 'routed',
          data: { pool, peers: peers.length },
          basis: basisOf(p, peers),
        });
        continue;
      }
      out.push({
        status: 'fail',
        subject: CLUSTER,
        messageId: 'off',
        data: { pool, cidr: p.obj.spec.cidr },
        evidence: [objectEvidence(p, '/spec', 'natOutgoing is not true in this pool')],
        remediation: remedy('Turn on outgoing NAT for the pool.', [
          cmd`calicoctl patch ippool ${word('name', pool)} -p '{"spec": {"natOutgoing": true}}'`,
          cmd`kubectl get ippools.crd.projectcalico.org ${word('name', pool)} -o yaml`,
        ]),
      });
    }
    return out;
  },
};
