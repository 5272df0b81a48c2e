import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { calicoNatOutgoingOff } from './calico-natoutgoing-off.js';
import { calicoCluster, pool } from './calico-testing.js';

const peer = {
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'BGPPeer',
  metadata: { name: 'tor-1' },
  spec: { peerIP: '10.0.0.1', asNumber: 64512 },
};

ruleTester(calicoNatOutgoingOff).run({
  valid: [{ name: 'natOutgoing true', snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({}) }) }],
  invalid: [
    {
      name: 'natOutgoing false and no BGP peers',
      snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({ pools: [pool({ natOutgoing: false })] }) }),
      findings: [
        { status: 'fail', subject: 'cluster', messageId: 'off', cites: ['cluster/calico/ippools.json#/items/0/spec'] },
      ],
    },
    {
      name: 'natOutgoing left out (Calico defaults it to false) and no BGP peers',
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: calicoCluster({ pools: [pool({ natOutgoing: undefined })] }) }),
      findings: [{ status: 'fail', subject: 'cluster', messageId: 'off' }],
    },
    {
      name: 'natOutgoing false with a BGP peer announcing the pod routes: intended',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: calicoCluster({ pools: [pool({ natOutgoing: false })], peers: [peer] }),
        }),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'routed', data: { peers: 1 } }],
    },
    {
      name: 'natOutgoing false, BGP peers not collected: unknown',
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: calicoCluster({ pools: [pool({ natOutgoing: false })], peers: null }) }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.calico.bgppeers'] }],
    },
    {
      name: 'no pools collected: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({ pools: null }) }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.calico.ippools'] }],
    },
  ],
});
