// NET-213: a Calico IP pool that lies outside the cluster CIDR (kubeadm's podSubnet, kube-proxy's
// clusterCIDR). calico.yaml's pool defaults to 192.168.0.0/16 unless CALICO_IPV4POOL_CIDR is set, and
// calico-node creates it on first start: pods then get 192.168.x.y, which kube-proxy's clusterCIDR
// does not cover (its masquerade and "from a pod" rules miss them) and which may collide with the
// node network itself.
import type { Report, Rule } from '../types.js';
import { objectEvidence } from '../../model/evidence.js';
import { cidrContains, parseCidr } from '../../model/net.js';
import { basisOf, CLUSTER, missingInputs } from '../lib/reports.js';
import { podNetwork, seenEvidence, seenFile } from '../lib/host.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { unlessCalico } from './calico-presence.js';

export const calicoIppoolCidrMismatch: Rule = {
  id: 'NET-213',
  slug: 'calico-ippool-cidr-mismatch',
  layer: 'network',
  severity: 'critical',
  title: "A Calico IP pool lies outside the cluster's pod CIDR",
  needs: ['cluster.calico.ippools', 'fact:pod-network'],
  decidesFrom: [['cluster.calico.ippools', 'fact:pod-network']],
  docs: {
    why: "Calico's IPAM hands out pod addresses from its IP pools, not from the cluster CIDR kubeadm and kube-proxy were given. calico.yaml's pool defaults to 192.168.0.0/16 unless CALICO_IPV4POOL_CIDR is set before the first start, so a cluster installed with --pod-network-cidr=10.244.0.0/16 gets pods in 192.168.x.y: kube-proxy's clusterCIDR rules do not recognise them, and the range may overlap the nodes' own network.",
    fix: 'Create an IP pool inside the cluster CIDR, disable the wrong one and recreate the pods (Calico docs: "Migrate from one IP pool to another"); or make the cluster CIDR match the pool everywhere.',
  },
  messages: {
    outside: 'Calico IP pool {pool} ({cidr}) is not inside the cluster pod CIDR {network}',
    inside: 'every enabled Calico IP pool lies inside the cluster pod CIDR {network}',
    notUsed: 'the cluster does not run Calico',
  },
  explains: [],
  run(s) {
    const skip = unlessCalico(s);
    if (skip.length) return skip;
    const pools = s.cluster.calico?.ipPools;
    const seen = podNetwork(s);
    if (!pools || !seen)
      return [
        missingInputs(CLUSTER, [...(pools ? [] : ['cluster.calico.ippools']), ...(seen ? [] : ['fact:pod-network'])]),
      ];
    const network = seen.value;
    const out: Report[] = [];
    for (const p of pools) {
      const cidr = p.obj.spec.cidr;
      // IPv6 pools are checked against an IPv6 cluster CIDR, which this rule does not derive
      if (p.obj.spec.disabled || parseCidr(cidr)?.addr.kind() !== 'ipv4') continue;
      if (cidrContains(network, cidr)) continue;
      const where = seenEvidence(s, seen, 'the cluster pod CIDR');
      out.push({
        status: 'fail',
        subject: CLUSTER,
        messageId: 'outside',
        data: { pool: p.obj.metadata.name, cidr, network },
        evidence: [
          objectEvidence(p, '/spec/cidr', 'the pool Calico allocates pod addresses from'),
          ...(where ? [where] : []),
        ],
        remediation: remedy(
          'Add a pool inside the cluster CIDR, disable this one, then recreate the pods so they get new addresses.',
          [
            cmd`kubectl get ippools.crd.projectcalico.org ${word('name', p.obj.metadata.name)} -o yaml`,
            cmd`calicoctl patch ippool ${word('name', p.obj.metadata.name)} -p '{"spec": {"disabled": true}}'`,
          ],
        ),
      });
    }
    if (out.length === 0)
      out.push({
        status: 'pass',
        subject: CLUSTER,
        messageId: 'inside',
        data: { network },
        basis: basisOf(pools, seenFile(seen)),
      });
    return out;
  },
};
