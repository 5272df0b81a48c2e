import { readFileSync } from 'node:fs';
import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { kubeProxyMetricsSlowProgramming, PROGRAMMING_SLO_S } from './kube-proxy-metrics-slow-programming.js';
import { kubeProxyText, proxyBundle } from './kube-proxy-metrics-testing.js';

const one = (text: string | undefined) => snapshotOf(proxyBundle('worker-1', text));
const v113 = readFileSync(
  new URL('../../../fixtures/reference/metrics/kube-proxy-1.13.4.prom', import.meta.url),
  'utf8',
);

ruleTester(kubeProxyMetricsSlowProgramming).run({
  valid: [
    {
      // 99 of 100 at or under 29 s, 1 beyond: the p99 bucket is 29 s
      name: 'network programming p99 one bucket under the SLO',
      snapshot: () => one(kubeProxyText({ programming: { '1': 90, '29': 9, '45': 1 }, sync: { '0.016': 100 } })),
    },
    {
      // real v1.13 histogram in microseconds: p99 bucket 64 ms
      name: 'real kube-proxy 1.13 sync latency (microseconds) is fast',
      snapshot: () => one(v113),
    },
  ],
  invalid: [
    {
      name: 'pass',
      snapshot: () => one(kubeProxyText({ programming: { '1': 100 }, sync: { '0.016': 100 } })),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'ok' }],
    },
    {
      name: `network programming p99 exactly at the ${PROGRAMMING_SLO_S} s SLO`,
      snapshot: () => one(kubeProxyText({ programming: { '1': 98, '30': 1, '31': 1 } })),
      findings: [{ status: 'warn', subject: 'node:worker-1', messageId: 'programming', data: { p99: '30' } }],
    },
    {
      name: 'sync p99 at the default sync period (bucket 32.768 s > 30 s)',
      snapshot: () => one(kubeProxyText({ sync: { '0.016': 90, '32.768': 10 } })),
      findings: [{ status: 'warn', subject: 'node:worker-1', messageId: 'sync', data: { p99: '32.768', period: 30 } }],
    },
    {
      name: 'no histogram: unknown',
      snapshot: () => one(kubeProxyText({ restoreFailures: 0 })),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          missing: ['host.kube-proxy-metrics#kubeproxy_sync_proxy_rules_duration_seconds'],
        },
      ],
    },
  ],
});
