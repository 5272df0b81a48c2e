// The metrics snapshot (docs/metrics.md): kube-proxy's :10249/metrics on each node
// (host/metrics/kube-proxy.prom) and each CoreDNS pod's :9153/metrics through the API server's pod
// proxy (cluster/metrics/coredns/<pod>.prom), parsed with analyzer/parse/prom-text.ts, and the
// readings the rules take from them with the metric names of every release that matters:
//   CoreDNS >= 1.11: coredns_proxy_request_duration_seconds{proxy_name="forward",to,rcode},
//                    coredns_proxy_healthcheck_failures_total{proxy_name,to}
//   CoreDNS 1.7-1.10: coredns_forward_requests_total{to}, coredns_forward_responses_total{to,rcode},
//                    coredns_forward_healthcheck_failures_total{to}
//   CoreDNS <= 1.6:  coredns_forward_request_count_total, coredns_forward_response_rcode_count_total,
//                    coredns_forward_healthcheck_failure_count_total, coredns_panic_count_total,
//                    coredns_dns_response_rcode_count_total
// (coredns/coredns:plugin/forward/README.md, plugin/pkg/proxy/metrics.go; fixtures/reference/metrics/).
// Every counter is cumulative since the process started: a reading says "since start", never "now".
import type { BundleReader } from './reader.js';
import type { Sourced } from './types.js';
import {
  histogramOf,
  parsePromText,
  quantileUpperBound,
  samplesOf,
  type PromSample,
  type PromText,
} from '../parse/prom-text.js';

export const KUBE_PROXY_METRICS_PATH = 'host/metrics/kube-proxy.prom';
export const KUBE_PROXY_METRICS_SOURCE = 'host.kube-proxy-metrics';
export const COREDNS_METRICS_SOURCE = 'cluster.metrics.coredns.<pod>';
const COREDNS_METRICS_PATH = /^cluster\/metrics\/coredns\/([^/]+)\.prom$/;
export const corednsMetricsPath = (pod: string): string => `cluster/metrics/coredns/${pod}.prom`;
export const corednsMetricsSourceId = (pod: string): string => `cluster.metrics.coredns.${pod}`;

export function loadKubeProxyMetrics(reader: BundleReader): Sourced<PromText> | undefined {
  return reader.parse(KUBE_PROXY_METRICS_PATH, parsePromText);
}

/** CoreDNS metrics by pod name, each from the bundle that holds it (newest first in `owners`) */
export function loadCorednsMetrics(owners: ReadonlyMap<string, BundleReader>): Map<string, Sourced<PromText>> {
  const out = new Map<string, Sourced<PromText>>();
  for (const [path, reader] of [...owners].sort(([a], [b]) => a.localeCompare(b))) {
    const m = COREDNS_METRICS_PATH.exec(path);
    if (!m) continue;
    const parsed = reader.parse(path, parsePromText);
    if (parsed) out.set(m[1] as string, parsed);
  }
  return out;
}

const sum = (xs: readonly PromSample[]): number => xs.reduce((n, s) => n + s.value, 0);
const firstLine = (xs: readonly PromSample[]): number | undefined =>
  xs.length ? Math.min(...xs.map((s) => s.line)) : undefined;

/** the first of `names` that has samples (a metric renamed between releases) */
function firstPresent(
  t: PromText,
  names: readonly string[],
  where: Readonly<Record<string, string>> = {},
): { name: string; samples: readonly PromSample[] } | undefined {
  for (const name of names) {
    const samples = samplesOf(t, name, where);
    if (samples.length) return { name, samples };
  }
  return undefined;
}

export interface UpstreamReading {
  /** `to` as CoreDNS prints it: `8.8.8.8:53`, `tls://1.1.1.1:853` */
  readonly to: string;
  /** answers by rcode (answered exchanges only: a timed-out query is counted nowhere here) */
  readonly rcodes: ReadonlyMap<string, number>;
  readonly answers: number;
  readonly healthcheckFailures?: number;
  /** lines of the samples read, for evidence */
  readonly lines: readonly number[];
  /** the metric names read (they differ by release) */
  readonly metrics: readonly string[];
}

const NEW_REQ = 'coredns_proxy_request_duration_seconds_count';
const NEW_HC = 'coredns_proxy_healthcheck_failures_total';
const OLD_RESP = ['coredns_forward_responses_total', 'coredns_forward_response_rcode_count_total'];
const OLD_HC = ['coredns_forward_healthcheck_failures_total', 'coredns_forward_healthcheck_failure_count_total'];
const BROKEN = ['coredns_forward_healthcheck_broken_total', 'coredns_forward_healthcheck_broken_count_total'];

