import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';
import { clusterFiles } from '../lib/host-testing.js';
import { kubeProxyClusterCidrWrong } from './kube-proxy-cluster-cidr-wrong.js';

// the real kubeadm kube-proxy config.conf (fixtures/reference/config, from /work/shared/reference/07 [CM])
const CONF = readFileSync(fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)), 'utf8');
const withConf = (conf: string, nodes = [{ name: 'cp-1', podCIDR: '10.244.0.0/24' }]) =>
  snapshotOf({ node: 'cp-1', files: clusterFiles(nodes, { 'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({ name: 'kube-proxy', data: { 'config.conf': conf } }) }) });
const TWO_NODES = [{ name: 'cp-1', podCIDR: '10.244.0.0/24' }, { name: 'w-1', podCIDR: '10.244.2.0/24' }];

ruleTester(kubeProxyClusterCidrWrong).run({
  valid: [
    { name: 'clusterCIDR 10.244.0.0/16 (real kubeadm config)', snapshot: () => withConf(CONF) },
    // what the pods use is the nodes' podCIDRs: a /23 that holds every one of them is right
    { name: 'clusterCIDR narrower than the pod network but holding every node podCIDR', snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: 10.244.0.0/23')) },
  ],
  invalid: [
    // degraded, not broken: pods outside it are masqueraded when they call a Service
    { name: 'clusterCIDR of another range', snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: 192.168.0.0/16')), findings: [{ status: 'warn', subject: 'configmap:kube-system/kube-proxy', messageId: 'wrong', data: { clusterCIDR: '192.168.0.0/16', outside: '10.244.0.0/24' } }] },
    { name: 'clusterCIDR missing one node\'s podCIDR', snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: 10.244.0.0/23'), TWO_NODES), findings: [{ status: 'warn', subject: 'configmap:kube-system/kube-proxy', messageId: 'wrong', data: { outside: '10.244.2.0/24', where: 'node/w-1' } }] },
    { name: 'clusterCIDR empty', snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: ""')), findings: [{ status: 'warn', subject: 'configmap:kube-system/kube-proxy', messageId: 'unset' }] },
    {
      name: 'kube-proxy ConfigMap not collected while kube-proxy runs: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/daemonsets.json': { items: [{ metadata: { name: 'kube-proxy', namespace: 'kube-system' }, spec: { template: { spec: { containers: [] } } } }] } } }),
      findings: [{ status: 'unknown', subject: 'configmap:kube-system/kube-proxy', missing: ['cluster.configmap.kube-system.kube-proxy'] }],
    },
  ],
});
