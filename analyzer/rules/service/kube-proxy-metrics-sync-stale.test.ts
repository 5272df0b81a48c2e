import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { kubeProxyMetricsSyncStale, STALE_FACTOR } from './kube-proxy-metrics-sync-stale.js';
import { kubeProxyText, proxyBundle, REFUSED } from './kube-proxy-metrics-testing.js';

const LIMIT = STALE_FACTOR * 30;
const one = (text: string | undefined, extra = {}) => snapshotOf(proxyBundle('worker-1', text, extra));
const kubeProxyCm = (syncPeriod: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kube-proxy', namespace: 'kube-system' },
  data: {
    'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ""\niptables:\n  syncPeriod: ${syncPeriod}\n`,
  },
});

ruleTester(kubeProxyMetricsSyncStale).run({
  valid: [
    { name: 'synced one second under the limit', snapshot: () => one(kubeProxyText({ lastSyncAgo: LIMIT - 1 })) },
    // an older collector or no HTTP client on the node: the rule does not apply (the manifest says why)
    { name: 'no metrics snapshot and no failed read: no finding', snapshot: () => one(undefined) },
  ],
  invalid: [
    {
      name: 'pass: synced 12 s before collection',
      snapshot: () => one(kubeProxyText({ lastSyncAgo: 12 })),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'fresh', data: { age: 12 } }],
    },
    {
      name: `last sync exactly ${STALE_FACTOR} x the default syncPeriod (30 s) ago`,
      snapshot: () => one(kubeProxyText({ lastSyncAgo: LIMIT })),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'stale',
          data: { age: LIMIT, limit: LIMIT, from: 'default' },
          cites: ['host/metrics/kube-proxy.prom:3'],
        },
      ],
    },
    {
      name: 'the sync period from the kube-proxy config (1m: limit 120 s)',
      snapshot: () =>
        one(kubeProxyText({ lastSyncAgo: 120 }), {
          'cluster/configmaps/kube-system/kube-proxy.json': kubeProxyCm('1m0s'),
        }),
      findings: [
        { status: 'fail', subject: 'node:worker-1', messageId: 'stale', data: { limit: 120, from: 'config' } },
      ],
    },
    {
      name: 'gauge at 0: never synced since start',
      snapshot: () => one(kubeProxyText({ lastSyncAgo: 'never' })),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'never' }],
    },
    {
      name: 'metrics not collected on a node: unknown',
      snapshot: () => snapshotOf({ ...proxyBundle('worker-1', undefined), extraSources: [REFUSED] }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.kube-proxy-metrics'] }],
    },
    {
      name: 'metrics without the gauge: unknown',
      snapshot: () => one(kubeProxyText({ restoreFailures: 0 })),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          missing: ['host.kube-proxy-metrics#kubeproxy_sync_proxy_rules_last_timestamp_seconds'],
        },
      ],
    },
  ],
});
