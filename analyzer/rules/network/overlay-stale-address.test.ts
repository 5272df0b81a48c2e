import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles, reference } from '../lib/host-testing.js';
import { overlayStaleAddress } from './overlay-stale-address.js';
import { plainDebianHost } from '../bundle/testing.js';

type Link = { ifname: string; addr_info?: Record<string, unknown>[] };
const addrs = (): Link[] => JSON.parse(reference('ip-j-d-addr.json')) as Link[];
/** the captured node (lease 10.244.1.0/24, flannel.1 10.244.1.0/32) with flannel.1's IPv4 addresses replaced */
const flannel1 = (...v4: [string, number][]) =>
  `${JSON.stringify(addrs().map((l) => (l.ifname === 'flannel.1' ? { ...l, addr_info: [...v4.map(([local, prefixlen]) => ({ family: 'inet', local, prefixlen, scope: 'global', label: 'flannel.1' })), ...(l.addr_info ?? []).filter((a) => a['family'] === 'inet6')] } : l)))}\n`;
const node = (
  over: Record<string, string | null> = {},
  cluster = clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }]),
) => snapshotOf(capturedNode('worker-1', over, cluster));
// flannel-io/flannel#1060 (v0.10.0), the pod log line as quoted
const INCOMPATIBLE =
  'E1103 17:54:42.799114       1 main.go:280] Error registering network: failed to configure interface flannel.1: failed to ensure address of interface flannel.1: link has incompatible addresses. Remove additional addresses and try again.';

ruleTester(overlayStaleAddress).run({
  valid: [
    { name: 'flannel.1 holds only its lease address (real capture)', snapshot: () => node() },
    {
      name: 'a host without flannel devices',
      snapshot: () =>
        node({ 'host/ip-addr.json': `${JSON.stringify(addrs().filter((l) => l.ifname !== 'flannel.1'))}\n` }),
    },
  ],
  invalid: [
    {
      // before node-scope: "node bastion has no flannel overlay device" passed on a jump host
      name: 'a jump host that is no node: unknown not-a-node, never "no device"',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {}, clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }])),
          plainDebianHost(),
        ),
      findings: [
        { status: 'unknown', subject: 'node:bastion', messageId: 'not-a-node', missing: ['fact:kubernetes-host'] },
        { status: 'pass', subject: 'node:worker-1', messageId: 'ok' },
      ],
    },
    {
      // flannel-io/flannel#1018: an APIPA address next to the lease's after a reboot (Raspbian)
      name: 'a link-local address next to the lease address',
      snapshot: () => node({ 'host/ip-addr.json': flannel1(['10.244.1.0', 32], ['169.254.122.158', 16]) }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'extra',
          data: { dev: 'flannel.1', count: 2, addrs: '10.244.1.0/32, 169.254.122.158/16', want: '10.244.1.0/32' },
          cites: ['host/ip-addr.json#/6/addr_info/1'],
        },
      ],
    },
    {
      name: 'one address, from an earlier lease',
      snapshot: () => node({ 'host/ip-addr.json': flannel1(['10.244.7.0', 32]) }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'stale',
          data: { addrs: '10.244.7.0/32', want: '10.244.1.0/32' },
        },
      ],
    },
    {
      name: 'two addresses and no known lease: still one too many',
      snapshot: () =>
        node(
          { 'host/ip-addr.json': flannel1(['10.244.2.0', 32], ['10.244.1.0', 32]) },
          { 'cluster/pods.json': { items: [] } },
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'extra', data: { count: 2 } }],
    },
    {
      name: 'the flannel log says so, no ip addr collected',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/logs/kube-flannel/kube-flannel-ds-x7k2p/kube-flannel.log': `${INCOMPATIBLE}\n`,
            'host/uname.txt': 'Linux worker-1\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'refused',
          data: { dev: 'flannel.1' },
          cites: ['cluster/logs/kube-flannel/kube-flannel-ds-x7k2p/kube-flannel.log:1'],
        },
      ],
    },
    {
      name: 'no ip addr and no log: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { 'host/uname.txt': 'Linux\n' } }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.ip-addr'] }],
    },
  ],
});
