// SYS-102: with a bridge CNI (flannel's cni0) bridged pod-to-pod frames bypass iptables unless
// br_netfilter is loaded and bridge-nf-call-iptables = 1, so Service DNAT between two pods on the
// same node breaks (DNS only fails for pods next to CoreDNS). kubeadm v1.30 dropped its preflight check.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import {
  flannelLogs,
  lastLogLine,
  lineAt,
  PEER_EXPLAINS,
  present,
  sysctlEntry,
  sysctlEvidence,
  type PodLog,
} from '../lib/host.js';
import { nodeHosts } from '../lib/node-scope.js';

const KEY = 'net.bridge.bridge-nf-call-iptables';

/**
 * A component that found /proc/sys/net/bridge missing: flannel >= 0.26 `Failed to check br_netfilter:
 * stat /proc/sys/net/bridge/bridge-nf-call-iptables: no such file or directory` (it then exits),
 * k3s/RKE2 `Failed to set sysctl: open /proc/sys/net/bridge/bridge-nf-call-iptables: no such file or directory`.
 */
const NO_BRIDGE_SYSCTL = /bridge-nf-call-iptables: no such file or directory/;

/** logs that say so: flannel's, and the k3s/RKE2 service journal (they set the sysctl themselves) */
function componentLogs(s: Snapshot, host: HostState): PodLog[] {
  const out = flannelLogs(s, host);
  for (const unit of ['k3s', 'k3s-agent', 'rke2-server', 'rke2-agent']) {
    const log = host.journal?.get(unit);
    if (log) out.push({ key: `journal/${unit}`, sourceId: `host.journal.${unit}`, log });
  }
  return out;
}

const REMEDIATION = {
  explanation: 'Load br_netfilter, turn the sysctl on, and persist both (run on the node as root).',
  commands: [
    'modprobe br_netfilter',
    'echo br_netfilter > /etc/modules-load.d/k8s.conf',
    'sysctl -w net.bridge.bridge-nf-call-iptables=1',
    "echo 'net.bridge.bridge-nf-call-iptables = 1' > /etc/sysctl.d/99-kubernetes-bridge-nf.conf",
    'sysctl --system',
  ],
};

function moduleEvidence(s: Snapshot, host: HostState): EvidenceRef | undefined {
  return host.modules ? lineAt(s, host.modules.ref, 1, 'br_netfilter is not among the loaded modules') : undefined;
}

export const bridgeNfCallIptablesOff: Rule = {
  id: 'SYS-102',
  slug: 'bridge-nf-call-iptables-off',
  layer: 'system',
  severity: 'critical',
  title: 'br_netfilter not loaded or bridge-nf-call-iptables off',
  needs: ['host.sysctl', 'host.modules', 'cluster.log.<ns>.<flannel pod>.kube-flannel', 'host.journal.k3s'],
  // the sysctl decides either way; the module list alone, or flannel's / k3s's own log finding
  // /proc/sys/net/bridge missing, says br_netfilter is not loaded
  decidesFrom: [['host.sysctl'], ['host.modules'], ['cluster.log.<flannel pod>.kube-flannel'], ['host.journal.k3s']],
  docs: {
    why: 'Pods on flannel are plugged into the cni0 bridge. Frames between two pods on the same node are bridged, not routed, and skip iptables unless br_netfilter is loaded and net.bridge.bridge-nf-call-iptables = 1. Then a pod that reaches a Service whose backend is on the same node gets no DNAT/SNAT and the reply never matches: typically DNS times out only for pods next to a CoreDNS pod. kubeadm stopped checking this in v1.30.',
    fix: 'Load br_netfilter (`modprobe br_netfilter`), set `net.bridge.bridge-nf-call-iptables = 1`, and persist both under /etc/modules-load.d/ and /etc/sysctl.d/.',
  },
  messages: {
    sysctlOff: 'net.bridge.bridge-nf-call-iptables is {value} on node {node}: bridged pod traffic skips iptables',
    moduleMissing: 'br_netfilter is not loaded on node {node}, so bridge-nf-call-iptables does not exist',
    logNoSysctl:
      '{who} on node {node} found no /proc/sys/net/bridge/bridge-nf-call-iptables: br_netfilter is not loaded',
    on: 'net.bridge.bridge-nf-call-iptables is 1 on node {node}',
  },
  explains: PEER_EXPLAINS,
  run(s) {
    const out: Report[] = [];
    for (const { host, subject } of nodeHosts(s, out)) {
      const data = { node: host.node };
      const entry = sysctlEntry(host, KEY);
      let said: ReturnType<typeof lastLogLine>;
      const value = entry?.value.trim();
      if (value === '1') {
        out.push({ status: 'pass', subject, messageId: 'on', data, basis: basisOf(host.sysctl) });
      } else if (entry && value === '0') {
        out.push({
          status: 'fail',
          subject,
          messageId: 'sysctlOff',
          data: { ...data, value },
          evidence: present(sysctlEvidence(s, host, entry, 'bridged frames skip iptables')),
          remediation: REMEDIATION,
        });
      } else if (host.modules && host.modules.value.size > 0 && !host.modules.value.has('br_netfilter')) {
        // an empty module list means the file was not parsed, not that nothing is loaded
        const evidence = present(
          entry ? sysctlEvidence(s, host, entry, 'the sysctl could not be read') : undefined,
          moduleEvidence(s, host),
        );
        out.push({ status: 'fail', subject, messageId: 'moduleMissing', data, evidence, remediation: REMEDIATION });
      } else if (
        !entry &&
        (said = lastLogLine(
          s,
          componentLogs(s, host),
          (l) => NO_BRIDGE_SYSCTL.test(l.raw),
          'the bridge sysctls do not exist: br_netfilter is not loaded',
        ))
      ) {
        const who = said.evidence.path.startsWith('host/journal/') ? 'the k3s/RKE2 service' : 'flannel';
        out.push({
          status: 'fail',
          subject,
          messageId: 'logNoSysctl',
          data: { ...data, who, line: said.line.line },
          evidence: [said.evidence],
          remediation: REMEDIATION,
        });
      } else {
        const modulesUsable = host.modules !== undefined && host.modules.value.size > 0;
        out.push(missingInputs(subject, modulesUsable ? ['host.sysctl'] : ['host.sysctl', 'host.modules']));
      }
    }
    return out;
  },
};
