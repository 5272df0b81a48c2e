// The alert rules `netsnap alerts` prints: what the field write-up wanted to watch, with expressions
// that measure it. Two of the write-up's alerts were wrong (see /work/shared/DESIGN.md): its
// "ServiceEndpointsEmpty" watched load-balancer ingress (kube_service_status_load_balancer_ingress),
// not endpoints, and its latency alert read the CoreDNS request-duration histogram as a summary
// ({quantile="0.99"}), which selects nothing. Here: endpoints come from kube-state-metrics'
// kube_endpoint_info / kube_endpoint_address{ready} (or the older *_available gauge with --ksm-legacy),
// latency is histogram_quantile over the _bucket series. Thresholds for CoreDNS follow the
// coredns-mixin (povilasv/coredns-mixin alerts/coredns.libsonnet and forward.libsonnet).
// Each alert names the netsnap rule whose doc is its runbook.

export interface AlertSelectors {
  /** label matchers of the CoreDNS scrape job, e.g. job=~"coredns|kube-dns" */
  readonly coredns: string;
  readonly kubeProxy: string;
  readonly kubeStateMetrics: string;
  /** kube-state-metrics without kube_endpoint_address (it exports kube_endpoint_address_available) */
  readonly ksmLegacy: boolean;
}

export const DEFAULT_SELECTORS: AlertSelectors = {
  coredns: 'job=~"coredns|kube-dns"',
  kubeProxy: 'job="kube-proxy"',
  kubeStateMetrics: 'job="kube-state-metrics"',
  ksmLegacy: false,
};

export interface AlertSpec {
  readonly alert: string;
  /** the netsnap rule whose documentation is the runbook */
  readonly rule: string;
  readonly group: 'netsnap-dns' | 'netsnap-service';
  readonly expr: (s: AlertSelectors) => string;
  readonly for: string;
  readonly severity: 'critical' | 'warning';
  readonly summary: string;
  readonly description: string;
}

