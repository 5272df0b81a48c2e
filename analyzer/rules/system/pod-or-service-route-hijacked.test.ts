import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, reference } from '../lib/host-testing.js';
import { podOrServiceRouteHijacked } from './pod-or-service-route-hijacked.js';

/** the captured routes plus `extra` entries (as `ip -j route` prints them) */
function routesWith(...extra: object[]): string {
  const routes = JSON.parse(reference('ip-j-route-all.json')) as object[];
  return `${JSON.stringify([...routes.slice(0, 1), ...extra, ...routes.slice(1)])}\n`;
}

ruleTester(podOrServiceRouteHijacked).run({
  valid: [
    { name: 'cni0 and flannel.1 routes only (real capture)', snapshot: () => snapshotOf(capturedNode()) },
    {
      // Calico's routes as `ip -j route` prints them on a calico-node host: a /32 per pod to its cali veth,
      // a peer's IPAM block over tunl0, the node's own block as a BIRD blackhole
      name: "Calico's own routes (cali* /32, tunl0 block routes, blackhole) are the CNI's",
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/ip-route.json': routesWith(
              { dst: '10.244.1.5', dev: 'cali1a2b3c4d5e6', scope: 'link', flags: [] },
              { dst: '10.244.2.0/26', gateway: '192.168.56.12', dev: 'tunl0', protocol: 'bird', flags: ['onlink'] },
              { type: 'blackhole', dst: '10.244.1.0/26', protocol: 'bird', flags: [] },
            ),
          }),
        ),
    },
    {
      name: "host-only bundle: flannel host-gw routes via a peer on eth0's link are peers, not hijacks",
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/ip-route.json': routesWith({
                dst: '10.244.3.0/24',
                gateway: '192.168.56.13',
                dev: 'eth0',
                flags: [],
              }),
            },
            {},
          ),
        ),
    },
    {
      name: "flannel with Docker (no cni0): docker0 holds the node's own subnet from subnet.env",
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/ip-addr.json': JSON.stringify(
                JSON.parse(reference('ip-j-d-addr.json')).map((l: { ifname: string }) =>
                  l.ifname === 'cni0' ? { ...l, ifname: 'docker0' } : l,
                ),
              ),
              'host/ip-route.json': JSON.stringify(
                JSON.parse(reference('ip-j-route-all.json')).map((r: { dev?: string }) =>
                  r.dev === 'cni0' ? { ...r, dev: 'docker0' } : r,
                ),
              ),
              'host/flannel-subnet.env':
                'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
            },
            {},
          ),
        ),
    },
    {
      name: 'a Docker bridge outside the pod network',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/ip-route.json': routesWith({
              dst: '172.17.0.0/16',
              dev: 'docker0',
              protocol: 'kernel',
              scope: 'link',
              prefsrc: '172.17.0.1',
              flags: ['linkdown'],
            }),
          }),
        ),
    },
  ],
  invalid: [
    {
      name: 'a Docker bridge on 10.244.0.0/16 collides with the pod network',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/ip-route.json': routesWith({
              dst: '10.244.128.0/17',
              dev: 'br-1f2e3d4c5b6a',
              protocol: 'kernel',
              scope: 'link',
              prefsrc: '10.244.128.1',
              flags: [],
            }),
          }),
        ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'hijacked',
          data: { dst: '10.244.128.0/17', dev: 'br-1f2e3d4c5b6a', which: 'pod' },
        },
      ],
    },
    {
      name: 'a VPN route through tun0 for a peer subnet',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/ip-route.json': routesWith({ dst: '10.244.2.0/24', dev: 'tun0', scope: 'link', flags: [] }),
          }),
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { dev: 'tun0' } }],
    },
    {
      name: 'docker0 on the same subnet as cni0 (host-only bundle)',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/ip-route.json': routesWith({
                dst: '10.244.1.0/24',
                dev: 'docker0',
                protocol: 'kernel',
                scope: 'link',
                prefsrc: '10.244.1.1',
                flags: ['linkdown'],
              }),
            },
            {},
          ),
        ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          data: { dst: '10.244.1.0/24', dev: 'docker0', which: 'pod' },
          cites: ['host/ip-route.json#/1'],
        },
      ],
    },
    {
      name: 'no routes collected: unknown',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/ip-route.json': null })),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.ip-route'] }],
    },
  ],
});
