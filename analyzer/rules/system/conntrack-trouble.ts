// SYS-106: connection tracking is what makes Service DNAT and pod masquerading work. A full table
// drops new connections at random ("nf_conntrack: table full, dropping packet"); kube-proxy that
// cannot set nf_conntrack_max (read-only /proc/sys in a container) or clean stale UDP entries
// leaves DNS pointing at dead CoreDNS pods.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { LogLine } from '../../parse/types.js';
import { missingInputs, nodeSubject } from '../lib/reports.js';
import { isKubeProxyPod, lastLogLine, PEER_EXPLAINS, podLogs, podsByNode, present, sysctlEntry, sysctlEvidence } from '../lib/host.js';
import { sourceRecordEvidence } from '../lib/manifest.js';

const FULL_RATIO = 0.9;

/** a conntrack error, not kube-proxy's routine "Setting nf_conntrack_max" */
export function isConntrackError(l: LogLine): boolean {
  const text = l.raw;
  if (!/conntrack/i.test(text)) return false;
  if (/table full/i.test(text)) return true;
  return l.level === 'error' || l.level === 'fatal' || /permission denied|read-only file system|not found in \$?PATH|executable file not found/i.test(text);
}

export const conntrackTrouble: Rule = {
  id: 'SYS-106',
  slug: 'conntrack-trouble',
  layer: 'system',
  severity: 'critical',
  title: 'Connection tracking full or failing',
  needs: ['host.sysctl', 'cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
  docs: {
    why: 'Service DNAT and pod masquerading live in the conntrack table. When it is full the kernel drops new connections at random; when kube-proxy cannot set nf_conntrack_max or delete stale UDP entries, DNS keeps going to CoreDNS pods that are gone. Both look like intermittent network failures.',
    fix: 'Raise net.netfilter.nf_conntrack_max (and persist it), find what fills the table (`conntrack -S`, `conntrack -L | head`), and fix what stops kube-proxy from setting it (a read-only /proc/sys, missing privileges).',
  },
  messages: {
    nearFull: 'conntrack table on node {node} is {percent}% full ({count} of {max})',
    logErrors: 'kube-proxy on node {node} reports conntrack errors',
    fine: 'conntrack on node {node} is {percent}% full and kube-proxy reports no conntrack errors',
  },
  explains: [...PEER_EXPLAINS, { rule: 'SVC-302', match: 'same-node' }],
  run(s) {
    const out: Report[] = [];
    const proxies = podsByNode(s, isKubeProxyPod);
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const countE = sysctlEntry(host, 'net.netfilter.nf_conntrack_count');
      const maxE = sysctlEntry(host, 'net.netfilter.nf_conntrack_max');
      const count = Number(countE?.value);
      const max = Number(maxE?.value);
      const haveTable = countE !== undefined && maxE !== undefined && Number.isFinite(count) && Number.isFinite(max) && max > 0;
      const logs = (proxies.get(host.node) ?? []).flatMap((p) => podLogs(s, p, 'kube-proxy'));
      const haveLogs = logs.some((l) => l.log);
      const bad = lastLogLine(s, logs, isConntrackError, 'kube-proxy cannot manage conntrack');
      const percent = haveTable ? Math.round((count / max) * 100) : 0;
      const remediation = {
        explanation: 'Raise the table size now and persist it; see what fills it; let kube-proxy set it (privileged, writable /proc/sys).',
        commands: [
          `sysctl -w net.netfilter.nf_conntrack_max=${Math.max(262144, haveTable ? max * 2 : 262144)}`,
          `echo 'net.netfilter.nf_conntrack_max = ${Math.max(262144, haveTable ? max * 2 : 262144)}' > /etc/sysctl.d/99-conntrack.conf`,
          'conntrack -S',
          `kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${host.node} | grep -i conntrack`,
        ],
      };
      if (haveTable && count / max >= FULL_RATIO && countE && maxE) {
        const evidence = present(sysctlEvidence(s, host, countE, 'entries in use'), sysctlEvidence(s, host, maxE, 'table size'), bad?.evidence);
        out.push({ status: 'fail', subject, messageId: 'nearFull', data: { node: host.node, percent, count, max }, evidence, remediation });
      } else if (bad) {
        // the collector's own `conntrack -S` found no binary either: the manifest record says so
        const rec = host.sources.get('host.conntrack-stats');
        const noBinary = rec?.status === 'absent' && /not found/i.test(rec.stderrTail) ? sourceRecordEvidence(s, host.bundle, 'host.conntrack-stats', 'stderrTail', 'the collector found no conntrack binary on this node either') : undefined;
        const evidence: EvidenceRef[] = present(bad.evidence, noBinary);
        out.push({ status: 'fail', subject, messageId: 'logErrors', data: { node: host.node, line: bad.line.line }, evidence, remediation });
      } else if (!haveTable) {
        out.push(missingInputs(subject, ['host.sysctl', ...(haveLogs ? [] : logs.slice(0, 1).map((l) => l.sourceId))]));
      } else {
        out.push({ status: 'pass', subject, messageId: 'fine', data: { node: host.node, percent } });
      }
    }
    return out;
  },
};
