import { ruleTester } from '../testing.js';
import { daemonSetJson, kubeList, nodeJson, podJson, snapshotOf, sourceRecord } from '../../model/testing.js';
import { flannelConfigMap } from '../lib/host-testing.js';
import { flannelPodNotRunning } from './flannel-pod-not-running.js';

const flannel = (
  name: string,
  node: string,
  over: { ready?: boolean; waitingReason?: string; restarts?: number } = {},
) =>
  podJson({
    name,
    namespace: 'kube-flannel',
    node,
    labels: { app: 'flannel', 'k8s-app': 'flannel' },
    hostNetwork: true,
    containers: [{ name: 'kube-flannel' }],
    ...over,
  });
const nodes = kubeList([
  nodeJson({ name: 'worker-1', podCIDR: '10.244.1.0/24' }),
  nodeJson({ name: 'worker-2', podCIDR: null }),
]);
// real flanneld lines (/work/shared/reference/02 section 3), node name adapted
const LOG = [
  'I0512 10:09:46.300000       1 main.go:211] CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network}',
  'E0512 10:09:46.409247       1 main.go:317] Error registering network: failed to acquire lease: node "worker-2" pod cidr not assigned',
  'I0512 10:09:46.409300       1 main.go:435] Stopping shutdownHandler...',
].join('\n');

const cluster = (pods: object[], extra: Record<string, string | object> = {}) =>
  snapshotOf({
    node: 'worker-1',
    files: {
      'cluster/nodes.json': nodes,
      'cluster/pods.json': kubeList(pods),
      'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': flannelConfigMap(),
      ...extra,
    },
  });

// k3s: no flannel pod, the Node objects carry the annotations the embedded flannel writes
const k3sNode = (name: string, annotated = true) => ({
  ...(nodeJson({ name, podCIDR: '10.42.0.0/24' }) as Record<string, unknown>),
  metadata: {
    name,
    annotations: annotated
      ? {
          'flannel.alpha.coreos.com/backend-type': 'vxlan',
          'flannel.alpha.coreos.com/public-ip': '10.0.0.5',
          'k3s.io/node-args': '["server"]',
        }
      : { 'k3s.io/node-args': '["agent"]' },
  },
  status: { nodeInfo: { kubeletVersion: 'v1.28.4+k3s2' } },
});
const k3s = (...n: object[]) =>
  snapshotOf({
    node: 'k3s-1',
    files: {
      'cluster/nodes.json': kubeList(n),
      'cluster/pods.json': kubeList([
        podJson({ name: 'coredns-6799fbcd5-abcde', namespace: 'kube-system', node: 'k3s-1' }),
      ]),
    },
  });
const RUNNING = [
  'I0512 10:09:46.500000       1 main.go:390] Wrote subnet file to /run/flannel/subnet.env',
  'I0512 10:09:46.500100       1 main.go:394] Running backend.',
].join('\n');