export const ALERTS: readonly AlertSpec[] = [
  {
    alert: 'CoreDNSDown',
    rule: 'DNS-401',
    group: 'netsnap-dns',
    expr: (s) => `absent(up{${s.coredns}} == 1)`,
    for: '15m',
    severity: 'critical',
    summary: 'No CoreDNS instance is up (or none is scraped).',
    description: 'Every CoreDNS target is down or has vanished from discovery: cluster DNS fails for every pod.',
  },
  {
    alert: 'CoreDNSLatencyHigh',
    rule: 'DNS-402',
    group: 'netsnap-dns',
    // a histogram: the 99th percentile is histogram_quantile over the rate of its buckets
    expr: (s) =>
      `histogram_quantile(0.99, sum by (server, zone, le) ` +
      `(rate(coredns_dns_request_duration_seconds_bucket{${s.coredns}}[5m]))) > 4`,
    for: '10m',
    severity: 'critical',
    summary: 'CoreDNS p99 latency is above 4 s for server {{ $labels.server }} zone {{ $labels.zone }}.',
    description:
      'Pods see DNS timeouts (the default resolver timeout is 5 s). An upstream that does not answer is the usual cause.',
  },
  {
    alert: 'CoreDNSErrorsHigh',
    rule: 'DNS-402',
    group: 'netsnap-dns',
    // SERVFAIL answers to clients, whatever caused them (an upstream that times out shows here only)
    expr: (s) =>
      `sum(rate(coredns_dns_responses_total{${s.coredns},rcode="SERVFAIL"}[5m]))` +
      ` / sum(rate(coredns_dns_responses_total{${s.coredns}}[5m])) > 0.03`,
    for: '10m',
    severity: 'critical',
    summary: 'CoreDNS answers more than 3% of queries with SERVFAIL.',
    description: 'Pods fail to resolve names; an upstream that does not answer or answers SERVFAIL is the usual cause.',
  },
  {
    alert: 'CoreDNSForwardErrorsHigh',
    rule: 'DNS-402',
    group: 'netsnap-dns',
    // CoreDNS 1.11+ counts forwarded answers in coredns_proxy_request_duration_seconds{proxy_name="forward"};
    // 1.7-1.10 in coredns_forward_responses_total: whichever this CoreDNS exports answers
    expr: (s) =>
      `(sum by (to) (rate(coredns_proxy_request_duration_seconds_count{${s.coredns},proxy_name="forward",rcode="SERVFAIL"}[5m]))` +
      ` / sum by (to) (rate(coredns_proxy_request_duration_seconds_count{${s.coredns},proxy_name="forward"}[5m]))` +
      ` or sum by (to) (rate(coredns_forward_responses_total{${s.coredns},rcode="SERVFAIL"}[5m]))` +
      ` / sum by (to) (rate(coredns_forward_responses_total{${s.coredns}}[5m]))) > 0.03`,
    for: '10m',
    severity: 'critical',
    summary: 'More than 3% of queries forwarded to {{ $labels.to }} end in SERVFAIL.',
    description: 'An upstream CoreDNS forwards to is failing; external names fail to resolve from pods.',
  },
  {
    alert: 'CoreDNSForwardHealthcheckFailing',
    rule: 'DNS-402',
    group: 'netsnap-dns',
    expr: (s) =>
      `sum by (to) (rate(coredns_proxy_healthcheck_failures_total{${s.coredns},proxy_name="forward"}[5m])` +
      ` or rate(coredns_forward_healthcheck_failures_total{${s.coredns}}[5m])) > 0`,
    for: '10m',
    severity: 'warning',
    summary: 'CoreDNS health checks of upstream {{ $labels.to }} keep failing.',
    description: 'The forward plugin marks the upstream down; with every upstream down, forwarding fails.',
  },
  {
    alert: 'CoreDNSPanics',
    rule: 'DNS-401',
    group: 'netsnap-dns',
    expr: (s) => `increase(coredns_panics_total{${s.coredns}}[10m]) > 0`,
    for: '0m',
    severity: 'warning',
    summary: 'CoreDNS {{ $labels.instance }} panicked.',
    description: 'A CoreDNS process recovered from a panic; repeated panics end in restarts and NotReady pods.',
  },
  {
    alert: 'ServiceWithoutReadyEndpoints',
    rule: 'SVC-304',
    group: 'netsnap-service',
    // an Endpoints object with no ready address: kube_endpoint_address has no series for it, so test
    // the object (kube_endpoint_info) against the ready addresses, never "count == 0"
    expr: (s) =>
      s.ksmLegacy
        ? `kube_endpoint_address_available{${s.kubeStateMetrics}} == 0`
        : `kube_endpoint_info{${s.kubeStateMetrics}} unless on (namespace, endpoint) ` +
          `kube_endpoint_address{${s.kubeStateMetrics},ready="true"}`,
    for: '10m',
    severity: 'warning',
    summary: 'Service {{ $labels.namespace }}/{{ $labels.endpoint }} has no ready endpoints.',
    description:
      'Connections to the Service are refused or time out: no pod behind it is Ready, or its selector matches none.',
  },
  {
    alert: 'KubeProxyDown',
    rule: 'SVC-301',
    group: 'netsnap-service',
    expr: (s) => `absent(up{${s.kubeProxy}} == 1)`,
    for: '15m',
    severity: 'critical',
    summary: 'No kube-proxy instance is up (or none is scraped).',
    description: 'Service rules stop following endpoint changes on every node.',
  },
  {
    alert: 'KubeProxySyncStale',
    rule: 'SVC-302',
    group: 'netsnap-service',
    // kube-proxy syncs at least every syncPeriod (30 s by default) and stamps each successful sync
    expr: (s) => `time() - kubeproxy_sync_proxy_rules_last_timestamp_seconds{${s.kubeProxy}} > 900`,
    for: '5m',
    severity: 'critical',
    summary: 'kube-proxy on {{ $labels.instance }} has not synced its rules for 15 minutes.',
    description: 'The node keeps stale Service rules: new endpoints are not reachable through it, old ones still are.',
  },
  {
    alert: 'KubeProxyRestoreFailures',
    rule: 'SVC-302',
    group: 'netsnap-service',
    expr: (s) => `increase(kubeproxy_sync_proxy_rules_iptables_restore_failures_total{${s.kubeProxy}}[10m]) > 0`,
    for: '0m',
    severity: 'warning',
    summary: 'kube-proxy on {{ $labels.instance }} fails to apply its iptables rules.',
    description: 'iptables-restore is failing; the rules on the node stop tracking Services and endpoints.',
  },
];
