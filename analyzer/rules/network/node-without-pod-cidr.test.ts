import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { clusterFiles } from '../lib/host-testing.js';
import { nodeWithoutPodCidr } from './node-without-pod-cidr.js';

ruleTester(nodeWithoutPodCidr).run({
  valid: [{ name: 'every node has a subnet', snapshot: () => snapshotOf({ node: 'cp-1', files: clusterFiles([{ name: 'cp-1', podCIDR: '10.244.0.0/24' }, { name: 'worker-1', podCIDR: '10.244.1.0/24' }]) }) }],
  invalid: [
    {
      name: 'worker-2 never got a podCIDR',
      snapshot: () => snapshotOf({ node: 'cp-1', files: clusterFiles([{ name: 'cp-1', podCIDR: '10.244.0.0/24' }, { name: 'worker-2', podCIDR: null }]) }),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'none' }],
    },
    { name: 'no node list: unknown', snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': { items: [] } } }), findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.nodes'] }] },
  ],
});
