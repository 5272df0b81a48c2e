import { ruleTester } from '../testing.js';
import { kubeList, nodeJson, podJson, snapshotOf } from '../../model/testing.js';
import { flannelConfigMap } from '../lib/host-testing.js';
import { flannelPodNotRunning } from './flannel-pod-not-running.js';

const flannel = (name: string, node: string, over: { ready?: boolean; waitingReason?: string; restarts?: number } = {}) =>
  podJson({ name, namespace: 'kube-flannel', node, labels: { app: 'flannel', 'k8s-app': 'flannel' }, hostNetwork: true, containers: [{ name: 'kube-flannel' }], ...over });
const nodes = kubeList([nodeJson({ name: 'worker-1', podCIDR: '10.244.1.0/24' }), nodeJson({ name: 'worker-2', podCIDR: null })]);
// real flanneld lines (/work/shared/reference/02 section 3), node name adapted
const LOG = [
  'I0512 10:09:46.300000       1 main.go:211] CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network}',
  'E0512 10:09:46.409247       1 main.go:317] Error registering network: failed to acquire lease: node "worker-2" pod cidr not assigned',
  'I0512 10:09:46.409300       1 main.go:435] Stopping shutdownHandler...',
].join('\n');

const cluster = (pods: object[], extra: Record<string, string | object> = {}) =>
  snapshotOf({
    node: 'worker-1',
    files: { 'cluster/nodes.json': nodes, 'cluster/pods.json': kubeList(pods), 'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': flannelConfigMap(), ...extra },
  });

ruleTester(flannelPodNotRunning).run({
  valid: [
    { name: 'flannel running on both nodes', snapshot: () => cluster([flannel('kube-flannel-ds-aaaaa', 'worker-1'), flannel('kube-flannel-ds-bbbbb', 'worker-2')]) },
    { name: 'a cluster without flannel', snapshot: () => snapshotOf({ node: 'worker-1', files: { 'cluster/nodes.json': nodes, 'cluster/pods.json': kubeList([]) } }) },
  ],
  invalid: [
    {
      name: 'crash-looping on worker-2, reason quoted from the previous log',
      snapshot: () =>
        cluster([flannel('kube-flannel-ds-aaaaa', 'worker-1'), flannel('kube-flannel-ds-bbbbb', 'worker-2', { ready: false, waitingReason: 'CrashLoopBackOff', restarts: 7 })], {
          'cluster/logs/kube-flannel/kube-flannel-ds-bbbbb/kube-flannel.previous.log': `${LOG}\n`,
        }),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'notRunning', data: { state: 'CrashLoopBackOff', reason: 'Error registering network: failed to acquire lease: node "worker-2" pod cidr not assigned' } }],
    },
    {
      name: 'no flannel pod on worker-2',
      snapshot: () => cluster([flannel('kube-flannel-ds-aaaaa', 'worker-1')]),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'noPod' }],
    },
    { name: 'no pod list: unknown', snapshot: () => snapshotOf({ node: 'worker-1', files: { 'cluster/nodes.json': nodes } }), findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.pods'] }] },
  ],
});
