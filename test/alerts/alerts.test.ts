// `netsnap alerts` checked by the real Prometheus tool: `promtool check rules` on both output forms,
// and `promtool test rules` feeding series to every alert: each fires on the failure it is for (with
// the labels and expanded annotations a receiver sees) and stays quiet on a healthy control. Two
// promql_expr_test cases show why the field write-up's own alerts were wrong.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ALERTS } from '../../analyzer/alerts/catalog.js';
import { checkSelector, renderAlerts, ruleGroups } from '../../analyzer/alerts/render.js';
import { allRules } from '../../analyzer/rules/catalog.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
if (!hasPromtool) console.warn('skipping the promtool checks: promtool (Debian package prometheus) is not installed');

const dir = mkdtempSync(join(tmpdir(), 'netsnap-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const KSM = { job: 'kube-state-metrics' };
const DNS = { job: 'coredns' };
const KP = { job: 'kube-proxy' };
const series = (name: string, labels: Record<string, string>, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`,
  values,
});

/** the labels and expanded annotations promtool reports for `alert` firing on a series with `labels` */
function firing(alert: string, labels: Record<string, string>) {
  const a = ALERTS.find((x) => x.alert === alert);
  if (!a) throw new Error(`no alert ${alert}`);
  const expand = (t: string) => t.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k: string) => labels[k] ?? '');
  return {
    exp_labels: { ...labels, severity: a.severity, netsnap_rule: a.rule },
    exp_annotations: {
      summary: expand(a.summary),
      description: expand(a.description),
      runbook_url: `docs/rules.md#${a.rule.toLowerCase()}`,
    },
  };
}

const ruleFile = (name: string, opts: Parameters<typeof renderAlerts>[1] = {}) => {
  writeFileSync(join(dir, name), renderAlerts('rules', opts));
  return name;
};

describe('the alert catalog', () => {
  it('every alert names an existing netsnap rule and a unique name per group', () => {
    const ids = new Set(allRules.map((r) => r.id));
    for (const a of ALERTS) expect(ids.has(a.rule), `${a.alert} → ${a.rule}`).toBe(true);
    for (const g of ruleGroups()) {
      const names = g.rules.map((r) => String(r.alert));
      expect(new Set(names).size, g.name).toBe(names.length);
    }
  });

  it('the PrometheusRule wraps the same groups, with metadata and labels', () => {
    const doc = parse(renderAlerts('prometheusrule', { namespace: 'obs', labels: { release: 'prom' } })) as {
      kind: string;
      metadata: { namespace: string; labels: Record<string, string> };
      spec: { groups: unknown };
    };
    expect(doc.kind).toBe('PrometheusRule');
    expect(doc.metadata.namespace).toBe('obs');
    expect(doc.metadata.labels.release).toBe('prom');
    expect(doc.spec.groups).toEqual(ruleGroups());
  });

  it('selectors must be label matchers (they are written into every expression)', () => {
    expect(checkSelector('job="coredns"')).toBeUndefined();
    expect(checkSelector('job=~"coredns|kube-dns", namespace="kube-system"')).toBeUndefined();
    expect(checkSelector('job="x"} or vector(1) # ')).toMatch(/not a label matcher/);
    expect(checkSelector('job=coredns')).toMatch(/not a label matcher/);
    expect(checkSelector('')).toMatch(/not a label matcher/);
  });
});

