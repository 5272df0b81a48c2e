import { describe, expect, it } from 'vitest';
import { snapshotOf } from './testing.js';
import {
  forwardBroken,
  forwardUpstreams,
  lastSync,
  networkProgramming,
  syncDuration,
  upstreamHost,
} from './metrics.js';
import { parsePromText } from '../parse/prom-text.js';

describe('metrics in the snapshot', () => {
  it('loads kube-proxy metrics per host and CoreDNS metrics per pod, a bad line a LoadProblem with file and line', () => {
    const s = snapshotOf({
      node: 'worker-1',
      files: {
        'host/metrics/kube-proxy.prom': 'kubeproxy_sync_proxy_rules_last_timestamp_seconds 1.7e+09\nbroken{a="1} 2\n',
        'cluster/metrics/coredns/coredns-abc.prom': 'coredns_panics_total 0\n',
      },
    });
    expect(s.hosts.get('worker-1')?.kubeProxyMetrics?.value.samples).toHaveLength(1);
    expect(s.cluster.corednsMetrics?.get('coredns-abc')?.ref.path).toBe('cluster/metrics/coredns/coredns-abc.prom');
    expect(s.problems.filter((p) => p.file === 'host/metrics/kube-proxy.prom').map((p) => p.line)).toEqual([2]);
  });

  it('reads per-upstream forward readings of CoreDNS 1.11 and 1.8 alike', () => {
    const v111 = parsePromText(
      [
        'coredns_proxy_request_duration_seconds_count{proxy_name="forward",rcode="NOERROR",to="8.8.8.8:53"} 10',
        'coredns_proxy_request_duration_seconds_count{proxy_name="forward",rcode="SERVFAIL",to="8.8.8.8:53"} 2',
        'coredns_proxy_request_duration_seconds_count{proxy_name="grpc",rcode="NOERROR",to="9.9.9.9:53"} 5',
        'coredns_proxy_healthcheck_failures_total{proxy_name="forward",to="1.1.1.1:53"} 4',
        'coredns_forward_healthcheck_broken_total 0',
      ].join('\n'),
    ).value;
    expect(forwardUpstreams(v111).map((u) => [u.to, u.answers, u.healthcheckFailures])).toEqual([
      ['1.1.1.1:53', 0, 4],
      ['8.8.8.8:53', 12, undefined],
    ]);
    expect(forwardBroken(v111)?.value).toBe(0);
    const v18 = parsePromText('coredns_forward_responses_total{rcode="REFUSED",to="10.0.0.2:53"} 3\n').value;
    expect(forwardUpstreams(v18)[0]?.rcodes.get('REFUSED')).toBe(3);
  });

  it('upstreamHost strips scheme, port and IPv6 brackets', () => {
    expect(upstreamHost('8.8.8.8:53')).toBe('8.8.8.8');
    expect(upstreamHost('tls://1.1.1.1:853')).toBe('1.1.1.1');
    expect(upstreamHost('[2001:db8::1]:53')).toBe('2001:db8::1');
  });

  it('kube-proxy: the oldest last sync of a dual-stack proxy, latency p99 in seconds (1.13 microseconds too)', () => {
    const t = parsePromText(
      [
        'kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family="IPv4"} 1700000100',
        'kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family="IPv6"} 1700000000',
        'kubeproxy_network_programming_duration_seconds_bucket{le="1"} 99',
        'kubeproxy_network_programming_duration_seconds_bucket{le="+Inf"} 100',
        'kubeproxy_network_programming_duration_seconds_count 100',
      ].join('\n'),
    ).value;
    expect(lastSync(t)?.value).toBe(1700000000);
    expect(networkProgramming(t)?.p99).toBe(1);
    const old = parsePromText(
      [
        'kubeproxy_sync_proxy_rules_latency_microseconds_bucket{le="64000"} 100',
        'kubeproxy_sync_proxy_rules_latency_microseconds_bucket{le="+Inf"} 100',
        'kubeproxy_sync_proxy_rules_latency_microseconds_count 100',
      ].join('\n'),
    ).value;
    expect(syncDuration(old)?.p99).toBeCloseTo(0.064);
  });
});
