// SVC-302: kube-proxy applies its rules with one iptables-restore per sync. When that fails
// ("Failed to execute iptables-restore" ... "Sync failed" retryingTime="30s") nothing of the sync
// is applied, so the node's Service rules freeze at the last good state. Start-up cleanup errors
// (cleanup.go, stale chains of another mode, 1.11's "iptables-restore for nat" in IPVS mode) are
// noise and do not count. The log may come from a pod (kubectl or /var/log/pods) or a journald
// unit (systemd/snap kube-proxy, k3s, microk8s kubelite): "no errors" needs that log collected.
import type { Report, Rule } from '../types.js';
import type { LogLine } from '../../parse/types.js';
import { lineEvidence } from '../../model/evidence.js';
import { CLUSTER, basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { proxyDeployment, proxyPodsByNode } from './kube-proxy-facts.js';
import { proxyLogs, type ProxyLog } from './kube-proxy-logs.js';
import { cmd, remedy, word } from '../../text/shell.js';

// 1.8-1.20: `Failed to execute iptables-restore: exit status 1 (...)` / `Sync failed; retrying in 30s`
// 1.21+:   `"Failed to execute iptables-restore" err=<...>` / `"Sync failed" retryingTime="30s"`
// 1.12:    `Failed to ensure that nat chain KUBE-SERVICES exists: error creating chain ...`
// 1.23+:   `"Failed to ensure chain jumps" err=<...> table=filter srcChain=INPUT dstChain=...`
// 1.29+ nftables mode: `"nftables sync failed" err="..."` then `"Sync failed" ipFamily="IPv4" retryingTime="30s"`
const SYNC_ERROR =
  /Failed to execute iptables-restore|nftables sync failed|Sync failed|Failed to sync iptables rules|Failed to ensure (chain|rule) exists|Failed to ensure chain jumps|Failed to ensure that (nat|filter) chain \S+ (exists|jumps)|Failed to sync endpoint for service/;
// cleanup of the other mode's leftovers at start-up, logged once, harmless (kubernetes/kubernetes#68447)
const CLEANUP =
  /cleanup\.go|iptables-restore for (nat|filter)|Error removing (pure-)?iptables proxy rule|Error flushing (pure-)?iptables proxy chain/;

export function isSyncError(l: LogLine): boolean {
  return SYNC_ERROR.test(l.raw) && !CLEANUP.test(l.raw);
}

/** the error and the lines iptables-restore printed under it (klog multi-line `err=<` block or the old `(...)` form) */
function errorBlock(log: ProxyLog, line: LogLine): { from: number; to: number } {
  const lines = log.log.value;
  const at = lines.findIndex((l) => l.line === line.line);
  let end = line.line;
  for (let i = at + 1; i < lines.length && i <= at + 6; i++) {
    const l = lines[i];
    if (
      !l ||
      (l.level !== undefined &&
        !/^\s*(>|\)|Error occurred|Try `|exit status|iptables-restore|ip6tables-restore|Warning:)/.test(l.message))
    )
      break;
    end = l.line;
  }
  return { from: line.line, to: end };
}

export const kubeProxySyncErrors: Rule = {
  id: 'SVC-302',
  slug: 'kube-proxy-sync-errors',
  layer: 'service',
  severity: 'critical',
  title: 'kube-proxy fails to sync its rules',
  needs: ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
  decidesFrom: [
    ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.pod-log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.journal.<kube-proxy unit>'],
  ],
  docs: {
    why: "kube-proxy writes all its rules in one iptables-restore transaction per sync. If the transaction fails (an iptables too old for a flag, a chain held by the other backend, a missing kernel module), the whole sync is dropped and retried every 30 s: the node's Service rules stay as they were, so endpoint changes never reach it.",
    fix: 'Read the error under "Failed to execute iptables-restore" (it names the line and the reason), fix the node (iptables version/backend, kernel modules), and restart kube-proxy.',
  },
  messages: {
    errors: 'kube-proxy on node {node} failed to sync its rules {count} times in the collected log',
    clean: 'kube-proxy on node {node} logs no sync errors',
  },
  explains: [
    { rule: 'SVC-303', match: 'same-node' },
    // the same failures as kube-proxy's metrics count them (kube-proxy-metrics-*.ts)
    { rule: 'SVC-340', match: 'same-node' },
    { rule: 'SVC-341', match: 'same-node' },
  ],
  run(s) {
    const logs = proxyLogs(s);
    const byNode = new Map<string, ProxyLog[]>();
    for (const l of logs) {
      const node = l.node ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), l]);
    }
    const out: Report[] = [];
    // nodes whose kube-proxy pod is listed but whose log was not collected: unknown, named
    for (const [node, pods] of proxyPodsByNode(s)) {
      if (!node || byNode.has(node)) continue;
      const p = pods[0];
      if (p)
        out.push(
          missingInputs(nodeSubject(node), [
            `cluster.log.${p.obj.metadata.namespace ?? 'kube-system'}.${p.obj.metadata.name}.kube-proxy`,
          ]),
        );
    }
    for (const [node, list] of [...byNode].sort((a, b) => a[0].localeCompare(b[0]))) {
      const subject = node ? nodeSubject(node) : CLUSTER;
      const hits = list.flatMap((l) => l.log.value.filter(isSyncError).map((line) => ({ l, line })));
      const first = hits[0];
      if (!first) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'clean',
          data: { node: node || 'unknown' },
          basis: basisOf(...list.map((l) => l.log)),
        });
        continue;
      }
      const b = errorBlock(first.l, first.line);
      const ev = lineEvidence(s.files, first.l.log.ref, b.from, b.to, 'the failed sync and its reason');
      const unit = first.l.key.startsWith('journal/') ? first.l.key.slice('journal/'.length).split('@')[0] : undefined;
      out.push({
        status: 'fail',
        subject,
        messageId: 'errors',
        data: { node: node || 'unknown', count: hits.length, line: first.line.line },
        evidence: ev ? [ev] : [],
        remediation: remedy(
          'The quoted error names what iptables-restore rejected; fix that on the node, then restart kube-proxy so it rewrites everything.',
          unit
            ? [
                cmd`journalctl -u ${word('unit', unit)} --no-pager | grep -A6 'Failed to execute iptables-restore'`,
                'iptables --version',
                cmd`systemctl restart ${word('unit', unit)}`,
              ]
            : [
                cmd`kubectl -n kube-system logs ${word('pod', first.l.pod ?? 'kube-proxy')} | grep -A6 'Failed to execute iptables-restore'`,
                'iptables --version',
                cmd`kubectl -n kube-system delete pod ${word('pod', first.l.pod ?? 'kube-proxy')}`,
              ],
        ),
      });
    }
    if (out.length === 0) {
      const d = proxyDeployment(s);
      // nothing to read: a kube-proxy that does not exist has no errors; otherwise its log is missing
      if (d?.style === 'absent') return [];
      return [missingInputs(CLUSTER, ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'])];
    }
    return out;
  },
};
