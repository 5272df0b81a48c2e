// Shared by the CoreDNS metrics rules (DNS-420..DNS-423): which CoreDNS pods have a metrics file
// (cluster/metrics/coredns/<pod>.prom, docs/metrics.md) and which do not. Every reading is a counter
// since that CoreDNS process started: the rules say "since start", never "now".
import type { Report, Subject } from '../types.js';
import type { Snapshot, Sourced } from '../../model/types.js';
import type { PromText } from '../../parse/prom-text.js';
import { COREDNS_METRICS_SOURCE, corednsMetricsSourceId } from '../../model/metrics.js';
import { corednsPods, podName } from '../lib/cluster.js';
import { missingInputs } from '../lib/reports.js';

export interface CorednsMetrics {
  readonly pod: string;
  readonly subject: Subject;
  readonly metrics: Sourced<PromText>;
}

export const corednsPodSubject = (pod: string): Subject => ({ kind: 'pod', namespace: 'kube-system', name: pod });

/** a CoreDNS metrics read the collector attempted and that failed (failed, timeout, denied) */
function attemptsFailed(s: Snapshot): boolean {
  return s.bundles.some((b) =>
    (b.manifest?.sources ?? []).some(
      (r) =>
        r.id.startsWith('cluster.metrics.coredns.') &&
        (r.status === 'failed' || r.status === 'timeout' || r.status === 'denied'),
    ),
  );
}

/**
 * The CoreDNS pods with metrics, in name order. A running CoreDNS pod without a metrics file gets an
 * unknown in `out` when the snapshot has metrics of other pods or an attempt failed; a snapshot without
 * any CoreDNS metrics and no failed attempt (an older collector, --no-cluster) gets nothing: these rules
 * then do not apply, and the manifest says why.
 */
export function corednsMetricsOf(s: Snapshot, out: Report[]): CorednsMetrics[] {
  const metrics = s.cluster.corednsMetrics ?? new Map<string, Sourced<PromText>>();
  if (metrics.size === 0 && !attemptsFailed(s)) return [];
  const pods = corednsPods(s).filter((p) => p.obj.status?.phase === 'Running');
  for (const p of pods) {
    if (!metrics.has(podName(p)))
      out.push(missingInputs(corednsPodSubject(podName(p)), [corednsMetricsSourceId(podName(p))]));
  }
  if (metrics.size === 0 && pods.length === 0)
    out.push(missingInputs({ kind: 'cluster', name: '' }, [COREDNS_METRICS_SOURCE]));
  return [...metrics]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([pod, m]) => ({ pod, subject: corednsPodSubject(pod), metrics: m }));
}

/** `8.8.8.8:53 (12 of 40)` style list of the first few items */
export function listOf(items: readonly string[], max = 3): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
