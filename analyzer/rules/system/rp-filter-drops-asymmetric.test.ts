import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles, reference } from '../lib/host-testing.js';
import { rpFilterDropsAsymmetric } from './rp-filter-drops-asymmetric.js';

const SYSCTL = (all: number, def: number, extra = '') =>
  `net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.rp_filter = ${all}\nnet.ipv4.conf.default.rp_filter = ${def}\n${extra}`;
const NODES = [
  { name: 'worker-1', podCIDR: '10.244.1.0/24', internalIP: '192.168.56.11' },
  { name: 'worker-2', podCIDR: '10.244.2.0/24', internalIP: '192.168.56.12' },
];
const routesWith = (...extra: object[]) => JSON.stringify([...JSON.parse(reference('ip-j-route-all.json')), ...extra]);
/** a VPN's host route for the peer node: its VXLAN packets come in on eth0, the way back is tun0 */
const VPN_ROUTE = { dst: '192.168.56.12', dev: 'tun0', scope: 'link', flags: [] };
/** an IPIP tunnel without an address and a remote pod block routed through it */
const TUNL0 = {
  ifindex: 40,
  ifname: 'tunl0',
  flags: ['NOARP', 'UP', 'LOWER_UP'],
  mtu: 1480,
  operstate: 'UNKNOWN',
  link_type: 'ipip',
  linkinfo: { info_kind: 'ipip', info_data: { proto: 'ipip', remote: 'any', local: 'any' } },
  addr_info: [],
};
const addrsWith = (...links: object[]) => JSON.stringify([...JSON.parse(reference('ip-j-d-addr.json')), ...links]);

const node = (sysctl: string, over: Record<string, string> = {}) =>
  snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': sysctl, ...over }, clusterFiles(NODES)));

ruleTester(rpFilterDropsAsymmetric).run({
  valid: [
    { name: 'strict everywhere, but every path is symmetric (real capture)', snapshot: () => node(SYSCTL(1, 1)) },
    { name: 'rp_filter off', snapshot: () => node(SYSCTL(0, 0), { 'host/ip-route.json': routesWith(VPN_ROUTE) }) },
    {
      name: 'loose on the interface wins over strict all (the maximum applies)',
      snapshot: () =>
        node(SYSCTL(1, 1, 'net.ipv4.conf.eth0.rp_filter = 2\n'), { 'host/ip-route.json': routesWith(VPN_ROUTE) }),
    },
  ],
  invalid: [
    {
      name: 'a peer node routed through a VPN: its VXLAN packets arrive on eth0, strict drops them',
      snapshot: () => node(SYSCTL(1, 1), { 'host/ip-route.json': routesWith(VPN_ROUTE) }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'drops',
          data: { iface: 'eth0', src: '192.168.56.12', back: 'tun0' },
          cites: ['host/sysctl.txt:2', 'host/sysctl.txt:3', 'host/ip-route.json#/'],
        },
      ],
    },
    {
      name: 'conf.all 0 but the interface strict (from conf.default): still dropped',
      snapshot: () => node(SYSCTL(0, 1), { 'host/ip-route.json': routesWith(VPN_ROUTE) }),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { iface: 'eth0', back: 'tun0' } }],
    },
    {
      name: "the interface's own key (sysctl -a) strict, conf.all and conf.default off",
      snapshot: () =>
        node(SYSCTL(0, 0, 'net.ipv4.conf.eth0.rp_filter = 1\n'), { 'host/ip-route.json': routesWith(VPN_ROUTE) }),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { iface: 'eth0' }, cites: ['host/sysctl.txt:4'] }],
    },
    {
      name: 'IPIP tunnel without an address: replies from remote pods come back on eth0',
      snapshot: () =>
        node(SYSCTL(1, 1), {
          'host/ip-addr.json': addrsWith(TUNL0),
          'host/ip-link.json': addrsWith(TUNL0),
          'host/ip-route.json': routesWith({
            dst: '10.245.3.0/26',
            gateway: '192.168.56.12',
            dev: 'tunl0',
            protocol: 'bird',
            flags: ['onlink'],
          }),
        }),
      findings: [
        { status: 'fail', subject: 'node:worker-1', data: { iface: 'eth0', src: '10.245.3.2', back: 'tunl0' } },
      ],
    },
    {
      name: 'conf.all strict, no conf.default and no interface key: unknown',
      snapshot: () => node('net.ipv4.conf.all.rp_filter = 1\n'),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl'] }],
    },
    {
      name: 'no routes: unknown',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            { 'host/sysctl.txt': SYSCTL(1, 1), 'host/ip-route.json': null },
            clusterFiles(NODES),
          ),
        ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.ip-route'] }],
    },
  ],
});
