// NET-206: flannel announces each node's VXLAN endpoint in the node annotation
// flannel.alpha.coreos.com/public-ip. When every node announces the same address (Vagrant/VirtualBox
// NAT: 10.0.2.15 on eth0 everywhere) or two nodes share one, VXLAN packets go to the wrong host.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { KubeNode } from '../../model/schemas.js';
import type { Located } from '../../model/types.js';
import { objectEvidence, escapePointerToken } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs } from '../lib/reports.js';
import { unlessFlannel } from './flannel-presence.js';
import { redactedReport, unparsed } from '../lib/evidence-limits.js';

export const PUBLIC_IP = 'flannel.alpha.coreos.com/public-ip';

export const flannelPublicIpShared: Rule = {
  id: 'NET-206',
  slug: 'flannel-public-ip-shared',
  layer: 'network',
  severity: 'critical',
  title: 'Nodes announce the same flannel public-ip',
  needs: ['cluster.nodes'],
  decidesFrom: [['cluster.nodes']],
  docs: {
    why: "Each flanneld picks the address of one interface (the default route's, unless --iface says otherwise) and publishes it as the node's VXLAN endpoint. On machines whose first interface is a NAT adapter with the same address everywhere (Vagrant, VirtualBox), every node announces that address, so VXLAN traffic for other nodes' pods never leaves the sender.",
    fix: 'Tell flannel which interface carries node traffic: add `--iface=<NIC>` (or `--iface-regex`) to the kube-flannel container args and restart the DaemonSet.',
  },
  messages: {
    shared: '{count} nodes announce the same flannel public-ip {ip}: {nodes}',
    distinct: 'every node announces its own flannel public-ip',
    notUsed: 'the cluster does not run flannel',
  },
  run(s) {
    if (!s.cluster.nodes) return [missingInputs(CLUSTER, ['cluster.nodes'])];
    const skip = unlessFlannel(s);
    if (skip.length) return skip;
    const byIp = new Map<string, Located<KubeNode>[]>();
    // an address a redactor hid (troubleshoot: `***HIDDEN***` on every node) is neither shared nor distinct
    const hidden: Located<KubeNode>[] = [];
    for (const n of s.cluster.nodes) {
      const ip = n.obj.metadata.annotations?.[PUBLIC_IP];
      if (!ip) continue;
      if (unparsed(ip, 'ip') !== undefined) hidden.push(n);
      else byIp.set(ip, [...(byIp.get(ip) ?? []), n]);
    }
    const shared = [...byIp]
      .filter(([, nodes]) => nodes.length > 1)
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    const pointer = `/metadata/annotations/${escapePointerToken(PUBLIC_IP)}`;
    if (shared.length === 0 && hidden.length > 0) {
      const first = hidden[0] as Located<KubeNode>;
      const value = first.obj.metadata.annotations?.[PUBLIC_IP] ?? '';
      return [
        redactedReport(
          CLUSTER,
          `the ${PUBLIC_IP} annotation of ${hidden.length} node(s)`,
          value,
          hidden.slice(0, 5).map((n) => objectEvidence(n, pointer, 'not an address')),
          ['cluster.nodes'],
        ),
      ];
    }
    if (byIp.size === 0) return [missingInputs(CLUSTER, ['cluster.nodes'])];
    if (shared.length === 0)
      return [{ status: 'pass', subject: CLUSTER, messageId: 'distinct', basis: basisOf(s.cluster.nodes) }];
    const out: Report[] = [];
    for (const [ip, nodes] of shared) {
      const names = nodes.map((n) => n.obj.metadata.name).sort();
      const evidence: EvidenceRef[] = nodes
        .slice(0, 5)
        .map((n) => objectEvidence(n, pointer, `${n.obj.metadata.name} announces ${ip}`));
      out.push({
        status: 'fail',
        subject: CLUSTER,
        messageId: 'shared',
        data: { ip, count: nodes.length, nodes: names.join(', ') },
        evidence,
        remediation: {
          explanation: 'Pin flannel to the interface that carries traffic between nodes, then restart it everywhere.',
          commands: [
            'kubectl -n kube-flannel edit daemonset kube-flannel-ds  # add "- --iface=<NIC>" to the kube-flannel container args',
            'kubectl -n kube-flannel rollout restart daemonset kube-flannel-ds',
            `kubectl get nodes -o custom-columns=NAME:.metadata.name,PUBLIC-IP:.metadata.annotations.flannel\\.alpha\\.coreos\\.com/public-ip`,
          ],
        },
      });
    }
    return out;
  },
};
