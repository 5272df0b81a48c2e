import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { calicoTunnelMissing } from './calico-tunnel-missing.js';
import { calicoCluster, pool } from './calico-testing.js';

const link = (ifindex: number, ifname: string, link_type = 'ether', kind?: string) => ({
  ifindex,
  ifname,
  flags: ['UP', 'LOWER_UP'],
  mtu: 1480,
  link_type,
  ...(kind ? { linkinfo: { info_kind: kind } } : {}),
});
const LINKS = [link(1, 'lo', 'loopback'), link(2, 'eth0'), link(7, 'cali1a2b3c4d5e6', 'ether', 'veth')];
const host = (extra: object[]) => ({ 'host/ip-link.json': [...LINKS, ...extra] });

ruleTester(calicoTunnelMissing).run({
  valid: [
    {
      name: 'IPIP pool, tunl0 present',
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: { ...calicoCluster({}), ...host([link(5, 'tunl0', 'ipip', 'ipip')]) } }),
    },
  ],
  invalid: [
    {
      name: 'IPIP Always pool, no tunl0 on worker-1',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { ...calicoCluster({}), ...host([]) } }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'missing',
          data: { device: 'tunl0', mode: 'IPIP' },
          cites: ['cluster/calico/ippools.json#/items/0/spec/ipipMode'],
        },
      ],
    },
    {
      name: 'VXLAN CrossSubnet pool, no vxlan.calico',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            ...calicoCluster({ pools: [pool({ ipipMode: 'Never', vxlanMode: 'CrossSubnet' })] }),
            ...host([link(5, 'tunl0', 'ipip', 'ipip')]),
          },
        }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'missing', data: { device: 'vxlan.calico' } }],
    },
    {
      name: 'no encapsulation (canal, or BGP without overlay): nothing to need',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: { ...calicoCluster({ pools: [pool({ ipipMode: 'Never' })] }), ...host([]) },
        }),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'noEncap' }],
    },
    {
      name: 'links not collected: unknown',
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: { ...calicoCluster({}), 'host/hostname.txt': 'worker-1\n' } }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.ip-link'] }],
    },
    {
      name: 'no pools collected: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { ...calicoCluster({ pools: null }), ...host([]) } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.calico.ippools'] }],
    },
  ],
});
