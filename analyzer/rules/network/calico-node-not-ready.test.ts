import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { kubeList, podJson } from '../../model/testing-objects.js';
import { calicoNodeNotReady } from './calico-node-not-ready.js';
import { calicoCluster, calicoPod } from './calico-testing.js';

const two = [{ name: 'worker-1' }, { name: 'worker-2' }];

ruleTester(calicoNodeNotReady).run({
  valid: [
    {
      name: 'calico-node Ready on every node',
      snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({ nodes: two }) }),
    },
  ],
  invalid: [
    {
      name: 'calico-node on worker-2 is not Ready',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: calicoCluster({ nodes: two, pods: [calicoPod('worker-1'), calicoPod('worker-2', false)] }),
        }),
      findings: [
        { status: 'pass', subject: 'node:worker-1', messageId: 'ready' },
        {
          status: 'fail',
          subject: 'node:worker-2',
          messageId: 'notReady',
          cites: ['cluster/pods.json#/items/1/status/conditions/'],
        },
      ],
    },
    {
      name: 'a cluster without Calico: not used (from the pods list)',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: { 'cluster/pods.json': kubeList([podJson({ name: 'web-1', node: 'worker-1' })]) },
        }),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'notUsed' }],
    },
    {
      name: 'no pods list: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { 'host/hostname.txt': 'worker-1\n' } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.pods'] }],
    },
  ],
});
