// Shared by the kube-proxy metrics rules (SVC-340..SVC-342): each node's kube-proxy metrics
// (host/metrics/kube-proxy.prom, docs/metrics.md), its bundle's collection time, and the sync period
// kube-proxy runs with. Counters and histograms are cumulative since the kube-proxy process started.
import type { Report, Subject } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import type { PromText } from '../../parse/prom-text.js';
import { KUBE_PROXY_METRICS_SOURCE } from '../../model/metrics.js';
import { missingInputs } from '../lib/reports.js';
import { nodeHosts } from '../lib/node-scope.js';
import { proxyDeployment } from './kube-proxy-facts.js';

export interface NodeProxyMetrics {
  readonly host: HostState;
  readonly subject: Subject;
  readonly metrics: Sourced<PromText>;
}

/** the collector tried and could not read it (not: no reader tool, skipped by a flag, or an older collector) */
const attemptFailed = (host: HostState): boolean => {
  const st = host.sources.get(KUBE_PROXY_METRICS_SOURCE)?.status;
  return st === 'failed' || st === 'timeout' || st === 'denied';
};

/**
 * The nodes with kube-proxy metrics. A node without them gets an unknown when the snapshot has metrics
 * of other nodes or the collector's attempt failed there; a snapshot without any metrics snapshot (an
 * older collector, no HTTP client on the node) gets nothing: these rules then do not apply, and the
 * manifest's source record says why. None where kube-proxy is absent.
 */
export function proxyMetricsOf(s: Snapshot, out: Report[]): NodeProxyMetrics[] {
  const hosts = [...s.hosts.values()];
  if (!hosts.some((h) => h.kubeProxyMetrics || attemptFailed(h))) return [];
  const got: NodeProxyMetrics[] = [];
  const absent = proxyDeployment(s)?.style === 'absent';
  for (const { host, subject } of nodeHosts(s, out)) {
    if (host.kubeProxyMetrics) got.push({ host, subject, metrics: host.kubeProxyMetrics });
    else if (!absent) out.push(missingInputs(subject, [KUBE_PROXY_METRICS_SOURCE]));
  }
  return got;
}

/** kube-proxy's default iptables/ipvs syncPeriod (KubeProxyConfiguration v1alpha1) */
export const DEFAULT_SYNC_PERIOD_S = 30;

/** a Go duration (`30s`, `1m0s`, `1h30m`, `500ms`) in seconds; undefined when it is not one */
export function goDurationSeconds(text: string): number | undefined {
  const t = text.trim();
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/.test(t)) return undefined;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g))
    total += Number(m[1]) * (unit[m[2] as string] ?? 0);
  return total;
}

/** the sync period kube-proxy runs with: its config (iptables or ipvs section, by mode), else the default */
export function syncPeriodOf(s: Snapshot): { seconds: number; from: 'config' | 'default' } {
  const cfg = s.cluster.kubeProxyConfig?.value;
  const text = cfg?.mode === 'ipvs' ? cfg.ipvs?.syncPeriod : cfg?.iptables?.syncPeriod;
  const seconds = text === undefined ? undefined : goDurationSeconds(text);
  return seconds !== undefined && seconds > 0
    ? { seconds, from: 'config' }
    : { seconds: DEFAULT_SYNC_PERIOD_S, from: 'default' };
}

/** when this host's bundle was collected (unix seconds), from its manifest */
export function collectedAt(s: Snapshot, host: HostState): number | undefined {
  const at = s.bundles.find((b) => b.id === host.bundle)?.createdAt;
  const ms = at === undefined ? NaN : Date.parse(at);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
