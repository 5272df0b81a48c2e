// SVC-302: kube-proxy applies its rules with one iptables-restore per sync. When that fails
// ("Failed to execute iptables-restore" ... "Sync failed" retryingTime="30s") nothing of the sync
// is applied, so the node's Service rules freeze at the last good state. Start-up cleanup errors
// (cleanup.go, stale chains of another mode) are noise and do not count.
import type { Report, Rule } from '../types.js';
import type { LogLine } from '../../parse/types.js';
import { lineEvidence } from '../../model/evidence.js';
import { CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { isKubeProxyPod, podLogs, podsByNode } from '../lib/host.js';

const SYNC_ERROR = /Failed to execute iptables-restore|Sync failed|Failed to sync iptables rules|Failed to ensure (chain|rule) exists|Failed to sync endpoint for service/;

export function isSyncError(l: LogLine): boolean {
  return SYNC_ERROR.test(l.raw) && !/cleanup\.go/.test(l.raw);
}

export const kubeProxySyncErrors: Rule = {
  id: 'SVC-302',
  slug: 'kube-proxy-sync-errors',
  layer: 'service',
  severity: 'critical',
  title: 'kube-proxy fails to sync its rules',
  needs: ['cluster.pods', 'cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
  docs: {
    why: 'kube-proxy writes all its rules in one iptables-restore transaction per sync. If the transaction fails (an iptables too old for a flag, a chain held by the other backend, a missing kernel module), the whole sync is dropped and retried every 30 s: the node\'s Service rules stay as they were, so endpoint changes never reach it.',
    fix: 'Read the error under "Failed to execute iptables-restore" (it names the line and the reason), fix the node (iptables version/backend, kernel modules), and restart kube-proxy.',
  },
  messages: {
    errors: 'kube-proxy on node {node} failed to sync its rules {count} times in the collected log',
    clean: 'kube-proxy on node {node} logs no sync errors',
  },
  explains: [{ rule: 'SVC-303', match: 'same-node' }],
  run(s) {
    if (!s.cluster.pods) return [missingInputs(CLUSTER, ['cluster.pods'])];
    const out: Report[] = [];
    for (const [node, pods] of [...podsByNode(s, isKubeProxyPod)].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (!node) continue;
      const subject = nodeSubject(node);
      const logs = pods.flatMap((p) => podLogs(s, p, 'kube-proxy'));
      if (!logs.some((l) => l.log)) {
        out.push(missingInputs(subject, logs.slice(0, 1).map((l) => l.sourceId)));
        continue;
      }
      const hits = logs.flatMap((pl) => (pl.log ? pl.log.value.filter(isSyncError).map((line) => ({ pl, line })) : []));
      const first = hits[0];
      if (!first?.pl.log) {
        out.push({ status: 'pass', subject, messageId: 'clean', data: { node } });
        continue;
      }
      // quote the error with the lines iptables-restore printed under it
      const lines = first.pl.log.value;
      const at = lines.findIndex((l) => l.line === first.line.line);
      let end = first.line.line;
      for (let i = at + 1; i < lines.length && i <= at + 5; i++) {
        const l = lines[i];
        if (!l || l.level !== undefined) break;
        end = l.line;
      }
      const ev = lineEvidence(s.files, first.pl.log.ref, first.line.line, end, 'the failed sync and its reason');
      const pod = pods[0]?.obj.metadata.name ?? 'kube-proxy';
      out.push({
        status: 'fail',
        subject,
        messageId: 'errors',
        data: { node, count: hits.length, line: first.line.line },
        evidence: ev ? [ev] : [],
        remediation: {
          explanation: 'The quoted error names what iptables-restore rejected; fix that on the node, then restart kube-proxy so it rewrites everything.',
          commands: [`kubectl -n kube-system logs ${pod} | grep -A6 'Failed to execute iptables-restore'`, 'iptables --version', `kubectl -n kube-system delete pod ${pod}`],
        },
      });
    }
    return out;
  },
};
