import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { calicoIppoolCidrMismatch } from './calico-ippool-cidr-mismatch.js';
import { calicoCluster, pool } from './calico-testing.js';

ruleTester(calicoIppoolCidrMismatch).run({
  valid: [
    {
      name: 'the pool is the cluster CIDR',
      snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({}) }),
    },
    {
      name: 'a pool inside the cluster CIDR, and a disabled one outside it',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: calicoCluster({
            pools: [pool({ cidr: '10.244.128.0/17' }, 'half'), pool({ cidr: '192.168.0.0/16', disabled: true }, 'old')],
          }),
        }),
    },
  ],
  invalid: [
    {
      name: "calico.yaml's default pool 192.168.0.0/16 on a 10.244.0.0/16 cluster",
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: calicoCluster({ pools: [pool({ cidr: '192.168.0.0/16' })] }) }),
      findings: [
        {
          status: 'fail',
          subject: 'cluster',
          messageId: 'outside',
          data: { cidr: '192.168.0.0/16', network: '10.244.0.0/16' },
          cites: ['cluster/calico/ippools.json#/items/0/spec/cidr'],
        },
      ],
    },
    {
      name: 'a pool that contains the cluster CIDR is still outside it (wider)',
      snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({ pools: [pool({ cidr: '10.0.0.0/8' })] }) }),
      findings: [{ status: 'fail', subject: 'cluster', messageId: 'outside', data: { cidr: '10.0.0.0/8' } }],
    },
    {
      name: 'no pools collected: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({ pools: null }) }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.calico.ippools'] }],
    },
  ],
});
