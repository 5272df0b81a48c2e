// NET-202: flannel's net-conf.json "Network" must contain every node's podCIDR (allocated by
// kube-controller-manager from kubeadm's podSubnet). A cluster built with
// --pod-network-cidr=192.168.0.0/16 and the stock kube-flannel.yml (10.244.0.0/16) routes nothing.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import { CLUSTER, missingInputs } from '../lib/reports.js';
import { cidrContains, parseCidr, present, seenEvidence } from '../lib/host.js';
import { unlessFlannel } from './flannel-pod-not-running.js';

const CONFIGMAPS = ['kube-flannel/kube-flannel-cfg', 'kube-system/kube-flannel-cfg'];

export const flannelNetworkMismatch: Rule = {
  id: 'NET-202',
  slug: 'flannel-network-mismatch',
  layer: 'network',
  severity: 'critical',
  title: 'flannel Network does not match the cluster pod CIDR',
  needs: ['cluster.configmap.kube-flannel.kube-flannel-cfg', 'cluster.nodes', 'cluster.configmap.kube-system.kubeadm-config'],
  docs: {
    why: 'kube-controller-manager gives each node a podCIDR out of the cluster CIDR (kubeadm\'s podSubnet, --pod-network-cidr). flannel routes and masquerades its own "Network" from kube-flannel-cfg. If the two differ, nodes get subnets flannel does not route, the masquerade rules cover the wrong range, and flanneld may refuse the node\'s lease.',
    fix: 'Make net-conf.json "Network" equal the cluster CIDR (`kubectl -n kube-flannel edit configmap kube-flannel-cfg`) and restart the flannel DaemonSet; or rebuild with --pod-network-cidr matching flannel.',
  },
  messages: {
    mismatch: 'flannel Network {network} does not contain {what}',
    badNetwork: 'flannel Network "{network}" is not a CIDR',
    matches: 'flannel Network {network} contains every node podCIDR',
    notUsed: 'the cluster does not run flannel',
  },
  explains: [{ rule: 'NET-204', match: 'cluster' }, { rule: 'NET-205', match: 'cluster' }],
  run(s) {
    const skip = unlessFlannel(s);
    if (skip.length) return skip;
    const key = CONFIGMAPS.find((k) => s.cluster.configMaps.has(k)) ?? (CONFIGMAPS[0] as string);
    const [ns, name] = key.split('/') as [string, string];
    const subject: Subject = { kind: 'configmap', namespace: ns, name };
    const seen = s.derived.podCidr.flannel;
    if (!s.cluster.flannelNetConf || !seen) return [missingInputs(subject, [`cluster.configmap.${ns}.${name}`])];
    const restart = [`kubectl -n ${ns} edit configmap ${name}`, `kubectl -n ${ns} rollout restart daemonset kube-flannel-ds`];
    const network = parseCidr(seen.value);
    if (!network) {
      return [{ status: 'fail', subject, messageId: 'badNetwork', data: { network: seen.value }, evidence: present(seenEvidence(s, seen, 'flannel Network')), remediation: { explanation: 'Set "Network" to the cluster CIDR.', commands: restart } }];
    }
    const outside: { what: string; ev?: EvidenceRef }[] = [];
    const kubeadm = s.derived.podCidr.kubeadm;
    if (kubeadm && parseCidr(kubeadm.value) && !cidrContains(network, kubeadm.value)) outside.push({ what: `kubeadm podSubnet ${kubeadm.value}`, ev: seenEvidence(s, kubeadm, 'the cluster CIDR nodes get subnets from') });
    for (const n of s.derived.podCidr.nodes) {
      if (!cidrContains(network, n.value)) outside.push({ what: `${n.by} podCIDR ${n.value}`, ev: seenEvidence(s, n, 'a node subnet outside flannel\'s Network') });
    }
    if (outside.length === 0) return [{ status: 'pass', subject, messageId: 'matches', data: { network: network.text } } satisfies Report];
    const target = kubeadm?.value ?? s.derived.podCidr.nodes[0]?.value ?? network.text;
    return [
      {
        status: 'fail',
        subject,
        messageId: 'mismatch',
        data: { network: network.text, what: outside.slice(0, 3).map((o) => o.what).join(', ') + (outside.length > 3 ? ` and ${outside.length - 3} more` : ''), count: outside.length },
        evidence: present(seenEvidence(s, seen, 'flannel Network'), ...outside.slice(0, 5).map((o) => o.ev)),
        remediation: { explanation: `Set "Network" in net-conf.json to the cluster CIDR (${target}) and restart flannel.`, commands: restart },
      },
    ];
  },
};
