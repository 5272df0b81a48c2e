import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import type { RawBundle } from '../../bundle/types.js';
import { plainDebianHost } from '../bundle/testing.js';
import { capturedNode, clusterFiles, editedIptables } from '../lib/host-testing.js';
import { vxlanPortBlocked } from './vxlan-port-blocked.js';

// the captured node: flannel.1 (vxlan, local 192.168.56.11 on eth0, dstport 8472), peers in the node list
const NODES = [
  { name: 'cp-1', podCIDR: '10.244.0.0/24', internalIP: '192.168.56.10' },
  { name: 'worker-1', podCIDR: '10.244.1.0/24', internalIP: '192.168.56.11' },
];
// CentOS/RHEL 7's stock /etc/sysconfig/iptables INPUT rules (as quoted in k3s-io/k3s#977)
const STOCK_INPUT = [
  ':OUTPUT ACCEPT [0:0]',
  '-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT',
  '-A INPUT -p icmp -j ACCEPT',
  '-A INPUT -i lo -j ACCEPT',
  '-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT',
  '-A INPUT -j REJECT --reject-with icmp-host-prohibited',
].join('\n');
const node = (over: Record<string, string | null> = {}, cluster = clusterFiles(NODES)) =>
  snapshotOf(capturedNode('worker-1', over, cluster));
// the jump host of scenario bastion-bundle-not-a-node: plain Debian, INPUT policy DROP, no Kubernetes
const bastionWithDrop = (): RawBundle => {
  const raw = plainDebianHost();
  const files = new Map(raw.files);
  files.set(
    'host/iptables-save.txt',
    Buffer.from(
      (raw.files.get('host/iptables-save.txt') as Buffer)
        .toString('utf8')
        .replace(':INPUT ACCEPT [1423:118230]', ':INPUT DROP [1423:118230]'),
    ),
  );
  return { ...raw, files };
};

ruleTester(vxlanPortBlocked).run({
  valid: [
    { name: 'INPUT policy ACCEPT, no rules (real capture)', snapshot: () => node() },
    {
      name: 'an ACCEPT for udp 8472 before the stock REJECT',
      snapshot: () =>
        node({
          'host/iptables-save.txt': editedIptables([
            [
              ':OUTPUT ACCEPT [0:0]',
              `${STOCK_INPUT.replace('-A INPUT -j REJECT', '-A INPUT -p udp -m udp --dport 8472 -j ACCEPT\n-A INPUT -j REJECT')}`,
            ],
          ]),
        }),
    },
    {
      name: 'one node only',
      snapshot: () =>
        node(
          { 'host/iptables-save.txt': editedIptables([[':OUTPUT ACCEPT [0:0]', STOCK_INPUT]]) },
          clusterFiles([NODES[1]!]),
        ),
    },
  ],
  invalid: [
    {
      name: 'the stock REJECT at the end of INPUT rejects VXLAN from cp-1',
      snapshot: () => node({ 'host/iptables-save.txt': editedIptables([[':OUTPUT ACCEPT [0:0]', STOCK_INPUT]]) }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'blocked',
          data: { port: 8472, verdict: 'rejects', peer: '192.168.56.10 (node cp-1)' },
          cites: ['host/iptables-save.txt:10'],
        },
      ],
    },
    {
      name: 'INPUT policy DROP with only ssh allowed',
      snapshot: () =>
        node({
          'host/iptables-save.txt': editedIptables([
            [':INPUT ACCEPT [0:0]\n:FORWARD DROP', ':INPUT DROP [0:0]\n:FORWARD DROP'],
            [':OUTPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'],
          ]),
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'blocked',
          data: { verdict: 'drops' },
          cites: ['host/iptables-save.txt:3'],
        },
      ],
    },
    {
      name: 'host-only: flannel.1 routes show peers, a neighbour stands in for their address',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: capturedNode(
            'worker-1',
            { 'host/iptables-save.txt': editedIptables([[':OUTPUT ACCEPT [0:0]', STOCK_INPUT]]) },
            {},
          ).files,
        }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'blocked', data: { verdict: 'rejects' } }],
    },
    {
      // before node-scope: the bastion's INPUT DROP failed as "drops VXLAN from cp-1" (a root cause)
      name: 'a bundle of a jump host that is no node: unknown not-a-node there, the node still judged',
      snapshot: () => snapshotOf(capturedNode('worker-1', {}, clusterFiles(NODES)), bastionWithDrop()),
      findings: [
        { status: 'unknown', subject: 'node:bastion', messageId: 'not-a-node', missing: ['fact:kubernetes-host'] },
        { status: 'pass', subject: 'node:worker-1', messageId: 'open' },
      ],
    },
    {
      name: 'no iptables dump: unknown',
      snapshot: () => node({ 'host/iptables-save.txt': null }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-save'] }],
    },
  ],
});
