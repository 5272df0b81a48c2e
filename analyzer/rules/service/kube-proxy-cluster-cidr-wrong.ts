// SVC-306: kube-proxy's clusterCIDR tells it which sources are pods. In iptables and IPVS mode it
// masquerades Service traffic from anything else (`! -s <clusterCIDR> -j KUBE-MARK-MASQ`). Both
// faults are warnings, not failures, on a flannel cluster:
//  - unset: kube-proxy marks nothing by source, so traffic from outside the pod network to a
//    ClusterIP is not masqueraded by kube-proxy; flannel's FLANNEL-POSTRTG still masquerades
//    off-pod-network sources heading to pods, so node-to-Service traffic works; what is lost is an
//    off-cluster client routed to a ClusterIP (replies come from the pod, not the VIP);
//  - not covering the pods' addresses: pods outside it are masqueraded when they call a Service,
//    which works but hides the client address (NetworkPolicies and logs see the node).
// The pods' addresses are the nodes' podCIDRs (flannel leases them from spec.podCIDR), not
// flannel's Network: when the two disagree NET-202 says so, and kube-proxy is not the one wrong.
import type { Report, Rule, Subject } from '../types.js';
import { missingInputs } from '../lib/reports.js';
import { cidrContains, jsonEvidence, lineAt, parseCidr, present, seenEvidence } from '../lib/host.js';
import { kubeProxyInUse } from './kube-proxy-not-running.js';
import type { Seen, Snapshot } from '../../model/types.js';

/**
 * Where pods get their addresses: every node's spec.podCIDR; without node data, kubeadm's
 * podSubnet, then flannel's Network. `network` names the whole range for the fix.
 */
function podAddresses(s: Snapshot): { ranges: Seen<string>[]; network: string } | undefined {
  const nodes = s.derived.podCidr.nodes.filter((n) => parseCidr(n.value) !== undefined);
  const whole = [s.derived.podCidr.kubeadm, s.derived.podCidr.flannel].find((x) => x !== undefined && parseCidr(x.value) !== undefined);
  const ranges = nodes.length > 0 ? nodes : whole ? [whole] : [];
  if (ranges.length === 0) return undefined;
  const network = whole && ranges.every((r) => cidrContains(whole.value, r.value)) ? (parseCidr(whole.value)?.text as string) : (parseCidr(ranges[0]!.value)?.text as string);
  return { ranges, network };
}

const SUBJECT: Subject = { kind: 'configmap', namespace: 'kube-system', name: 'kube-proxy' };

export const kubeProxyClusterCidrWrong: Rule = {
  id: 'SVC-306',
  slug: 'kube-proxy-cluster-cidr-wrong',
  layer: 'service',
  severity: 'warning',
  title: 'kube-proxy clusterCIDR unset or not the pod network',
  needs: ['cluster.configmap.kube-system.kube-proxy', 'cluster.nodes'],
  docs: {
    why: 'kube-proxy decides whether Service traffic needs masquerading by its source: from the pod network (clusterCIDR) it does not, from anywhere else it does. kubeadm fills clusterCIDR from --pod-network-cidr. Left empty, kube-proxy masquerades nothing by source: on flannel, node-to-Service traffic still works (flannel masquerades sources outside the pod network on their way to pods), but a client outside the cluster routed to a ClusterIP gets replies from the pod address and drops them. Set to a range that misses some nodes\' podCIDRs, it masquerades those pods\' Service traffic, hiding the client address from NetworkPolicies and logs. Both degrade rather than break, so they are warnings.',
    fix: 'Set clusterCIDR in the kube-proxy ConfigMap (config.conf) to the pod network and restart the kube-proxy DaemonSet.',
  },
  messages: {
    unset: 'kube-proxy clusterCIDR is not set (the pod network is {network})',
    wrong: 'kube-proxy clusterCIDR {clusterCIDR} does not contain {outside} (pod addresses of {where})',
    matches: 'kube-proxy clusterCIDR {clusterCIDR} covers the pod network',
    notUsed: 'the cluster does not run kube-proxy',
  },
  run(s) {
    const kp = s.cluster.kubeProxyConfig;
    if (!kp) {
      const inUse = kubeProxyInUse(s);
      if (inUse === false) return [{ status: 'pass', subject: SUBJECT, messageId: 'notUsed' }];
      return [missingInputs(SUBJECT, ['cluster.configmap.kube-system.kube-proxy', ...(inUse ? [] : ['cluster.pods'])])];
    }
    const pods = podAddresses(s);
    if (!pods) return [missingInputs(SUBJECT, ['cluster.nodes', 'cluster.configmap.kube-system.kubeadm-config', 'cluster.configmap.kube-flannel.kube-flannel-cfg'])];
    const network = pods.network;
    const cc = kp.value.clusterCIDR?.trim() ?? '';
    const line = kp.value.lines.get('clusterCIDR');
    const at = line !== undefined ? lineAt(s, kp.ref, line, 'kube-proxy clusterCIDR') : kp.ref.pointer ? jsonEvidence(s, kp.ref, kp.ref.pointer, 'kube-proxy config.conf (no clusterCIDR)') : undefined;
    const remediation = {
      explanation: `Set clusterCIDR: ${network} in config.conf and restart kube-proxy everywhere.`,
      commands: ['kubectl -n kube-system edit configmap kube-proxy', 'kubectl -n kube-system rollout restart daemonset kube-proxy'],
    };
    const shown = pods.ranges[0];
    if (cc === '') return [{ status: 'warn', subject: SUBJECT, messageId: 'unset', data: { network }, evidence: present(at, shown && seenEvidence(s, shown, 'where pods get their addresses')), remediation }] satisfies Report[];
    const ours = cc.split(',').map((c) => c.trim()).filter((c) => parseCidr(c) !== undefined);
    const outside = pods.ranges.filter((r) => !ours.some((c) => cidrContains(c, r.value)));
    if (outside.length === 0) return [{ status: 'pass', subject: SUBJECT, messageId: 'matches', data: { clusterCIDR: cc } }];
    const first = outside[0] as Seen<string>;
    return [{
      status: 'warn',
      subject: SUBJECT,
      messageId: 'wrong',
      data: { clusterCIDR: cc, network, outside: outside.slice(0, 3).map((r) => r.value).join(', ') + (outside.length > 3 ? ` and ${outside.length - 3} more` : ''), where: first.by },
      evidence: present(at, seenEvidence(s, first, 'pod addresses outside clusterCIDR')),
      remediation,
    }];
  },
};