describe.skipIf(!hasPromtool)('promtool', () => {
  it('check rules passes on the rule file and on the PrometheusRule spec, default and legacy', () => {
    const files = [ruleFile('rules.yaml'), ruleFile('legacy.yaml', { selectors: { ksmLegacy: true } })];
    const spec = parse(renderAlerts('prometheusrule')) as { spec: unknown };
    writeFileSync(join(dir, 'spec.yaml'), stringify(spec.spec));
    files.push('spec.yaml');
    const r = promtool('check', 'rules', ...files);
    expect(r.out).toContain('SUCCESS: 10 rules found');
    expect(r.status, r.out).toBe(0);
  });

  it('check rules rejects a broken expression (the control: promtool does read our files)', () => {
    writeFileSync(
      join(dir, 'broken.yaml'),
      stringify({ groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'up{' }] }] }),
    );
    expect(promtool('check', 'rules', 'broken.yaml').status).not.toBe(0);
  });

  it('test rules: each alert fires on its failure and not on the healthy control', () => {
    ruleFile('rules.yaml');
    ruleFile('legacy.yaml', { selectors: { ksmLegacy: true } });
    const web = { ...KSM, namespace: 'default', endpoint: 'web' };
    const api = { ...KSM, namespace: 'default', endpoint: 'api' };
    const up = (ts: string) => [series('kube_endpoint_info', web, ts), series('kube_endpoint_info', api, ts)];
    const to = { to: '233.5.5.5:53' };
    const tests = [
      {
        // web has only a not-ready address, api a ready one
        interval: '1m',
        input_series: [
          ...up('1x30'),
          series('kube_endpoint_address', { ...web, ip: '10.244.1.6', ready: 'false' }, '1x30'),
          series('kube_endpoint_address', { ...api, ip: '10.244.1.5', ready: 'true' }, '1x30'),
        ],
        alert_rule_test: [
          {
            eval_time: '15m',
            alertname: 'ServiceWithoutReadyEndpoints',
            exp_alerts: [firing('ServiceWithoutReadyEndpoints', web)],
          },
        ],
        // the write-up's ServiceEndpointsEmpty watched load-balancer ingress: nothing here to see
        promql_expr_test: [
          { expr: 'kube_service_status_load_balancer_ingress == 0', eval_time: '15m', exp_samples: [] },
        ],
      },
      {
        interval: '1m',
        input_series: [
          series('up', { ...DNS, instance: 'a' }, '0x30'),
          series('coredns_panics_total', { ...DNS, instance: 'a' }, '0x10 1x20'),
          series('coredns_dns_responses_total', { ...DNS, rcode: 'SERVFAIL' }, '0+10x30'),
          series('coredns_dns_responses_total', { ...DNS, rcode: 'NOERROR' }, '0+10x30'),
          // CoreDNS 1.11+ forward metrics
          series(
            'coredns_proxy_request_duration_seconds_count',
            { ...DNS, proxy_name: 'forward', ...to, rcode: 'SERVFAIL' },
            '0+10x30',
          ),
          series(
            'coredns_proxy_request_duration_seconds_count',
            { ...DNS, proxy_name: 'forward', ...to, rcode: 'NOERROR' },
            '0+10x30',
          ),
          series('coredns_proxy_healthcheck_failures_total', { ...DNS, proxy_name: 'forward', ...to }, '0+2x30'),
          // a histogram whose observations all took 4-8 s
          ...['0.5', '4', '8', '+Inf'].map((le) =>
            series(
              'coredns_dns_request_duration_seconds_bucket',
              { ...DNS, server: 'dns://:53', zone: '.', le },
              le === '0.5' || le === '4' ? '0x30' : '0+10x30',
            ),
          ),
        ],
        alert_rule_test: [
          { eval_time: '20m', alertname: 'CoreDNSDown', exp_alerts: [firing('CoreDNSDown', {})] },
          {
            eval_time: '12m',
            alertname: 'CoreDNSPanics',
            exp_alerts: [firing('CoreDNSPanics', { ...DNS, instance: 'a' })],
          },
          { eval_time: '20m', alertname: 'CoreDNSErrorsHigh', exp_alerts: [firing('CoreDNSErrorsHigh', {})] },
          {
            eval_time: '20m',
            alertname: 'CoreDNSForwardErrorsHigh',
            exp_alerts: [firing('CoreDNSForwardErrorsHigh', to)],
          },
          {
            eval_time: '20m',
            alertname: 'CoreDNSForwardHealthcheckFailing',
            exp_alerts: [firing('CoreDNSForwardHealthcheckFailing', to)],
          },
          {
            eval_time: '20m',
            alertname: 'CoreDNSLatencyHigh',
            exp_alerts: [firing('CoreDNSLatencyHigh', { server: 'dns://:53', zone: '.' })],
          },
        ],
        // the write-up read the histogram as a summary: that selector matches no series at all
        promql_expr_test: [
          { expr: 'coredns_dns_request_duration_seconds{quantile="0.99"}', eval_time: '20m', exp_samples: [] },
        ],
      },
      {
        // CoreDNS 1.7-1.10 forward metrics; healthy: up, no panics, answers fast and NOERROR
        interval: '1m',
        input_series: [
          series('up', { ...DNS, instance: 'a' }, '1x30'),
          series('coredns_panics_total', { ...DNS, instance: 'a' }, '0x30'),
          series('coredns_forward_responses_total', { ...DNS, ...to, rcode: 'SERVFAIL' }, '0+10x30'),
          series('coredns_forward_responses_total', { ...DNS, ...to, rcode: 'NOERROR' }, '0+10x30'),
          series('coredns_dns_responses_total', { ...DNS, rcode: 'NOERROR' }, '0+10x30'),
          ...['0.5', '4', '8', '+Inf'].map((le) =>
            series(
              'coredns_dns_request_duration_seconds_bucket',
              { ...DNS, server: 'dns://:53', zone: '.', le },
              '0+10x30',
            ),
          ),
        ],
        alert_rule_test: [
          {
            eval_time: '20m',
            alertname: 'CoreDNSForwardErrorsHigh',
            exp_alerts: [firing('CoreDNSForwardErrorsHigh', to)],
          },
          { eval_time: '20m', alertname: 'CoreDNSDown', exp_alerts: [] },
          { eval_time: '20m', alertname: 'CoreDNSPanics', exp_alerts: [] },
          { eval_time: '20m', alertname: 'CoreDNSErrorsHigh', exp_alerts: [] },
          { eval_time: '20m', alertname: 'CoreDNSLatencyHigh', exp_alerts: [] },
          { eval_time: '20m', alertname: 'CoreDNSForwardHealthcheckFailing', exp_alerts: [] },
        ],
      },
      {
        // kube-proxy: n1 stopped syncing at t=0, n2 syncs every minute; n3's last sync is exactly
        // 900 s old at 15m (the threshold is "more than 900 s")
        interval: '1m',
        input_series: [
          series('up', { ...KP, instance: 'n1' }, '1x40'),
          series('kubeproxy_sync_proxy_rules_last_timestamp_seconds', { ...KP, instance: 'n1' }, '0x40'),
          series('kubeproxy_sync_proxy_rules_last_timestamp_seconds', { ...KP, instance: 'n2' }, '0+60x40'),
          series('kubeproxy_sync_proxy_rules_last_timestamp_seconds', { ...KP, instance: 'n3' }, '0+60x10 600x30'),
          series(
            'kubeproxy_sync_proxy_rules_iptables_restore_failures_total',
            { ...KP, instance: 'n1' },
            '0x10 1+1x30',
          ),
          series('kubeproxy_sync_proxy_rules_iptables_restore_failures_total', { ...KP, instance: 'n2' }, '0x40'),
        ],
        alert_rule_test: [
          {
            // n3's last sync is exactly 900 s old at 25m: not yet "more than 900 s"
            eval_time: '25m',
            alertname: 'KubeProxySyncStale',
            exp_alerts: [firing('KubeProxySyncStale', { ...KP, instance: 'n1' })],
          },
          {
            eval_time: '31m',
            alertname: 'KubeProxySyncStale',
            exp_alerts: [
              firing('KubeProxySyncStale', { ...KP, instance: 'n1' }),
              firing('KubeProxySyncStale', { ...KP, instance: 'n3' }),
            ],
          },
          {
            eval_time: '21m',
            alertname: 'KubeProxySyncStale',
            exp_alerts: [firing('KubeProxySyncStale', { ...KP, instance: 'n1' })],
          },
          { eval_time: '20m', alertname: 'KubeProxyDown', exp_alerts: [] },
          {
            eval_time: '15m',
            alertname: 'KubeProxyRestoreFailures',
            exp_alerts: [firing('KubeProxyRestoreFailures', { ...KP, instance: 'n1' })],
          },
        ],
        promql_expr_test: [
          {
            expr: 'time() - kubeproxy_sync_proxy_rules_last_timestamp_seconds{instance="n3"}',
            eval_time: '25m',
            exp_samples: [
              {
                labels: '{instance="n3",job="kube-proxy"}',
                value: 900,
              },
            ],
          },
        ],
      },
      {
        interval: '1m',
        input_series: [],
        alert_rule_test: [{ eval_time: '20m', alertname: 'KubeProxyDown', exp_alerts: [firing('KubeProxyDown', {})] }],
      },
    ];
    writeFileSync(join(dir, 'tests.yaml'), stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
    const r = promtool('test', 'rules', 'tests.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.status, r.out).toBe(0);
  });

  it('test rules: the legacy kube-state-metrics form fires on an endpoint with no available address', () => {
    const web = { ...KSM, namespace: 'default', endpoint: 'web' };
    const api = { ...KSM, namespace: 'default', endpoint: 'api' };
    const tests = [
      {
        interval: '1m',
        input_series: [
          series('kube_endpoint_address_available', web, '0x30'),
          series('kube_endpoint_address_available', api, '2x30'),
        ],
        alert_rule_test: [
          {
            eval_time: '15m',
            alertname: 'ServiceWithoutReadyEndpoints',
            exp_alerts: [firing('ServiceWithoutReadyEndpoints', web)],
          },
        ],
      },
    ];
    writeFileSync(
      join(dir, 'legacy-tests.yaml'),
      stringify({ rule_files: ['legacy.yaml'], evaluation_interval: '1m', tests }),
    );
    const r = promtool('test', 'rules', 'legacy-tests.yaml');
    expect(r.status, r.out).toBe(0);
  });

  it('test rules fails when an alert is expected that the rules do not raise (the control)', () => {
    const tests = [
      {
        interval: '1m',
        input_series: [series('up', { ...DNS, instance: 'a' }, '1x30')],
        alert_rule_test: [{ eval_time: '20m', alertname: 'CoreDNSDown', exp_alerts: [firing('CoreDNSDown', {})] }],
      },
    ];
    writeFileSync(
      join(dir, 'control.yaml'),
      stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }),
    );
    expect(promtool('test', 'rules', 'control.yaml').status).not.toBe(0);
  });
});
