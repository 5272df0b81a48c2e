// DNS-405: the kubelet's clusterDNS is not the kube-dns ClusterIP, so pods on that node get a
// nameserver in /etc/resolv.conf that no Service answers on.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { FileIndex, FileRef, HostState, Seen, Snapshot } from '../../model/types.js';
import { lineEvidence } from '../../model/evidence.js';
import { ipInCidr } from '../../model/net.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';

/**
 * `--cluster-dns=IP[,IP]` in kubelet flags: kubeadm-flags.env, a systemd drop-in's
 * `Environment="KUBELET_DNS_ARGS=--cluster-dns=..."`, or a CoreOS unit's `--cluster_dns=` (the kubelet
 * normalises `_` to `-` in flag names).
 */
function clusterDnsFlag(lines: readonly string[]): { value: string; line: number } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const m = /(?:^|[\s"'=])--cluster[-_]dns(?:=|\s+)["']?([0-9a-fA-F.:]+(?:,[0-9a-fA-F.:]+)*)/.exec(lines[i] ?? '');
    if (m?.[1]) return { value: m[1], line: i + 1 };
  }
  return undefined;
}

const FLAGS_PATH = 'host/kubeadm-flags.env';

/** the clusterDNS the kubelet hands pods: its config file, else its `--cluster-dns` flag */
function kubeletDns(
  s: Snapshot,
  h: HostState,
): { readonly ips: readonly string[]; readonly ev?: EvidenceRef; readonly basis: FileRef } | undefined {
  const kc = h.kubeletConfig;
  if (kc?.value.clusterDNS?.length)
    return { ips: kc.value.clusterDNS, ev: clusterDnsEvidence(s.files, h), basis: kc.ref };
  const ref = { bundle: h.bundle, path: FLAGS_PATH };
  const n = s.files.lineCount(ref);
  if (!n) return undefined;
  const lines = s.files.lines(ref, 1, n) ?? [];
  const hit = clusterDnsFlag(lines);
  if (!hit) return undefined;
  return {
    ips: hit.value.split(','),
    ev: lineEvidence(s.files, ref, hit.line, hit.line, `kubelet --cluster-dns on ${h.node}`),
    basis: ref,
  };
}

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
  needs: ['host.kubelet-config', 'host.kubelet-flags', 'cluster.services'],
  docs: {
    why: "The kubelet writes clusterDNS into every ClusterFirst pod's /etc/resolv.conf. If it is not the kube-dns Service's ClusterIP (e.g. the service CIDR changed, or a hand-edited config), pods on that node ask an address nobody answers and every lookup times out.",
    fix: 'Set clusterDNS in /var/lib/kubelet/config.yaml (and the kubelet-config ConfigMap for new nodes) to the kube-dns ClusterIP, restart the kubelet, then recreate the pods on that node.',
  },
  messages: {
    mismatch: 'kubelet on {node} hands pods nameserver {clusterDNS}, but kube-dns is {kubeDns}',
    'outside-service-network':
      'kubelet on {node} hands pods nameserver {clusterDNS}, outside the Service network {serviceNetwork}: no Service can answer there',
    ok: 'kubelet on {node} hands pods the kube-dns ClusterIP {kubeDns}',
  },
  decidesFrom: [
    ['host.kubelet-config', 'cluster.services'],
    ['host.kubelet-flags', 'cluster.services'],
    ['host.kubelet-config', 'fact:service-network'],
    ['host.kubelet-flags', 'fact:service-network'],
  ],
  run(s) {
    // the cluster DNS Service's ClusterIP (kube-dns, RKE2's rke2-coredns-rke2-coredns: model/derived.ts)
    const kubeDns = s.derived.kubeDnsClusterIP;
    const hosts = [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node));
    if (!kubeDns) {
      const subjects = hosts.length ? hosts.map((h) => nodeSubject(h.node)) : [CLUSTER];
      const net = s.derived.serviceNetworks[0];
      if (!net || hosts.length === 0) return subjects.map((sub) => missingInputs(sub, ['cluster.services']));
      return hosts.map((h) => byServiceNetwork(s, h, net));
    }
    const out: Report[] = [];
    for (const h of hosts) {
      const subject = nodeSubject(h.node);
      const kd = kubeletDns(s, h);
      if (!kd) {
        out.push(missingInputs(subject, ['host.kubelet-config']));
        continue;
      }
      const dns = kd.ips;
      if (dns[0] === kubeDns.value) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'ok',
          data: { node: h.node, kubeDns: kubeDns.value },
          basis: basisOf(kd.basis, kubeDns.at),
        });
        continue;
      }
      const ev = kd.ev;
      const evidence: EvidenceRef[] = [
        ...(ev ? [ev] : []),
        {
          bundle: kubeDns.at.bundle,
          path: kubeDns.at.path,
          ...(kubeDns.at.pointer !== undefined ? { pointer: kubeDns.at.pointer } : {}),
          quote: JSON.stringify(kubeDns.value),
          note: `${kubeDns.by} ClusterIP`,
        },
      ];
      out.push({
        status: 'fail',
        subject,
        messageId: 'mismatch',
        data: { node: h.node, clusterDNS: dns.join(', '), kubeDns: kubeDns.value },
        evidence,
        remediation: remedy(
          `Make the kubelet on ${h.node} hand out ${kubeDns.value}, then recreate the pods there so their resolv.conf is rewritten.`,
          [
            // the IP sits inside a single-quoted sed script: only a checked IP goes there
            cmd`sudo sed -i '/^clusterDNS:/{n;s/- .*/- ${word('ip', kubeDns.value)}/}' /var/lib/kubelet/config.yaml   # on ${word('node', h.node)}`,
            'sudo systemctl restart kubelet',
            'kubectl -n kube-system edit configmap kubelet-config   # clusterDNS for nodes joined later',
            cmd`kubectl get pods -A -o wide --field-selector spec.nodeName=${word('node', h.node)}   # delete the ClusterFirst pods listed so they are recreated`,
          ],
        ),
      });
    }
    return out;
  },
};

