// SVC-342: kube-proxy programs Service changes slowly. Two signals, from histograms cumulative since
// kube-proxy started, each read as the upper bound of the bucket holding the 99th percentile (no
// interpolation: the verdict rests on what the buckets say):
//   - kubeproxy_network_programming_duration_seconds (endpoint change in the API -> rules on this
//     node) p99 >= 30 s: the Kubernetes SIG Scalability SLO for in-cluster network programming latency
//     (kubernetes/community sig-scalability/slos/network_programming_latency.md) is p99 <= 30 s;
//   - kubeproxy_sync_proxy_rules_duration_seconds p99 >= the sync period: kube-proxy cannot finish one
//     sync within the interval it is meant to run in, so changes queue behind it.
import type { EvidenceRef, Report, Rule } from '../types.js';
import { lineEvidence } from '../../model/evidence.js';
import { KUBE_PROXY_METRICS_SOURCE, networkProgramming, syncDuration } from '../../model/metrics.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { proxyMetricsOf, syncPeriodOf } from './kube-proxy-metrics.js';

export const PROGRAMMING_SLO_S = 30;
const fmt = (x: number): string => (Number.isFinite(x) ? String(x) : '+Inf');

export const kubeProxyMetricsSlowProgramming: Rule = {
  id: 'SVC-342',
  slug: 'kube-proxy-metrics-slow-programming',
  layer: 'service',
  severity: 'warning',
  title: 'kube-proxy programs Service changes slowly',
  needs: [KUBE_PROXY_METRICS_SOURCE],
  decidesFrom: [[KUBE_PROXY_METRICS_SOURCE]],
  docs: {
    why: 'When a sync takes longer than the sync period, or an endpoint change needs more than 30 s (the Kubernetes network programming SLO, p99) to reach the node, clients keep hitting removed pods and new pods get no traffic for that long. Large rule sets on old iptables (no partial sync), the xtables lock held by another agent, or a slow CPU are the usual reasons. The histograms are cumulative since kube-proxy started.',
    fix: 'Upgrade to a kube-proxy with partial syncs (1.28+), or use the nftables/IPVS mode for large clusters; find what else holds the xtables lock; raise minSyncPeriod to batch changes.',
  },
  messages: {
    programming:
      'kube-proxy on node {node}: 99% of network programming took up to {p99} s (SLO: under {slo} s) since it started',
    sync: 'kube-proxy on node {node}: 99% of rule syncs took up to {p99} s, not under the sync period {period} s, since it started',
    ok: 'kube-proxy on node {node}: rule syncs and network programming within their limits since it started',
  },
  run(s) {
    const out: Report[] = [];
    const period = syncPeriodOf(s);
    for (const { host, subject, metrics } of proxyMetricsOf(s, out)) {
      const prog = networkProgramming(metrics.value);
      const sync = syncDuration(metrics.value);
      if (!prog && !sync) {
        out.push(missingInputs(subject, [`${KUBE_PROXY_METRICS_SOURCE}#kubeproxy_sync_proxy_rules_duration_seconds`]));
        continue;
      }
      const ev = (line: number, note: string): EvidenceRef[] => {
        const e = lineEvidence(s.files, metrics.ref, line, line, note);
        return e ? [e] : [];
      };
      const fix = remedy('Check the kube-proxy version and mode, and what else rewrites iptables on the node.', [
        cmd`kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', host.node)} | grep -i 'took'`,
        'iptables-save | wc -l',
      ]);
      if (prog && prog.p99 >= PROGRAMMING_SLO_S) {
        out.push({
          status: 'warn',
          subject,
          messageId: 'programming',
          data: { node: host.node, p99: fmt(prog.p99), slo: PROGRAMMING_SLO_S },
          evidence: ev(prog.line, 'network programming observations since start'),
          remediation: fix,
        });
        continue;
      }
      if (sync && sync.p99 >= period.seconds) {
        out.push({
          status: 'warn',
          subject,
          messageId: 'sync',
          data: { node: host.node, p99: fmt(sync.p99), period: period.seconds },
          evidence: ev(sync.line, 'rule syncs since start'),
          remediation: fix,
        });
        continue;
      }
      out.push({ status: 'pass', subject, messageId: 'ok', data: { node: host.node }, basis: basisOf(metrics) });
    }
    return out;
  },
};
