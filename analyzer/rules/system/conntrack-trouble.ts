// SYS-106: connection tracking is what makes Service DNAT and pod masquerading work. A full table
// drops new connections at random ("nf_conntrack: table full, dropping packet"); kube-proxy that
// cannot set nf_conntrack_max (read-only /proc/sys in a container) or clean stale UDP entries
// leaves DNS pointing at dead CoreDNS pods.
import { firstEntry } from '../../model/coverage.js';
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Located, Snapshot } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import type { LogLine } from '../../parse/types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { nodeHosts } from '../lib/node-scope.js';
import {
  isKubeProxyPod,
  lastLogLine,
  lineAt,
  PEER_EXPLAINS,
  podLogs,
  podsByNode,
  present,
  sysctlEntry,
  sysctlEvidence,
  type PodLog,
} from '../lib/host.js';
import { sourceRecordEvidence } from '../lib/manifest.js';
import { cmd, remedy, word } from '../../text/shell.js';

const FULL_RATIO = 0.9;

/** a conntrack error, not kube-proxy's routine "Setting nf_conntrack_max" */
export function isConntrackError(l: LogLine): boolean {
  const text = l.raw;
  if (!/conntrack/i.test(text)) return false;
  if (/table full/i.test(text)) return true;
  return (
    l.level === 'error' ||
    l.level === 'fatal' ||
    /permission denied|read-only file system|not found in \$?PATH|executable file not found/i.test(text)
  );
}

/** journald units that carry kube-proxy's log on a node */
const KUBE_PROXY_UNITS = [
  'kube-proxy',
  'snap.kube-proxy.daemon',
  'snap.microk8s.daemon-kubelite',
  'snap.microk8s.daemon-proxy',
  'k3s',
  'k3s-agent',
];

/** one `conntrack -S` counter summed over the CPUs, with the first line where it is not zero */
export interface ConntrackCounter {
  readonly total: number;
  readonly line?: number;
}

/** `cpu=0 found=9 invalid=567 insert=0 insert_failed=0 drop=0 early_drop=0 ...` (conntrack-tools 1.4.x) */
export function conntrackCounters(text: string): Map<string, ConntrackCounter> {
  const out = new Map<string, ConntrackCounter>();
  text.split('\n').forEach((raw, i) => {
    for (const m of raw.matchAll(/\b([a-z_]+)=(\d+)\b/g)) {
      const [, key, v] = m;
      if (!key || key === 'cpu') continue;
      const n = Number(v);
      const was = out.get(key);
      out.set(key, {
        total: (was?.total ?? 0) + n,
        ...(was?.line !== undefined ? { line: was.line } : n > 0 ? { line: i + 1 } : {}),
      });
    }
  });
  return out;
}

/**
 * The kube-proxy logs of a node: its pods' logs when the pod list is there, else the kube-proxy
 * container logs read from this node itself (`/var/log/pods`, carried in the node's own bundle).
 */
export function kubeProxyLogs(s: Snapshot, host: HostState, pods: readonly Located<Pod>[]): PodLog[] {
  const out = pods.flatMap((p) => podLogs(s, p, 'kube-proxy'));
  if (out.some((l) => l.log)) return out;
  // kube-proxy as a systemd unit or a snap, or embedded in k3s: its journal on this node
  for (const unit of KUBE_PROXY_UNITS) {
    const log = host.journal?.get(unit);
    // a journal holding only `-- No entries --` shows nothing ran under that unit: no evidence
    if (log && firstEntry(log.value)) out.push({ key: `journal/${unit}`, sourceId: `host.journal.${unit}`, log });
  }
  for (const [key, log] of s.cluster.logs) {
    const [ns, pod, container] = key.split('/');
    if (ns !== 'kube-system' || !pod?.startsWith('kube-proxy') || !container?.startsWith('kube-proxy')) continue;
    if (log.ref.bundle === host.bundle || s.hosts.size === 1)
      out.push({ key, sourceId: `cluster.log.${ns}.${pod}.${container}`, log });
  }
  return out;
}

