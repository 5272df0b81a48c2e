import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { familyOf, histogramOf, parsePromText, quantileUpperBound, samplesOf } from './prom-text.js';

const real = (name: string): string =>
  readFileSync(new URL(`../../fixtures/reference/metrics/${name}`, import.meta.url), 'utf8');

describe('parsePromText on real metrics text (fixtures/reference/metrics/PROVENANCE.md)', () => {
  it('CoreDNS 1.7.0: panics, responses by rcode, and the duplicate TYPE of that release', () => {
    const { value, problems } = parsePromText(real('coredns-1.7.0-some-load.prom'));
    expect(samplesOf(value, 'coredns_panics_total')[0]?.value).toBe(0);
    const servfail = samplesOf(value, 'coredns_dns_responses_total', { rcode: 'SERVFAIL' });
    expect(servfail.map((s) => s.value)).toEqual([9, 9, 12, 12]);
    expect(value.families.get('coredns_dns_responses_total')?.type).toBe('counter');
    expect(value.families.get('coredns_build_info')?.help).toContain('labeled by version');
    expect(samplesOf(value, 'coredns_build_info')[0]?.labels).toEqual({
      goversion: 'go1.14.4',
      revision: 'f59c03d',
      version: '1.7.0',
    });
    // the only problems are the second `# TYPE coredns_dns_requests_total`, named by line
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.severity === 'warning' && /second TYPE line/.test(p.message))).toBe(true);
  });

  it('CoreDNS 1.6.9 parses clean', () => {
    const { value, problems } = parsePromText(real('coredns-1.6.9-some-load.prom'));
    expect(problems).toEqual([]);
    expect(samplesOf(value, 'coredns_panic_count_total')[0]?.value).toBe(0);
  });

  it('kube-proxy 1.13.4: a histogram with exponent bounds, summaries with quantile', () => {
    const { value, problems } = parsePromText(real('kube-proxy-1.13.4.prom'));
    expect(problems).toEqual([]);
    const h = histogramOf(value, 'kubeproxy_sync_proxy_rules_latency_microseconds');
    expect(h?.count).toBe(2669);
    expect(h?.sum).toBe(62885705);
    expect(h?.buckets.find((b) => b.le === 1.024e6)?.count).toBe(2669);
    expect(h?.buckets.at(-1)).toEqual({ le: Infinity, count: 2669 });
    // 2534 of 2669 (94.9 %) at or under 32 ms, 2660 (99.66 %) at or under 64 ms
    expect(h && quantileUpperBound(h, 0.9)).toBe(32000);
    expect(h && quantileUpperBound(h, 0.99)).toBe(64000);
    expect(familyOf(value, 'kubeproxy_sync_proxy_rules_latency_microseconds_bucket')?.type).toBe('histogram');
    expect(familyOf(value, 'http_response_size_bytes_sum')?.type).toBe('summary');
    expect(samplesOf(value, 'http_response_size_bytes', { quantile: '0.99' })[0]?.value).toBe(2423);
  });

  it('grep-ed excerpts without HELP/TYPE still parse (coredns/coredns#3498, kubernetes/kubernetes#130200)', () => {
    const fwd = parsePromText(real('coredns-3498-forward.prom'));
    expect(fwd.problems).toEqual([]);
    expect(
      samplesOf(fwd.value, 'coredns_forward_request_duration_seconds_bucket', { to: '100.100.2.136:53' }),
    ).toHaveLength(15);
    const ct = parsePromText(real('kube-proxy-130200-conntrack.prom'));
    expect(ct.problems).toEqual([]);
    expect(
      samplesOf(ct.value, 'kubeproxy_conntrack_reconciler_sync_duration_seconds_bucket', { le: '0.016' })[0],
    ).toMatchObject({ value: 1, labels: { ip_family: 'IPv4', le: '0.016' } });
  });
});

describe('parsePromText: the format', () => {
  it('label escapes, timestamps, NaN and ±Inf, trailing comma, HELP escapes', () => {
    const text = [
      '# HELP x_total a \\\\ help\\nline',
      '# TYPE x_total counter',
      'x_total{path="C:\\\\dir\\\\",msg="say \\"hi\\"\\n",} 3 1700000000000',
      'y NaN',
      'z{a="1"} +Inf',
      'w -Inf',
      'v 1.5e+03',
      '# EOF',
    ].join('\n');
    const { value, problems } = parsePromText(text);
    expect(problems).toEqual([]);
    const [x] = samplesOf(value, 'x_total');
    expect(x).toEqual({
      name: 'x_total',
      labels: { path: 'C:\\dir\\', msg: 'say "hi"\n' },
      value: 3,
      timestamp: 1700000000000,
      line: 3,
    });
    expect(value.families.get('x_total')?.help).toBe('a \\ help\nline');
    expect(Number.isNaN(samplesOf(value, 'y')[0]?.value)).toBe(true);
    expect(samplesOf(value, 'z')[0]?.value).toBe(Infinity);
    expect(samplesOf(value, 'w')[0]?.value).toBe(-Infinity);
    expect(samplesOf(value, 'v')[0]?.value).toBe(1500);
  });

  it('a bad line is a problem with its line number; the rest still loads', () => {
    const text = [
      'ok 1',
      'bad{a="1} 2',
      'bad2{a="x"} two',
      'bad3{a="\\q"} 1',
      'bad4 1 2 3',
      'bad5 1 12.5',
      '{a="1"} 3',
      '# TYPE t sometype',
      't 4',
      'bad6{a="1",a="2"} 1',
      'ok2 5',
    ].join('\n');
    const { value, problems } = parsePromText(text);
    expect(value.samples.map((s) => s.name)).toEqual(['ok', 't', 'ok2']);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 10]);
    expect(value.families.get('t')?.type).toBe('untyped');
  });

  it('is bounded: a line too long and too many labels are refused, named by line', () => {
    const labels = Array.from({ length: 65 }, (_, i) => `l${i}="v"`).join(',');
    const text = [`many{${labels}} 1`, `long{a="${'x'.repeat(70_000)}"} 1`, 'ok 1'].join('\n');
    const { value, problems } = parsePromText(text);
    expect(value.samples.map((s) => s.name)).toEqual(['ok']);
    expect(problems.map((p) => p.line)).toEqual([1, 2]);
  });

  it('histogramOf sums the label sets a dual-stack kube-proxy prints per ip_family', () => {
    const text = [
      '# TYPE h histogram',
      'h_bucket{ip_family="IPv4",le="1"} 1',
      'h_bucket{ip_family="IPv4",le="+Inf"} 2',
      'h_sum{ip_family="IPv4"} 3',
      'h_count{ip_family="IPv4"} 2',
      'h_bucket{ip_family="IPv6",le="1"} 0',
      'h_bucket{ip_family="IPv6",le="+Inf"} 2',
      'h_sum{ip_family="IPv6"} 9',
      'h_count{ip_family="IPv6"} 2',
    ].join('\n');
    const h = histogramOf(parsePromText(text).value, 'h');
    expect(h).toMatchObject({
      count: 4,
      sum: 12,
      buckets: [
        { le: 1, count: 1 },
        { le: Infinity, count: 4 },
      ],
    });
    expect(h && quantileUpperBound(h, 0.25)).toBe(1);
    expect(h && quantileUpperBound(h, 0.5)).toBe(Infinity);
    expect(histogramOf(parsePromText('x 1').value, 'h')).toBeUndefined();
  });
});
