// SVC-312: net.ipv4.vs.conntrack = 0 on a node in IPVS mode. kube-proxy's IPVS proxier sets
// net/ipv4/vs/conntrack=1 itself at start-up (pkg/proxy/ipvs proxier.go: sysctlVSConnTrack) because
// its masquerading depends on it: with 0, IPVS sends the packets it forwards untracked
// (ip_vs_nat_send_or_cont → ip_vs_notrack), so no nat rule sees them and KUBE-POSTROUTING's
// MASQUERADE (mark 0x4000, KUBE-LOOP-BACK hairpin) never applies: hairpin traffic, NodePorts and
// clients outside the cluster CIDR break. A 0 there means something reset it after kube-proxy
// started (a sysctl.d file applied later, a tuning agent), or kube-proxy could not set it.
import type { Report, Rule } from '../types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { present, sysctlEntry, sysctlEvidence } from '../lib/host.js';
import { ipvsNodes } from './ipvs-nodes.js';

const KEY = 'net.ipv4.vs.conntrack';

export const ipvsConntrackSysctlOff: Rule = {
  id: 'SVC-312',
  slug: 'ipvs-conntrack-sysctl-off',
  layer: 'service',
  severity: 'critical',
  title: 'IPVS connection tracking (net.ipv4.vs.conntrack) is off on an IPVS-mode node',
  needs: ['host.sysctl', 'host.ipvsadm'],
  decidesFrom: [
    ['host.sysctl', 'host.ipvsadm'],
    ['host.sysctl', 'cluster.configmap.kube-system.kube-proxy'],
  ],
  docs: {
    why: "kube-proxy in IPVS mode sets net.ipv4.vs.conntrack=1 at start-up because its masquerading needs it: with 0, IPVS sends the packets it load-balances untracked, no nat rule sees them, and kube-proxy's MASQUERADE in KUBE-POSTROUTING never applies. Pods reaching their own Service (hairpin), NodePorts and clients outside the cluster CIDR then fail, while pod-to-Service traffic that needs no SNAT still works. A 0 means something reset it after kube-proxy started.",
    fix: 'Set it back to 1 (kube-proxy does on restart) and find what reset it (a file under /etc/sysctl.d, a tuning agent).',
  },
  messages: {
    off: 'net.ipv4.vs.conntrack is {value} on node {node} (IPVS mode, {by}): IPVS forwards untracked, kube-proxy cannot masquerade',
    on: 'net.ipv4.vs.conntrack is {value} on node {node} (IPVS mode)',
    absent:
      'node {node} runs IPVS mode ({by}) but has no net.ipv4.vs.conntrack: the ip_vs module is not loaded on the node',
  },
  run(s) {
    const out: Report[] = [];
    for (const { host, subject, by } of ipvsNodes(s, out)) {
      const how = by === 'ipvsadm' ? 'ipvsadm lists virtual services' : 'the kube-proxy mode';
      if (!host.sysctl) {
        out.push(missingInputs(subject, ['host.sysctl']));
        continue;
      }
      const entry = sysctlEntry(host, KEY);
      if (!entry) {
        // the key exists only while ip_vs is loaded; without a listing that is SVC-309's question
        out.push(
          by === 'ipvsadm'
            ? missingInputs(subject, ['host.sysctl'])
            : {
                status: 'unknown',
                subject,
                messageId: 'absent',
                data: { node: host.node, by: how },
                missing: ['host.sysctl'],
              },
        );
        continue;
      }
      if (entry.value.trim() !== '0') {
        out.push({
          status: 'pass',
          subject,
          messageId: 'on',
          data: { node: host.node, value: entry.value.trim() },
          basis: basisOf(host.sysctl),
        });
        continue;
      }
      out.push({
        status: 'fail',
        subject,
        messageId: 'off',
        data: { node: host.node, value: entry.value.trim(), by: how },
        evidence: present(sysctlEvidence(s, host, entry, 'IPVS connection tracking is off')),
        basis: basisOf(host.sysctl, host.ipvsadm),
        remediation: {
          explanation:
            'Turn it back on (run on the node as root), then find what turned it off: kube-proxy sets it to 1 at start-up.',
          commands: [
            'sysctl -w net.ipv4.vs.conntrack=1',
            'grep -rn vs.conntrack /etc/sysctl.conf /etc/sysctl.d /run/sysctl.d /usr/lib/sysctl.d',
          ],
        },
      });
    }
    return out;
  },
};