export const conntrackTrouble: Rule = {
  id: 'SYS-106',
  slug: 'conntrack-trouble',
  layer: 'system',
  severity: 'critical',
  title: 'Connection tracking full or failing',
  needs: [
    'host.sysctl',
    'cluster.log.kube-system.<kube-proxy pod>.kube-proxy',
    'host.journal.kube-proxy',
    'host.conntrack-stats',
  ],
  // full or failing from any one of these; "fine" needs the table size AND a log or the counters
  decidesFrom: [['host.sysctl'], ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'], ['host.conntrack-stats']],
  docs: {
    why: 'Service DNAT and pod masquerading live in the conntrack table. When it is full the kernel drops new connections at random (`conntrack -S` counts them as drop/early_drop); when kube-proxy cannot set nf_conntrack_max or delete stale UDP entries, DNS keeps going to CoreDNS pods that are gone; insert_failed counts the UDP race that makes DNS lookups stall for 5 s. All look like intermittent network failures.',
    fix: "Raise net.netfilter.nf_conntrack_max (and persist it), find what fills the table (`conntrack -S`, `conntrack -L | head`), and fix what stops kube-proxy from setting it (a read-only /proc/sys, missing privileges). For insert_failed on DNS, run NodeLocal DNSCache or set `single-request-reopen` in the pods' resolv.conf options.",
  },
  messages: {
    nearFull: 'conntrack table on node {node} is {percent}% full ({count} of {max})',
    logErrors: 'kube-proxy on node {node} reports conntrack errors',
    dropped:
      'conntrack on node {node} dropped {drops} new connections (conntrack -S drop/early_drop): the table has been full',
    insertFailed:
      'conntrack on node {node} failed {count} inserts (conntrack -S insert_failed): the UDP DNAT race that stalls DNS lookups',
    fine: 'conntrack on node {node} is {percent}% full and {what} shows no conntrack errors',
  },
  explains: [...PEER_EXPLAINS, { rule: 'SVC-302', match: 'same-node' }],
  run(s) {
    const out: Report[] = [];
    const proxies = podsByNode(s, isKubeProxyPod);
    for (const { host, subject } of nodeHosts(s, out)) {
      const countE = sysctlEntry(host, 'net.netfilter.nf_conntrack_count');
      const maxE = sysctlEntry(host, 'net.netfilter.nf_conntrack_max');
      const count = Number(countE?.value);
      const max = Number(maxE?.value);
      const haveTable =
        countE !== undefined && maxE !== undefined && Number.isFinite(count) && Number.isFinite(max) && max > 0;
      const logs = kubeProxyLogs(s, host, proxies.get(host.node) ?? []);
      const collected = logs.filter((l) => l.log);
      const bad = lastLogLine(s, logs, isConntrackError, 'kube-proxy cannot manage conntrack');
      const stats = host.conntrackStats;
      const counters = stats ? conntrackCounters(stats.value) : undefined;
      const drop = counters?.get('drop');
      const early = counters?.get('early_drop');
      const insertFailed = counters?.get('insert_failed');
      const drops = (drop?.total ?? 0) + (early?.total ?? 0);
      const percent = haveTable ? Math.round((count / max) * 100) : 0;
      const size = Math.max(262144, haveTable ? max * 2 : 262144);
      // size is a number netsnap computed; only the node name comes from the bundle
      const remediation = remedy(
        'Raise the table size now and persist it; see what fills it; let kube-proxy set it (privileged, writable /proc/sys).',
        [
          cmd`sysctl -w net.netfilter.nf_conntrack_max=${size}`,
          cmd`echo 'net.netfilter.nf_conntrack_max = ${size}' > /etc/sysctl.d/99-conntrack.conf`,
          'conntrack -S',
          cmd`kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', host.node)} | grep -i conntrack`,
        ],
      );
      const statLine = (c: { line?: number } | undefined, note: string): EvidenceRef | undefined =>
        stats && c?.line !== undefined ? lineAt(s, stats.ref, c.line, note) : undefined;
      if (haveTable && count / max >= FULL_RATIO && countE && maxE) {
        const evidence = present(
          sysctlEvidence(s, host, countE, 'entries in use'),
          sysctlEvidence(s, host, maxE, 'table size'),
          bad?.evidence,
        );
        out.push({
          status: 'fail',
          subject,
          messageId: 'nearFull',
          data: { node: host.node, percent, count, max },
          evidence,
          remediation,
        });
      } else if (bad) {
        // the collector's own `conntrack -S` found no binary either: the manifest record says so
        const rec = host.sources.get('host.conntrack-stats');
        const noBinary =
          rec?.status === 'absent' && /not found/i.test(rec.stderrTail)
            ? sourceRecordEvidence(
                s,
                host.bundle,
                'host.conntrack-stats',
                'stderrTail',
                'the collector found no conntrack binary on this node either',
              )
            : undefined;
        const evidence: EvidenceRef[] = present(bad.evidence, noBinary);
        out.push({
          status: 'fail',
          subject,
          messageId: 'logErrors',
          data: { node: host.node, line: bad.line.line },
          evidence,
          remediation,
        });
      } else if (drops > 0) {
        const evidence = present(
          statLine(drop, 'new connections dropped: no room in the table'),
          statLine(early, 'entries evicted early: the table was full'),
          maxE ? sysctlEvidence(s, host, maxE, 'table size') : undefined,
        );
        out.push({
          status: 'fail',
          subject,
          messageId: 'dropped',
          data: { node: host.node, drops },
          evidence,
          remediation,
        });
      } else if (insertFailed && insertFailed.total > 0) {
        const evidence = present(statLine(insertFailed, 'inserts that lost the race'));
        out.push({
          status: 'warn',
          subject,
          messageId: 'insertFailed',
          data: { node: host.node, count: insertFailed.total },
          evidence,
          remediation: {
            explanation:
              "Parallel A/AAAA lookups over one UDP socket race in conntrack DNAT; one reply is lost and the lookup waits 5 s. Run NodeLocal DNSCache, or add `options single-request-reopen` to the pods' dnsConfig.",
            commands: [
              'conntrack -S',
              'kubectl apply -f nodelocaldns.yaml  # https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/',
            ],
          },
        });
      } else if (!haveTable || (collected.length === 0 && !counters)) {
        const missing = [
          ...(haveTable ? [] : ['host.sysctl']),
          ...(collected.length > 0 || counters
            ? []
            : [logs[0]?.sourceId ?? 'cluster.log.kube-system.<kube-proxy pod>.kube-proxy', 'host.conntrack-stats']),
        ];
        out.push(missingInputs(subject, missing));
      } else {
        const what = [collected.length > 0 ? "kube-proxy's log" : '', counters ? 'conntrack -S' : '']
          .filter(Boolean)
          .join(' and ');
        out.push({
          status: 'pass',
          subject,
          messageId: 'fine',
          data: { node: host.node, percent, what },
          basis: basisOf(host.sysctl, stats, ...collected.map((l) => l.log)),
        });
      }
    }
    return out;
  },
};
