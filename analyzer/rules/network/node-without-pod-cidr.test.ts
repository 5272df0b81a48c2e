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
    {
      // flannel-io/flannel#728 (flannel 0.7, the 0.7/0.8 "failed to register network" form)
      name: 'no node list, the flannel log names the node without a podCIDR',
      snapshot: () =>
        snapshotOf({
          node: 'k8s-test-2.novalocal',
          files: { 'cluster/logs/kube-system/kube-flannel-ds-3fk2m/kube-flannel.log': 'E0519 00:37:28.550351       1 network.go:102] failed to register network: failed to acquire lease: node "k8s-test-2.novalocal" pod cidr not assigned\n' },
        }),
      findings: [{ status: 'fail', subject: 'node:k8s-test-2.novalocal', messageId: 'none', cites: ['cluster/logs/kube-system/kube-flannel-ds-3fk2m/kube-flannel.log:1'] }],
    },
    { name: 'no node list: unknown', snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': { items: [] } } }), findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.nodes'] }] },
  ],
});
