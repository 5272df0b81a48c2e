// DNS-405: the kubelet's clusterDNS is not the kube-dns ClusterIP, so pods on that node get a
// nameserver in /etc/resolv.conf that no Service answers on.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { FileIndex, HostState } from '../../model/types.js';
import { lineEvidence } from '../../model/evidence.js';
import { CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';

/** the clusterDNS line plus its block-list items (`- 10.96.0.10`) */
function clusterDnsEvidence(files: FileIndex, h: HostState): EvidenceRef | undefined {
  const kc = h.kubeletConfig;
  const line = kc?.value.lines.get('clusterDNS');
  if (!kc || line === undefined) return undefined;
  let to = line;
  const following = files.lines(kc.ref, line + 1, line + 10) ?? [];
  for (const l of following) {
    if (!/^\s*-\s/.test(l)) break;
    to++;
  }
  return lineEvidence(files, kc.ref, line, to, `kubelet clusterDNS on ${h.node}`);
}

export const kubeletClusterDns: Rule = {
  id: 'DNS-405',
  slug: 'kubelet-cluster-dns',
  layer: 'dns',
  severity: 'critical',
  title: 'kubelet clusterDNS is not the kube-dns ClusterIP',
  needs: ['host.kubelet-config', 'cluster.services'],
  docs: {
    why: 'The kubelet writes clusterDNS into every ClusterFirst pod\'s /etc/resolv.conf. If it is not the kube-dns Service\'s ClusterIP (e.g. the service CIDR changed, or a hand-edited config), pods on that node ask an address nobody answers and every lookup times out.',
    fix: 'Set clusterDNS in /var/lib/kubelet/config.yaml (and the kubelet-config ConfigMap for new nodes) to the kube-dns ClusterIP, restart the kubelet, then recreate the pods on that node.',
  },
  messages: {
    mismatch: 'kubelet on {node} hands pods nameserver {clusterDNS}, but kube-dns is {kubeDns}',
    ok: 'kubelet on {node} hands pods the kube-dns ClusterIP {kubeDns}',
  },
  run(s) {
    const kubeDns = s.derived.kubeDnsClusterIP;
    const hosts = [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node));
    if (!kubeDns) {
      const subjects = hosts.length ? hosts.map((h) => nodeSubject(h.node)) : [CLUSTER];
      return subjects.map((sub) => missingInputs(sub, ['cluster.services']));
    }
    const out: Report[] = [];
    for (const h of hosts) {
      const subject = nodeSubject(h.node);
      const dns = h.kubeletConfig?.value.clusterDNS;
      if (!h.kubeletConfig || !dns) {
        out.push(missingInputs(subject, ['host.kubelet-config']));
        continue;
      }
      if (dns[0] === kubeDns.value) {
        out.push({ status: 'pass', subject, messageId: 'ok', data: { node: h.node, kubeDns: kubeDns.value } });
        continue;
      }
      const ev = clusterDnsEvidence(s.files, h);
      const svc = s.index.serviceByName.get('kube-system/kube-dns');
      const evidence: EvidenceRef[] = [
        ...(ev ? [ev] : []),
        ...(svc ? [{ bundle: svc.ref.bundle, path: svc.ref.path, pointer: `${svc.ref.pointer}/spec/clusterIP`, quote: JSON.stringify(kubeDns.value), note: 'kube-dns ClusterIP' }] : []),
      ];
      out.push({
        status: 'fail',
        subject,
        messageId: 'mismatch',
        data: { node: h.node, clusterDNS: dns.join(', '), kubeDns: kubeDns.value },
        evidence,
        remediation: {
          explanation: `Make the kubelet on ${h.node} hand out ${kubeDns.value}, then recreate the pods there so their resolv.conf is rewritten.`,
          commands: [
            `sudo sed -i '/^clusterDNS:/{n;s/- .*/- ${kubeDns.value}/}' /var/lib/kubelet/config.yaml   # on ${h.node}`,
            'sudo systemctl restart kubelet',
            'kubectl -n kube-system edit configmap kubelet-config   # clusterDNS for nodes joined later',
            `kubectl get pods -A -o wide --field-selector spec.nodeName=${h.node}   # delete the ClusterFirst pods listed so they are recreated`,
          ],
        },
      });
    }
    return out;
  },
};
