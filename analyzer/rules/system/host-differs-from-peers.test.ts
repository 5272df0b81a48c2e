import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles, editedIptables, reference } from '../lib/host-testing.js';
import { hostDiffersFromPeers } from './host-differs-from-peers.js';

const NODES = [
  { name: 'worker-1', podCIDR: '10.244.1.0/24' },
  { name: 'worker-2', podCIDR: '10.244.1.0/24' },
  { name: 'worker-3', podCIDR: '10.244.1.0/24' },
];
const node = (name: string, over: Record<string, string | null> = {}) => ({
  ...capturedNode(name, over, name === 'worker-1' ? clusterFiles(NODES) : {}),
  id: `netsnap-${name}`,
});
const NO_MASQ = editedIptables([['-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG\n', '']]);
const FWD_OFF = reference('sysctl.txt').replace('net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward = 0');

ruleTester(hostDiffersFromPeers).run({
  valid: [
    { name: 'three identical nodes', snapshot: () => snapshotOf(node('worker-1'), node('worker-2'), node('worker-3')) },
    {
      name: 'two nodes that differ in rp_filter only: no norm, no finding',
      snapshot: () =>
        snapshotOf(
          node('worker-1'),
          node('worker-2', { 'host/sysctl.txt': reference('sysctl.txt').replace('rp_filter = 0', 'rp_filter = 2') }),
        ),
    },
  ],
  invalid: [
    {
      name: 'one node only: nothing to compare',
      snapshot: () => snapshotOf(node('worker-1')),
      findings: [{ status: 'unknown', subject: 'cluster', messageId: 'onePeer', missing: ['several node bundles'] }],
    },
    {
      name: 'one node\'s sysctl not collected: nobody is "alike" on the sysctls (that node may be the odd one)',
      snapshot: () => snapshotOf(node('worker-1'), node('worker-2', { 'host/sysctl.txt': null }), node('worker-3')),
      findings: ['worker-1', 'worker-2', 'worker-3'].map((n) => ({
        status: 'unknown' as const,
        subject: `node:${n}`,
        messageId: 'incomplete',
        missing: ['host.sysctl@worker-2'],
      })),
    },
    {
      name: "the odd node is still the odd one when a third node's routes are missing",
      snapshot: () =>
        snapshotOf(
          node('worker-1'),
          node('worker-2', { 'host/sysctl.txt': FWD_OFF }),
          node('worker-3', { 'host/ip-route.json': null }),
        ),
      findings: [
        { status: 'unknown', subject: 'node:worker-1', messageId: 'incomplete' },
        { status: 'warn', subject: 'node:worker-2', data: { first: 'net.ipv4.ip_forward' } },
        { status: 'unknown', subject: 'node:worker-3', messageId: 'incomplete' },
      ],
    },
    {
      name: 'the one node of three without MASQUERADE',
      snapshot: () =>
        snapshotOf(node('worker-1'), node('worker-2', { 'host/iptables-save.txt': NO_MASQ }), node('worker-3')),
      findings: [{ status: 'warn', subject: 'node:worker-2', data: { first: 'pod egress masquerade' } }],
    },
    {
      name: 'two nodes: the one with ip_forward 0 is the odd one',
      snapshot: () => snapshotOf(node('worker-1'), node('worker-2', { 'host/sysctl.txt': FWD_OFF })),
      findings: [{ status: 'warn', subject: 'node:worker-2', data: { first: 'net.ipv4.ip_forward' } }],
    },
  ],
});
