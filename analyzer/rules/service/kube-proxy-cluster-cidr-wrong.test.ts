import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';
import { clusterFiles } from '../lib/host-testing.js';
import { kubeProxyClusterCidrWrong } from './kube-proxy-cluster-cidr-wrong.js';

// the real kubeadm kube-proxy config.conf (fixtures/reference/config, from /work/shared/reference/07 [CM])
const CONF = readFileSync(fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)), 'utf8');
const withConf = (conf: string) =>
  snapshotOf({ node: 'cp-1', files: clusterFiles([{ name: 'cp-1', podCIDR: '10.244.0.0/24' }], { 'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({ name: 'kube-proxy', data: { 'config.conf': conf } }) }) });

ruleTester(kubeProxyClusterCidrWrong).run({
  valid: [{ name: 'clusterCIDR 10.244.0.0/16 (real kubeadm config)', snapshot: () => withConf(CONF) }],
  invalid: [
    { name: 'clusterCIDR of another range', snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: 192.168.0.0/16')), findings: [{ status: 'fail', subject: 'configmap:kube-system/kube-proxy', messageId: 'wrong', data: { clusterCIDR: '192.168.0.0/16' } }] },
    { name: 'clusterCIDR empty', snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: ""')), findings: [{ status: 'warn', subject: 'configmap:kube-system/kube-proxy', messageId: 'unset' }] },
    {
      name: 'kube-proxy ConfigMap not collected while kube-proxy runs: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/daemonsets.json': { items: [{ metadata: { name: 'kube-proxy', namespace: 'kube-system' }, spec: { template: { spec: { containers: [] } } } }] } } }),
      findings: [{ status: 'unknown', subject: 'configmap:kube-system/kube-proxy', missing: ['cluster.configmap.kube-system.kube-proxy'] }],
    },
  ],
});
