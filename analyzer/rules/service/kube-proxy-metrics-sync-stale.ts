// SVC-340: kube-proxy's last successful sync is old. kube-proxy re-syncs its rules at least every
// syncPeriod (30 s by default) and sets kubeproxy_sync_proxy_rules_last_timestamp_seconds on each
// success; its own /healthz reports unhealthy when that is older than 2 x syncPeriod, and this rule
// draws the same line: age >= STALE_FACTOR x syncPeriod at collection time (the bundle's manifest
// createdAt, the node's own clock; the collector reads the metrics after that instant, so the age is
// if anything under-stated). A gauge at 0 means no sync succeeded since kube-proxy started.
import type { Report, Rule } from '../types.js';
import { lineEvidence } from '../../model/evidence.js';
import { KUBE_PROXY_METRICS_SOURCE, lastSync } from '../../model/metrics.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { collectedAt, proxyMetricsOf, syncPeriodOf } from './kube-proxy-metrics.js';

export const STALE_FACTOR = 2;

export const kubeProxyMetricsSyncStale: Rule = {
  id: 'SVC-340',
  slug: 'kube-proxy-metrics-sync-stale',
  layer: 'service',
  severity: 'critical',
  title: "kube-proxy's last successful rule sync is stale",
  needs: [KUBE_PROXY_METRICS_SOURCE],
  decidesFrom: [[KUBE_PROXY_METRICS_SOURCE]],
  docs: {
    why: "kube-proxy rewrites the node's Service rules at least every syncPeriod (30 s by default) and records each success in kubeproxy_sync_proxy_rules_last_timestamp_seconds. When the last success is older than twice the sync period (the line kube-proxy's own /healthz draws), every sync since has failed or kube-proxy is stuck: Service and endpoint changes are not reaching this node.",
    fix: 'Read the kube-proxy log on the node for the failing sync (SVC-302 quotes it), fix the cause, and restart kube-proxy.',
  },
  messages: {
    stale:
      'kube-proxy on node {node} last synced its rules {age} s before collection (over {limit} s = {factor} x syncPeriod {period} s, {from})',
    never: 'kube-proxy on node {node} has not synced its rules successfully since it started',
    fresh: 'kube-proxy on node {node} synced its rules {age} s before collection',
  },
  explains: [{ rule: 'SVC-303', match: 'same-node' }],
  run(s) {
    const out: Report[] = [];
    const period = syncPeriodOf(s);
    const limit = STALE_FACTOR * period.seconds;
    for (const { host, subject, metrics } of proxyMetricsOf(s, out)) {
      const last = lastSync(metrics.value);
      if (!last) {
        out.push(
          missingInputs(subject, [`${KUBE_PROXY_METRICS_SOURCE}#kubeproxy_sync_proxy_rules_last_timestamp_seconds`]),
        );
        continue;
      }
      const now = collectedAt(s, host);
      if (now === undefined) {
        out.push(missingInputs(subject, ['manifest.createdAt']));
        continue;
      }
      const age = Math.max(0, Math.round(now - last.value));
      if (last.value > 0 && age < limit) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'fresh',
          data: { node: host.node, age },
          basis: basisOf(metrics),
        });
        continue;
      }
      const ev = lineEvidence(s.files, metrics.ref, last.line, last.line, 'last successful sync (unix seconds)');
      out.push({
        status: 'fail',
        subject,
        messageId: last.value > 0 ? 'stale' : 'never',
        data: { node: host.node, age, limit, factor: STALE_FACTOR, period: period.seconds, from: period.from },
        evidence: ev ? [ev] : [],
        remediation: remedy(
          'kube-proxy has not applied its rules for longer than its own health check allows. Its log says why; restart it after fixing the cause.',
          [
            cmd`kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', host.node)} --tail 200`,
            cmd`curl -s http://127.0.0.1:10256/healthz   # on ${word('node', host.node)}`,
            'kubectl -n kube-system rollout restart daemonset kube-proxy',
          ],
        ),
      });
    }
    return out;
  },
};
