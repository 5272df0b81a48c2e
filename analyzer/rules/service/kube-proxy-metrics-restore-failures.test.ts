import { readFileSync } from 'node:fs';
import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { kubeProxyMetricsRestoreFailures } from './kube-proxy-metrics-restore-failures.js';
import { kubeProxyText, proxyBundle, REFUSED } from './kube-proxy-metrics-testing.js';

const one = (text: string | undefined) => snapshotOf(proxyBundle('worker-2', text));
// kube-proxy v1.13.4 (netdata/go.d.plugin testdata): before the counter existed (kubernetes/kubernetes#81210, 1.16)
const v113 = readFileSync(
  new URL('../../../fixtures/reference/metrics/kube-proxy-1.13.4.prom', import.meta.url),
  'utf8',
);

ruleTester(kubeProxyMetricsRestoreFailures).run({
  valid: [{ name: 'no failure', snapshot: () => one(kubeProxyText({ restoreFailures: 0 })) }],
  invalid: [
    {
      name: 'pass at 0',
      snapshot: () => one(kubeProxyText({ restoreFailures: 0 })),
      findings: [{ status: 'pass', subject: 'node:worker-2', messageId: 'none' }],
    },
    {
      name: 'one failure (the threshold)',
      snapshot: () => one(kubeProxyText({ restoreFailures: 1 })),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-2',
          messageId: 'failures',
          data: { failures: 1 },
          cites: ['host/metrics/kube-proxy.prom:2'],
        },
      ],
    },
    {
      name: 'real kube-proxy 1.13 metrics predate the counter: unknown, naming it',
      snapshot: () => one(v113),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-2',
          missing: ['host.kube-proxy-metrics#kubeproxy_sync_proxy_rules_iptables_restore_failures_total'],
        },
      ],
    },
    {
      name: 'not collected: unknown',
      snapshot: () => snapshotOf({ ...proxyBundle('worker-2', undefined), extraSources: [REFUSED] }),
      findings: [{ status: 'unknown', subject: 'node:worker-2', missing: ['host.kube-proxy-metrics'] }],
    },
  ],
});