/** the forward plugin's per-upstream readings, sorted by `to` */
export function forwardUpstreams(t: PromText): UpstreamReading[] {
  const byTo = new Map<string, { rcodes: Map<string, number>; hc?: number; lines: number[]; metrics: Set<string> }>();
  const entry = (to: string) => {
    let e = byTo.get(to);
    if (!e) byTo.set(to, (e = { rcodes: new Map(), lines: [], metrics: new Set() }));
    return e;
  };
  const answers = [...samplesOf(t, NEW_REQ, { proxy_name: 'forward' }), ...(firstPresent(t, OLD_RESP)?.samples ?? [])];
  for (const s of answers) {
    const to = s.labels.to;
    if (to === undefined) continue;
    const e = entry(to);
    const rc = s.labels.rcode ?? '';
    e.rcodes.set(rc, (e.rcodes.get(rc) ?? 0) + s.value);
    e.lines.push(s.line);
    e.metrics.add(s.name);
  }
  const hc = [...samplesOf(t, NEW_HC, { proxy_name: 'forward' }), ...(firstPresent(t, OLD_HC)?.samples ?? [])];
  for (const s of hc) {
    const to = s.labels.to;
    if (to === undefined) continue;
    const e = entry(to);
    e.hc = (e.hc ?? 0) + s.value;
    e.lines.push(s.line);
    e.metrics.add(s.name);
  }
  return [...byTo]
    .map(([to, e]) => ({
      to,
      rcodes: e.rcodes,
      answers: [...e.rcodes.values()].reduce((a, b) => a + b, 0),
      healthcheckFailures: e.hc,
      lines: [...new Set(e.lines)].sort((a, b) => a - b),
      metrics: [...e.metrics].sort(),
    }))
    .sort((a, b) => a.to.localeCompare(b.to));
}

/** `coredns_forward_healthcheck_broken_total`: times every upstream was down at once */
export function forwardBroken(t: PromText): { value: number; line: number } | undefined {
  const got = firstPresent(t, BROKEN);
  return got && { value: sum(got.samples), line: firstLine(got.samples) as number };
}

/** the upstream's host (for matching the Corefile): `8.8.8.8:53` -> `8.8.8.8`, `[2001:db8::1]:53` -> `2001:db8::1` */
export function upstreamHost(to: string): string {
  const bare = to.replace(/^[a-z]+:\/\//, '');
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(bare);
  if (v6) return v6[1] as string;
  const m = /^([^:]+):\d+$/.exec(bare);
  return m ? (m[1] as string) : bare;
}

/** responses CoreDNS sent its clients, by rcode (all servers and zones) */
export function dnsResponses(
  t: PromText,
): { rcodes: ReadonlyMap<string, number>; total: number; lines: readonly number[]; metric: string } | undefined {
  const got = firstPresent(t, ['coredns_dns_responses_total', 'coredns_dns_response_rcode_count_total']);
  if (!got) return undefined;
  const rcodes = new Map<string, number>();
  for (const s of got.samples) rcodes.set(s.labels.rcode ?? '', (rcodes.get(s.labels.rcode ?? '') ?? 0) + s.value);
  return { rcodes, total: sum(got.samples), lines: got.samples.map((s) => s.line), metric: got.name };
}

export function panics(t: PromText): { value: number; line: number; metric: string } | undefined {
  const got = firstPresent(t, ['coredns_panics_total', 'coredns_panic_count_total']);
  return got && { value: sum(got.samples), line: firstLine(got.samples) as number, metric: got.name };
}

// --- kube-proxy -------------------------------------------------------------------------------

/** iptables-restore failures since kube-proxy started (summed over ip families) */
export function restoreFailures(t: PromText): { value: number; line: number } | undefined {
  const s = samplesOf(t, 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total');
  return s.length ? { value: sum(s), line: firstLine(s) as number } : undefined;
}

/**
 * The last successful sync (unix seconds). A dual-stack kube-proxy may print one per family
 * (kubernetes/kubernetes#116486): the oldest counts, since that family's rules are the stalest.
 */
export function lastSync(t: PromText): { value: number; line: number } | undefined {
  const s = samplesOf(t, 'kubeproxy_sync_proxy_rules_last_timestamp_seconds');
  if (!s.length) return undefined;
  const oldest = s.reduce((a, b) => (b.value < a.value ? b : a));
  return { value: oldest.value, line: oldest.line };
}

export interface LatencyReading {
  /** upper bound of the 99th percentile, seconds (Infinity: beyond the last bucket) */
  readonly p99: number;
  readonly count: number;
  readonly line: number;
  readonly metric: string;
}

function latency(t: PromText, name: string, scale = 1): LatencyReading | undefined {
  const h = histogramOf(t, name);
  if (!h || h.count <= 0) return undefined;
  const q = quantileUpperBound(h, 0.99);
  return q === undefined ? undefined : { p99: q * scale, count: h.count, line: h.line, metric: name };
}

/** how long one sync of the proxy rules takes (kube-proxy <= 1.13 printed microseconds) */
export function syncDuration(t: PromText): LatencyReading | undefined {
  return (
    latency(t, 'kubeproxy_sync_proxy_rules_duration_seconds') ??
    latency(t, 'kubeproxy_sync_proxy_rules_latency_microseconds', 1e-6)
  );
}

/** from an endpoint change in the API to its rules on this node */
export function networkProgramming(t: PromText): LatencyReading | undefined {
  return latency(t, 'kubeproxy_network_programming_duration_seconds');
}
