import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { clusterFiles } from '../lib/host-testing.js';
import { flannelPublicIpShared, PUBLIC_IP } from './flannel-public-ip-shared.js';

const node = (name: string, ip: string, cidr: string) => ({
  name,
  podCIDR: cidr,
  internalIP: ip,
  annotations: { [PUBLIC_IP]: ip === 'nat' ? '10.0.2.15' : ip },
});

ruleTester(flannelPublicIpShared).run({
  valid: [
    {
      name: 'each node its own address',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            node('cp-1', '192.168.56.10', '10.244.0.0/24'),
            node('worker-1', '192.168.56.11', '10.244.1.0/24'),
          ]),
        }),
    },
  ],
  invalid: [
    {
      name: 'Vagrant NAT address on every node',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            node('cp-1', 'nat', '10.244.0.0/24'),
            node('worker-1', 'nat', '10.244.1.0/24'),
            node('worker-2', 'nat', '10.244.2.0/24'),
          ]),
        }),
      findings: [{ status: 'fail', subject: 'cluster', messageId: 'shared', data: { ip: '10.0.2.15', count: 3 } }],
    },
    {
      name: 'flannel runs but no node carries a public-ip yet: unknown, not "distinct"',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            { name: 'cp-1', podCIDR: '10.244.0.0/24' },
            { name: 'worker-1', podCIDR: '10.244.1.0/24' },
          ]),
        }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.nodes'] }],
    },
    {
      // capture k3s-1.20-troubleshoot-2021-redacted; before: "distinct" on one hidden node, "shared ***HIDDEN***" on
      // two
      name: 'public-ips a redactor hid are neither shared nor distinct: unknown redacted',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            { ...node('cp-1', '192.168.56.10', '10.244.0.0/24'), annotations: { [PUBLIC_IP]: '***HIDDEN***' } },
            { ...node('worker-1', '192.168.56.11', '10.244.1.0/24'), annotations: { [PUBLIC_IP]: '***HIDDEN***' } },
          ]),
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'cluster',
          messageId: 'redacted',
          data: { value: '***HIDDEN***', redacted: true },
          missing: ['cluster.nodes'],
          cites: [
            'cluster/nodes.json#/items/0/metadata/annotations/flannel.alpha.coreos.com~1public-ip',
            'cluster/nodes.json#/items/1/metadata',
          ],
        },
      ],
    },
    {
      name: 'one hidden, two distinct addresses: unknown (the hidden one may equal either)',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            node('cp-1', '192.168.56.10', '10.244.0.0/24'),
            node('worker-1', '192.168.56.11', '10.244.1.0/24'),
            { ...node('worker-2', '192.168.56.12', '10.244.2.0/24'), annotations: { [PUBLIC_IP]: '***HIDDEN***' } },
          ]),
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'cluster',
          messageId: 'redacted',
          cites: ['cluster/nodes.json#/items/2/metadata'],
        },
      ],
    },
    {
      name: 'two nodes share an address although a third is hidden: still fails',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            node('cp-1', 'nat', '10.244.0.0/24'),
            node('worker-1', 'nat', '10.244.1.0/24'),
            { ...node('worker-2', '192.168.56.12', '10.244.2.0/24'), annotations: { [PUBLIC_IP]: '***HIDDEN***' } },
          ]),
        }),
      findings: [{ status: 'fail', subject: 'cluster', messageId: 'shared', data: { ip: '10.0.2.15', count: 2 } }],
    },
    {
      name: 'no node list: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': { items: [] } } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.nodes'] }],
    },
  ],
});
