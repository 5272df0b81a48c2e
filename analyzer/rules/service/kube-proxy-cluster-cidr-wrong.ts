// SVC-306: kube-proxy's clusterCIDR tells it which sources are pods. In iptables and IPVS mode it
// masquerades Service traffic from anything else (`! -s <clusterCIDR> -j KUBE-MARK-MASQ`). Unset, it
// cannot tell (traffic from outside the cluster to a ClusterIP is not masqueraded and replies go
// astray); wrong, it masquerades pod traffic too, hiding client IPs and confusing NetworkPolicies.
import type { Report, Rule, Subject } from '../types.js';
import { missingInputs } from '../lib/reports.js';
import { cidrContains, jsonEvidence, lineAt, parseCidr, present, seenEvidence } from '../lib/host.js';
import { kubeProxyInUse } from './kube-proxy-not-running.js';

const SUBJECT: Subject = { kind: 'configmap', namespace: 'kube-system', name: 'kube-proxy' };

export const kubeProxyClusterCidrWrong: Rule = {
  id: 'SVC-306',
  slug: 'kube-proxy-cluster-cidr-wrong',
  layer: 'service',
  severity: 'warning',
  title: 'kube-proxy clusterCIDR unset or not the pod network',
  needs: ['cluster.configmap.kube-system.kube-proxy', 'cluster.configmap.kube-flannel.kube-flannel-cfg'],
  docs: {
    why: 'kube-proxy decides whether Service traffic needs masquerading by its source: from the pod network (clusterCIDR) it does not, from anywhere else it does. kubeadm fills clusterCIDR from --pod-network-cidr. Left empty, kube-proxy cannot tell pods from the outside; set to another range, it masquerades pod traffic too.',
    fix: 'Set clusterCIDR in the kube-proxy ConfigMap (config.conf) to the pod network and restart the kube-proxy DaemonSet.',
  },
  messages: {
    unset: 'kube-proxy clusterCIDR is not set (the pod network is {network})',
    wrong: 'kube-proxy clusterCIDR {clusterCIDR} does not contain the pod network {network}',
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
    const net = s.derived.podCidr.flannel ?? s.derived.podCidr.kubeadm;
    if (!net || !parseCidr(net.value)) return [missingInputs(SUBJECT, ['cluster.configmap.kube-flannel.kube-flannel-cfg', 'cluster.configmap.kube-system.kubeadm-config'])];
    const network = parseCidr(net.value)?.text as string;
    const cc = kp.value.clusterCIDR?.trim() ?? '';
    const line = kp.value.lines.get('clusterCIDR');
    const at = line !== undefined ? lineAt(s, kp.ref, line, 'kube-proxy clusterCIDR') : kp.ref.pointer ? jsonEvidence(s, kp.ref, kp.ref.pointer, 'kube-proxy config.conf (no clusterCIDR)') : undefined;
    const remediation = {
      explanation: `Set clusterCIDR: ${network} in config.conf and restart kube-proxy everywhere.`,
      commands: ['kubectl -n kube-system edit configmap kube-proxy', 'kubectl -n kube-system rollout restart daemonset kube-proxy'],
    };
    if (cc === '') return [{ status: 'warn', subject: SUBJECT, messageId: 'unset', data: { network }, evidence: present(at, seenEvidence(s, net, 'the pod network')), remediation }] satisfies Report[];
    const covers = cc.split(',').some((c) => parseCidr(c) !== undefined && cidrContains(c.trim(), network));
    if (covers) return [{ status: 'pass', subject: SUBJECT, messageId: 'matches', data: { clusterCIDR: cc } }];
    return [{ status: 'fail', subject: SUBJECT, messageId: 'wrong', data: { clusterCIDR: cc, network }, evidence: present(at, seenEvidence(s, net, 'the pod network')), remediation }];
  },
};
