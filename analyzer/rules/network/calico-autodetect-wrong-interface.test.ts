import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { calicoAutodetectWrongInterface } from './calico-autodetect-wrong-interface.js';
import { calicoCluster } from './calico-testing.js';

// nodes get InternalIP 10.0.0.10, 10.0.0.11 (calico-testing.ts)
const right = { 'projectcalico.org/IPv4Address': '10.0.0.10/24' };
const LOG = 'cluster/logs/kube-system/calico-node-rker2/calico-node.log';
const logged = (iface: string, ip: string) =>
  `2024-11-13T09:22:00.123456789Z 2024-11-13 09:22:00.123 [INFO][9] startup/autodetection_methods.go 103: Using autodetected IPv4 address on interface ${iface}: ${ip}/16\n`;

ruleTester(calicoAutodetectWrongInterface).run({
  valid: [
    {
      name: 'the annotation is the InternalIP',
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: calicoCluster({ nodes: [{ name: 'worker-1', annotations: right }] }) }),
    },
  ],
  invalid: [
    {
      name: 'the annotation says docker0 172.17.0.1 on worker-2',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: calicoCluster({
            nodes: [
              { name: 'worker-1', annotations: right },
              { name: 'worker-2', annotations: { 'projectcalico.org/IPv4Address': '172.17.0.1/16' } },
            ],
          }),
        }),
      findings: [
        { status: 'pass', subject: 'node:worker-1', messageId: 'right' },
        {
          status: 'fail',
          subject: 'node:worker-2',
          messageId: 'wrong',
          data: { ip: '172.17.0.1', internal: '10.0.0.11' },
          cites: ['cluster/nodes.json#/items/1/metadata/annotations/projectcalico.org~1IPv4Address'],
        },
      ],
    },
    {
      name: "no annotation, calico-node's log says it took docker0",
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            ...calicoCluster({ nodes: [{ name: 'worker-1' }, { name: 'worker-2' }] }),
            [LOG]: logged('docker0', '172.17.0.1'),
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-2',
          messageId: 'wrong',
          data: { ip: '172.17.0.1', iface: 'docker0' },
          cites: [`${LOG}:1`],
        },
      ],
    },
    {
      name: 'neither annotation nor log: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: calicoCluster({}) }),
      findings: [
        { status: 'unknown', subject: 'cluster', missing: ['cluster.log.<calico ns>.<calico-node pod>.calico-node'] },
      ],
    },
    {
      name: 'no nodes list: unknown',
      snapshot: () => {
        const files = calicoCluster({});
        delete files['cluster/nodes.json'];
        return snapshotOf({ node: 'worker-1', files });
      },
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.nodes'] }],
    },
  ],
});
