// NET-216: the IP pool encapsulates (ipipMode or vxlanMode Always/CrossSubnet) but the node has no
// tunl0 (IPIP) or vxlan.calico (VXLAN) device. calico-node creates them at start; without the ipip or
// vxlan module, or after someone deleted the device, the block routes `via <peer> dev tunl0 onlink`
// cannot be installed and pods on the node cannot reach pods on the others.
import type { Report, Rule } from '../types.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs } from '../lib/reports.js';
import { linkNamed } from '../lib/host.js';
import { nodeHosts } from '../lib/node-scope.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { calicoNodePods, unlessCalico } from './calico-presence.js';

const encapsulates = (m: string | undefined): boolean => m === 'Always' || m === 'CrossSubnet';

export const calicoTunnelMissing: Rule = {
  id: 'NET-216',
  slug: 'calico-tunnel-missing',
  layer: 'network',
  severity: 'critical',
  title: "A node lacks the tunnel device Calico's IP pool needs",
  needs: ['cluster.calico.ippools', 'host.ip-link'],
  decidesFrom: [['cluster.calico.ippools', 'host.ip-link']],
  docs: {
    why: "A pool with ipipMode Always or CrossSubnet sends pod traffic between nodes through tunl0 (IP protocol 4); vxlanMode through vxlan.calico (UDP 4789). calico-node creates the device at start; when the ipip or vxlan kernel module is missing or the device was removed, the routes to the other nodes' blocks cannot use it and cross-node pod traffic fails.",
    fix: 'Load the module (modprobe ipip / vxlan) and restart calico-node on the node so it recreates the device and its routes.',
  },
  messages: {
    missing: 'node {node} has no {device} although IP pool {pool} uses {mode} encapsulation',
    present: 'node {node} has {device} for IP pool {pool}',
    noEncap: 'no enabled Calico IP pool encapsulates (ipipMode and vxlanMode Never)',
    notUsed: 'the cluster does not run Calico',
  },
  explains: [],
  run(s) {
    const skip = unlessCalico(s);
    if (skip.length) return skip;
    const pools = s.cluster.calico?.ipPools;
    if (!pools) return [missingInputs(CLUSTER, ['cluster.calico.ippools'])];
    const needs = pools
      .filter((p) => !p.obj.spec.disabled)
      .flatMap((p) => [
        ...(encapsulates(p.obj.spec.ipipMode) ? [{ p, device: 'tunl0', mode: 'IPIP', field: 'ipipMode' }] : []),
        ...(encapsulates(p.obj.spec.vxlanMode)
          ? [{ p, device: 'vxlan.calico', mode: 'VXLAN', field: 'vxlanMode' }]
          : []),
      ]);
    if (needs.length === 0) return [{ status: 'pass', subject: CLUSTER, messageId: 'noEncap', basis: basisOf(pools) }];
    const calicoNodes = new Set(calicoNodePods(s).map((x) => x.node));
    const out: Report[] = [];
    for (const { host, subject } of nodeHosts(s, out)) {
      // a node without calico-node (when the pods list says so) is not Calico's to judge
      if (s.cluster.pods && calicoNodes.size > 0 && !calicoNodes.has(host.node)) continue;
      const links = host.links ?? host.addrs;
      if (!links) {
        out.push(missingInputs(subject, ['host.ip-link']));
        continue;
      }
      for (const { p, device, mode, field } of needs) {
        const pool = p.obj.metadata.name;
        if (linkNamed(links.value, device)) {
          out.push({
            status: 'pass',
            subject,
            messageId: 'present',
            data: { node: host.node, device, pool },
            basis: basisOf(links, p),
          });
          continue;
        }
        out.push({
          status: 'fail',
          subject,
          messageId: 'missing',
          data: { node: host.node, device, pool, mode },
          evidence: [objectEvidence(p, `/spec/${field}`, `the pool encapsulates with ${mode}`)],
          basis: basisOf(links),
          remediation: remedy(
            `Load the ${mode} module and restart calico-node on the node so it recreates ${device}.`,
            [
              mode === 'IPIP' ? 'modprobe ipip' : 'modprobe vxlan',
              cmd`ip -d link show ${word('iface', device)}`,
              cmd`kubectl -n kube-system delete pod -l k8s-app=calico-node --field-selector spec.nodeName=${word('node', host.node)}`,
            ],
          ),
        });
      }
    }
    return out;
  },
};
