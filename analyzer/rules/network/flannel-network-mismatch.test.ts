import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { clusterFiles } from '../lib/host-testing.js';
import { flannelNetworkMismatch } from './flannel-network-mismatch.js';

const NODES = [
  { name: 'cp-1', podCIDR: '10.244.0.0/24' },
  { name: 'worker-1', podCIDR: '10.244.1.0/24' },
];

ruleTester(flannelNetworkMismatch).run({
  valid: [
    { name: 'node subnets inside 10.244.0.0/16', snapshot: () => snapshotOf({ node: 'cp-1', files: clusterFiles(NODES) }) },
    { name: 'no flannel at all', snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': { items: [] } } }) },
  ],
  invalid: [
    {
      name: 'kubeadm gave 192.168.x subnets, flannel routes 10.244.0.0/16',
      snapshot: () => snapshotOf({ node: 'cp-1', files: clusterFiles([{ name: 'cp-1', podCIDR: '192.168.0.0/24' }, { name: 'worker-1', podCIDR: '192.168.1.0/24' }]) }),
      findings: [{ status: 'fail', subject: 'configmap:kube-flannel/kube-flannel-cfg', messageId: 'mismatch', data: { count: 2 } }],
    },
    {
      name: 'host-only bundle: whether flannel runs is unknown, never a pass',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { 'host/uname.txt': 'Linux\n' } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.pods'] }],
    },
    {
      name: 'flannel Network is not a CIDR',
      snapshot: () => snapshotOf({ node: 'cp-1', files: clusterFiles(NODES, {}, '10.244.0.0/33') }),
      findings: [{ status: 'fail', subject: 'configmap:kube-flannel/kube-flannel-cfg', messageId: 'badNetwork' }],
    },
  ],
});
