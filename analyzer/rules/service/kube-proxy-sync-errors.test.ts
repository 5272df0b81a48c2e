import { ruleTester } from '../testing.js';
import { kubeList, nodeJson, podJson, snapshotOf } from '../../model/testing.js';
import { serviceReference } from '../lib/host-testing.js';
import { kubeProxySyncErrors } from './kube-proxy-sync-errors.js';

const proxy = (name: string, node: string) => podJson({ name, namespace: 'kube-system', node, labels: { 'k8s-app': 'kube-proxy' }, hostNetwork: true, containers: [{ name: 'kube-proxy' }] });
const cluster = (logs: Record<string, string>) =>
  snapshotOf({
    node: 'worker-1',
    files: {
      'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' }), nodeJson({ name: 'worker-2' })]),
      'cluster/pods.json': kubeList([proxy('kube-proxy-aaaaa', 'worker-1'), proxy('kube-proxy-bbbbb', 'worker-2')]),
      ...Object.fromEntries(Object.entries(logs).map(([pod, text]) => [`cluster/logs/kube-system/${pod}/kube-proxy.log`, text])),
    },
  });

ruleTester(kubeProxySyncErrors).run({
  valid: [
    {
      name: 'start-up cleanup errors only (real log) are not sync failures',
      snapshot: () => cluster({ 'kube-proxy-aaaaa': serviceReference('kube-proxy-cleanup-errors.log'), 'kube-proxy-bbbbb': serviceReference('kube-proxy-cleanup-errors.log') }),
    },
  ],
  invalid: [
    {
      name: 'iptables-restore fails on worker-2 (real EKS log)',
      snapshot: () => cluster({ 'kube-proxy-aaaaa': serviceReference('kube-proxy-cleanup-errors.log'), 'kube-proxy-bbbbb': serviceReference('kube-proxy-sync-failed.log') }),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'errors', data: { count: 2, line: 1 } }],
    },
    {
      name: 'log of worker-2 not collected: unknown there',
      snapshot: () => cluster({ 'kube-proxy-aaaaa': serviceReference('kube-proxy-cleanup-errors.log') }),
      findings: [{ status: 'unknown', subject: 'node:worker-2', missing: ['cluster.log.kube-system.kube-proxy-bbbbb.kube-proxy'] }],
    },
  ],
});
