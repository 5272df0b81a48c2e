import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles, flannelConfigMap, reference } from '../lib/host-testing.js';
import { flannelOverlayBroken } from './flannel-overlay-broken.js';

// the captured node (10.244.1.0/24) has flannel.1 routes to 10.244.0.0/24 and 10.244.2.0/24
const NODES = [
  { name: 'cp-1', podCIDR: '10.244.0.0/24', internalIP: '192.168.56.10' },
  { name: 'worker-1', podCIDR: '10.244.1.0/24', internalIP: '192.168.56.11' },
  { name: 'worker-2', podCIDR: '10.244.2.0/24', internalIP: '192.168.56.12' },
];
const node = (over: Record<string, string | null> = {}, nodes = NODES) =>
  snapshotOf(capturedNode('worker-1', over, clusterFiles(nodes)));
const json = (name: string) => JSON.parse(reference(name)) as Record<string, unknown>[];

ruleTester(flannelOverlayBroken).run({
  valid: [{ name: 'flannel.1 up with routes to both peers (real capture)', snapshot: () => node() }],
  invalid: [
    {
      name: 'a third peer joined but has no route here',
      snapshot: () => node({}, [...NODES, { name: 'worker-3', podCIDR: '10.244.3.0/24', internalIP: '192.168.56.13' }]),
      findings: [
        { status: 'fail', subject: 'node:worker-1', messageId: 'noRoute', data: { peers: 'worker-3', count: 1 } },
      ],
    },
    {
      name: 'flannel.1 deleted',
      snapshot: () => {
        const drop = (name: string) => `${JSON.stringify(json(name).filter((l) => l['ifname'] !== 'flannel.1'))}\n`;
        return node({ 'host/ip-link.json': drop('ip-j-d-link.json'), 'host/ip-addr.json': drop('ip-j-d-addr.json') });
      },
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'noDevice' }],
    },
    {
      name: 'flannel.1 down',
      snapshot: () => {
        const down = json('ip-j-d-link.json').map((l) =>
          l['ifname'] === 'flannel.1' ? { ...l, flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN' } : l,
        );
        return node({ 'host/ip-link.json': `${JSON.stringify(down)}\n` });
      },
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'deviceDown' }],
    },
    {
      name: 'no routes and no node list, but the known vxlan backend has no flannel.1: fail',
      snapshot: () => {
        const drop = (name: string) => `${JSON.stringify(json(name).filter((l) => l['ifname'] !== 'flannel.1'))}\n`;
        return snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/ip-link.json': drop('ip-j-d-link.json'),
              'host/ip-addr.json': drop('ip-j-d-addr.json'),
              'host/ip-route.json': null,
            },
            { 'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': flannelConfigMap() },
          ),
        );
      },
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'noDevice' }],
    },
    {
      name: 'k3s host-gw from the node annotation (no kube-flannel-cfg): no flannel.1 needed, peers routed via their node IP',
      snapshot: () => {
        const hostgw = NODES.map((n) => ({
          ...n,
          annotations: { 'flannel.alpha.coreos.com/backend-type': 'host-gw' },
        }));
        const drop = (name: string) => `${JSON.stringify(json(name).filter((l) => l['ifname'] !== 'flannel.1'))}\n`;
        const { 'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': _cfg, ...cluster } = clusterFiles(hostgw);
        return snapshotOf(
          capturedNode(
            'worker-1',
            { 'host/ip-link.json': drop('ip-j-d-link.json'), 'host/ip-addr.json': drop('ip-j-d-addr.json') },
            cluster,
          ),
        );
      },
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'noRoute', data: { count: 2 } }],
    },
    {
      name: 'a cluster-only bundle (no node bundle): unknown, not silent',
      snapshot: () => snapshotOf({ node: 'cp-1', files: clusterFiles(NODES) }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['host.ip-link', 'host.ip-route'] }],
    },
    {
      name: 'no routes collected: unknown',
      snapshot: () => node({ 'host/ip-route.json': null }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.ip-route'] }],
    },
  ],
});