/**
 * No Service list: the Service network (kubeadm-config, apiserver flags...) still decides a
 * clusterDNS no Service can hold. Inside it, the address may still be another Service's or none:
 * being in the range is not being kube-dns, so unknown until the Service list says.
 */
function byServiceNetwork(s: Snapshot, h: HostState, net: Seen<string>): Report {
  const subject = nodeSubject(h.node);
  const kd = kubeletDns(s, h);
  const dns = kd?.ips;
  if (!kd || !dns?.[0]) return missingInputs(subject, ['host.kubelet-config']);
  const data = { node: h.node, clusterDNS: dns.join(', '), serviceNetwork: net.value };
  if (ipInCidr(dns[0], net.value)) return missingInputs(subject, ['cluster.services']);
  const ev = kd.ev;
  const netEv =
    net.at.line !== undefined && net.at.pointer === undefined
      ? lineEvidence(s.files, net.at, net.at.line, net.at.line, `Service network (${net.by})`)
      : undefined;
  return {
    status: 'fail',
    subject,
    messageId: 'outside-service-network',
    data,
    evidence: [...(ev ? [ev] : []), ...(netEv ? [netEv] : [])],
    basis: basisOf(net.at),
    remediation: remedy(
      `Set clusterDNS on ${h.node} to the kube-dns ClusterIP (inside ${net.value}), restart the kubelet and recreate the pods there.`,
      [
        'kubectl -n kube-system get service kube-dns -o jsonpath={.spec.clusterIP}',
        cmd`sudoedit /var/lib/kubelet/config.yaml   # clusterDNS on ${word('node', h.node)}`,
        'sudo systemctl restart kubelet',
      ],
    ),
  };
}