ruleTester(flannelPodNotRunning).run({
  valid: [
    {
      name: 'k3s: embedded flannel has annotated every node (no flannel pod)',
      snapshot: () => k3s(k3sNode('k3s-1'), k3sNode('k3s-2')),
    },
    {
      name: 'k3s journal: the embedded flannel failed once, then ran',
      snapshot: () =>
        snapshotOf({
          node: 'k3s-1',
          files: {
            'host/journal/k3s.log': [
              'Sep 29 19:53:30 k3s-1 k3s[5764]: time="2023-09-29T19:53:30Z" level=fatal msg="flannel exited: failed to register flannel network: invalid argument"',
              'Sep 29 19:53:49 k3s-1 k3s[6274]: time="2023-09-29T19:53:49Z" level=info msg="Starting flannel with backend vxlan"',
              'Sep 29 19:53:50 k3s-1 k3s[6274]: time="2023-09-29T19:53:50Z" level=info msg="Running flannel backend."',
              '',
            ].join('\n'),
          },
        }),
    },
    {
      name: 'logs only: the flannel log shows it running',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: { 'cluster/logs/kube-flannel/kube-flannel-ds-aaaaa/kube-flannel.log': `${LOG}\n${RUNNING}\n` },
        }),
    },
    {
      name: 'flannel running on both nodes',
      snapshot: () =>
        cluster([flannel('kube-flannel-ds-aaaaa', 'worker-1'), flannel('kube-flannel-ds-bbbbb', 'worker-2')]),
    },
    {
      name: 'a cluster without flannel',
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: { 'cluster/nodes.json': nodes, 'cluster/pods.json': kubeList([]) } }),
    },
  ],
  invalid: [
    {
      // before: fail noPod on both nodes, from a pods list that never held namespace kube-flannel
      name: 'the flannel DaemonSet listed, pods listed for namespace openstack only: unknown partial-list per node, not noPod',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/nodes.json': nodes,
            'cluster/pods.json': kubeList([]),
            'cluster/daemonsets.json': kubeList([
              daemonSetJson({
                name: 'kube-flannel-ds',
                namespace: 'kube-flannel',
                containers: [{ name: 'kube-flannel' }],
              } as never),
            ]),
          },
          manifest: {
            sources: [
              sourceRecord('cluster/nodes.json'),
              {
                ...sourceRecord('cluster/pods.json'),
                namespaces: ['openstack'],
                partial: 'namespaces openstack only; not kube-flannel',
              },
              sourceRecord('cluster/daemonsets.json'),
            ],
          },
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          messageId: 'partial-list',
          data: { list: 'cluster/pods.json' },
          missing: ['cluster.pods'],
          cites: ['manifest.json#/sources/1/partial'],
        },
        { status: 'unknown', subject: 'node:worker-2', messageId: 'partial-list', missing: ['cluster.pods'] },
      ],
    },
    {
      name: 'crash-looping on worker-2, reason quoted from the previous log',
      snapshot: () =>
        cluster(
          [
            flannel('kube-flannel-ds-aaaaa', 'worker-1'),
            flannel('kube-flannel-ds-bbbbb', 'worker-2', {
              ready: false,
              waitingReason: 'CrashLoopBackOff',
              restarts: 7,
            }),
          ],
          {
            'cluster/logs/kube-flannel/kube-flannel-ds-bbbbb/kube-flannel.previous.log': `${LOG}\n`,
          },
        ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-2',
          messageId: 'notRunning',
          data: {
            state: 'CrashLoopBackOff',
            reason: 'Error registering network: failed to acquire lease: node "worker-2" pod cidr not assigned',
          },
        },
      ],
    },
    {
      name: 'no flannel pod on worker-2',
      snapshot: () => cluster([flannel('kube-flannel-ds-aaaaa', 'worker-1')]),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'noPod' }],
    },
    {
      name: 'k3s: a node flannel never annotated and no subnet.env: unknown, not "no pod"',
      snapshot: () => k3s(k3sNode('k3s-1'), k3sNode('k3s-2', false)),
      findings: [{ status: 'unknown', subject: 'node:k3s-2', missing: ['host.flannel-subnet-env'] }],
    },
    {
      // k3s-io/k3s#8416 (k3s v1.27.6): the k3s journal is the only flannel log there is
      name: 'k3s journal: the embedded flannel exited and did not come back',
      snapshot: () =>
        snapshotOf({
          node: 'k3s-1',
          files: {
            'host/journal/k3s.log':
              'Sep 29 19:53:30 k3s-1 k3s[5764]: time="2023-09-29T19:53:30Z" level=fatal msg="flannel exited: failed to register flannel network: invalid argument"\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:k3s-1',
          messageId: 'notRunning',
          data: { problem: 'register-network', agent: 'k3s' },
          cites: ['host/journal/k3s.log:1'],
        },
      ],
    },
    {
      name: 'logs only: the last run stopped on a fatal line',
      snapshot: () =>
        snapshotOf({
          node: 'worker-2',
          files: { 'cluster/logs/kube-flannel/kube-flannel-ds-bbbbb/kube-flannel.log': `${LOG}\n` },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-2',
          messageId: 'notRunning',
          data: { problem: 'no-pod-cidr' },
          cites: ['cluster/logs/kube-flannel/kube-flannel-ds-bbbbb/kube-flannel.log:2'],
        },
      ],
    },
    {
      name: 'canal pod with a kube-flannel container counts as flannel',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1', podCIDR: '10.244.1.0/24' })]),
            'cluster/pods.json': kubeList([
              podJson({
                name: 'canal-x2vd9',
                namespace: 'kube-system',
                node: 'worker-1',
                ready: false,
                waitingReason: 'CrashLoopBackOff',
                containers: [{ name: 'calico-node' }, { name: 'kube-flannel' }],
              }),
            ]),
          },
        }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'notRunning', data: { pod: 'canal-x2vd9' } }],
    },
    {
      name: 'no pod list: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { 'cluster/nodes.json': nodes } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.pods'] }],
    },
  ],
});
