import { ruleTester } from '../testing.js';
import { kubeList, nodeJson, podJson, snapshotOf } from '../../model/testing.js';
import { kubeProxyNotRunning } from './kube-proxy-not-running.js';

const proxy = (name: string, node: string, over: { ready?: boolean; waitingReason?: string } = {}) =>
  podJson({ name, namespace: 'kube-system', node, labels: { 'k8s-app': 'kube-proxy' }, hostNetwork: true, containers: [{ name: 'kube-proxy' }], ...over });
const cluster = (pods: object[]) =>
  snapshotOf({ node: 'worker-1', files: { 'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' }), nodeJson({ name: 'worker-2' })]), 'cluster/pods.json': kubeList(pods) } });

ruleTester(kubeProxyNotRunning).run({
  valid: [
    { name: 'running everywhere', snapshot: () => cluster([proxy('kube-proxy-aaaaa', 'worker-1'), proxy('kube-proxy-bbbbb', 'worker-2')]) },
    { name: 'no kube-proxy in the cluster (kube-proxy replacement)', snapshot: () => cluster([]) },
  ],
  invalid: [
    {
      name: 'crash-looping on worker-2',
      snapshot: () => cluster([proxy('kube-proxy-aaaaa', 'worker-1'), proxy('kube-proxy-bbbbb', 'worker-2', { ready: false, waitingReason: 'CrashLoopBackOff' })]),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'notRunning', data: { state: 'CrashLoopBackOff' } }],
    },
    { name: 'no pod on worker-2', snapshot: () => cluster([proxy('kube-proxy-aaaaa', 'worker-1')]), findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'noPod' }] },
    { name: 'no pod list: unknown', snapshot: () => snapshotOf({ node: 'worker-1', files: { 'cluster/nodes.json': kubeList([]) } }), findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.pods'] }] },
  ],
});
