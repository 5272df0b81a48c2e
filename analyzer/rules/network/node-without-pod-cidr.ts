// NET-203: flannel (kube subnet manager) takes each node's subnet from spec.podCIDR. A node that
// never got one (kube-controller-manager without --allocate-node-cidrs, or a cluster CIDR that ran
// out of /24s) makes flanneld fail with "pod cidr not assigned" and pods there never start.
import type { Report, Rule } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { cidrOverlaps, PEER_EXPLAINS, podNetwork } from '../lib/host.js';
import { unlessFlannel } from './flannel-pod-not-running.js';

/** the first /24 of the pod network no node uses yet (a suggestion for the patch command) */
export function freeSubnet(s: Snapshot): string {
  const network = podNetwork(s)?.value ?? '10.244.0.0/16';
  const [base, prefix] = network.split('/');
  const octets = (base ?? '').split('.').map(Number);
  const used = s.derived.podCidr.nodes.map((n) => n.value);
  const count = 2 ** Math.max(0, 24 - Number(prefix));
  for (let i = 0; i < Math.min(count, 65536); i++) {
    const n = (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8)) + i * 256;
    const cand = `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.0/24`;
    if (!used.some((u) => cidrOverlaps(u, cand))) return cand;
  }
  return '<a free /24 of the pod network>';
}

export const nodeWithoutPodCidr: Rule = {
  id: 'NET-203',
  slug: 'node-without-pod-cidr',
  layer: 'network',
  severity: 'critical',
  title: 'A node has no podCIDR',
  needs: ['cluster.nodes'],
  docs: {
    why: 'flannel in its Kubernetes mode leases each node the subnet in spec.podCIDR, which kube-controller-manager allocates when it runs with --allocate-node-cidrs=true and --cluster-cidr (kubeadm sets both from --pod-network-cidr). A node without one makes flanneld exit with "pod cidr not assigned", so nothing on it gets a network.',
    fix: 'Start kube-controller-manager with --allocate-node-cidrs=true --cluster-cidr=<pod network> (kubeadm: networking.podSubnet), or give the node a subnet by hand with `kubectl patch node`.',
  },
  messages: {
    none: 'node {node} has no spec.podCIDR',
    has: 'node {node} has podCIDR {cidr}',
    notUsed: 'the cluster does not run flannel',
  },
  explains: [...PEER_EXPLAINS, { rule: 'NET-201', match: 'same-node' }, { rule: 'NET-204', match: 'same-node' }],
  run(s) {
    if (!s.cluster.nodes) return [missingInputs(CLUSTER, ['cluster.nodes'])];
    const skip = unlessFlannel(s);
    if (skip.length) return skip;
    const out: Report[] = [];
    const suggestion = freeSubnet(s);
    for (const n of [...s.cluster.nodes].sort((a, b) => a.obj.metadata.name.localeCompare(b.obj.metadata.name))) {
      const node = n.obj.metadata.name;
      const cidr = n.obj.spec?.podCIDR;
      if (cidr) {
        out.push({ status: 'pass', subject: nodeSubject(node), messageId: 'has', data: { node, cidr } });
        continue;
      }
      out.push({
        status: 'fail',
        subject: nodeSubject(node),
        messageId: 'none',
        data: { node },
        evidence: [objectEvidence(n, '/spec', 'no podCIDR in the node spec')],
        remediation: {
          explanation: 'Let kube-controller-manager allocate node CIDRs, or assign this node a free subnet of the pod network by hand.',
          commands: [
            "grep -E 'allocate-node-cidrs|cluster-cidr' /etc/kubernetes/manifests/kube-controller-manager.yaml",
            `kubectl patch node ${node} --type merge -p '{"spec":{"podCIDR":"${suggestion}","podCIDRs":["${suggestion}"]}}'`,
          ],
        },
      });
    }
    return out;
  },
};
