import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { calicoBgpNotEstablished } from './calico-bgp-not-established.js';
import { calicoCluster, calicoPod, unhealthy } from './calico-testing.js';

const two = [{ name: 'worker-1' }, { name: 'worker-2' }];
const notReady = () => [calicoPod('worker-1'), calicoPod('worker-2', false)];

ruleTester(calicoBgpNotEstablished).run({
  valid: [
    {
      name: 'every calico-node Ready',
      snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({ nodes: two }) }),
    },
  ],
  invalid: [
    {
      name: "worker-2's readiness probe: BGP not established with two peers",
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: calicoCluster({ nodes: two, pods: notReady(), events: [unhealthy('calico-node-rker2')] }),
        }),
      findings: [
        { status: 'pass', subject: 'node:worker-1', messageId: 'established' },
        {
          status: 'fail',
          subject: 'node:worker-2',
          messageId: 'notEstablished',
          data: { peers: '10.0.0.10, 10.0.0.11' },
          cites: ['cluster/events.json#/items/0/message'],
        },
      ],
    },
    {
      name: 'canal (no BIRD): BGP does not apply',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: calicoCluster({
            nodes: two,
            pods: [calicoPod('worker-1', true, false), calicoPod('worker-2', false, false)],
          }),
        }),
      findings: [
        { status: 'pass', subject: 'node:worker-1', messageId: 'noBird' },
        { status: 'pass', subject: 'node:worker-2', messageId: 'noBird' },
      ],
    },
    {
      name: 'not Ready but no events collected: unknown',
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: calicoCluster({ nodes: two, pods: notReady(), events: null }) }),
      findings: [{ status: 'unknown', subject: 'node:worker-2', missing: ['cluster.events'] }],
    },
    {
      name: 'not Ready for another reason (felix): this rule cannot tell',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: calicoCluster({
            nodes: two,
            pods: notReady(),
            events: [
              unhealthy('calico-node-rker2', 'Readiness probe failed: calico/node is not ready: felix is not ready'),
            ],
          }),
        }),
      findings: [{ status: 'unknown', subject: 'node:worker-2', missing: ['cluster.events'] }],
    },
  ],
});
