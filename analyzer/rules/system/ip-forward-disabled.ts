// SYS-101: a node that does not forward IPv4 cannot route pod traffic in or out of cni0.
import type { Report, Rule } from '../types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { PEER_EXPLAINS, present, sysctlEntry, sysctlEvidence } from '../lib/host.js';
import { nodeHosts } from '../lib/node-scope.js';

const KEY = 'net.ipv4.ip_forward';

export const ipForwardDisabled: Rule = {
  id: 'SYS-101',
  slug: 'ip-forward-disabled',
  layer: 'system',
  severity: 'critical',
  title: 'IPv4 forwarding is off on the node',
  needs: ['host.sysctl'],
  decidesFrom: [['host.sysctl']],
  docs: {
    why: 'With net.ipv4.ip_forward = 0 the kernel drops every packet that is not for the node itself, so pods cannot reach other nodes, Services behind DNAT, or the internet. kubeadm preflight refuses such a node, but a reboot without a persistent setting turns it off again; containerd and CRI-O never set it.',
    fix: 'Set it now with `sysctl -w net.ipv4.ip_forward=1` and make it persistent in /etc/sysctl.d/ so it survives a reboot.',
  },
  messages: {
    off: 'net.ipv4.ip_forward is {value} on node {node}: the node does not route pod traffic',
    on: 'net.ipv4.ip_forward is 1 on node {node}',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const out: Report[] = [];
    for (const { host, subject } of nodeHosts(s, out)) {
      const entry = sysctlEntry(host, KEY);
      if (!entry) {
        out.push(missingInputs(subject, ['host.sysctl']));
        continue;
      }
      if (entry.value.trim() === '1') {
        out.push({ status: 'pass', subject, messageId: 'on', data: { node: host.node }, basis: basisOf(host.sysctl) });
        continue;
      }
      out.push({
        status: 'fail',
        subject,
        messageId: 'off',
        data: { node: host.node, value: entry.value },
        evidence: present(sysctlEvidence(s, host, entry, 'forwarding is off')),
        remediation: {
          explanation: 'Turn forwarding on now and persist it (run on the node as root).',
          commands: [
            'sysctl -w net.ipv4.ip_forward=1',
            "echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/99-kubernetes-ip-forward.conf",
            'sysctl --system',
          ],
        },
      });
    }
    return out;
  },
};
