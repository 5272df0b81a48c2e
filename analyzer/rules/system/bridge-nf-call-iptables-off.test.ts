import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, reference } from '../lib/host-testing.js';
import { bridgeNfCallIptablesOff } from './bridge-nf-call-iptables-off.js';

const sysctl = (bridge: string | undefined) => {
  const base = reference('sysctl.txt');
  return bridge === undefined ? base.replace(/net\.bridge\.bridge-nf-call-iptables = 1\n/, '') : base.replace('bridge-nf-call-iptables = 1', `bridge-nf-call-iptables = ${bridge}`);
};

// /proc/modules lines (name size refcount deps state address), as the kernel prints them
const MODULES_WITHOUT_BR = [
  'vxlan 110592 0 - Live 0x0000000000000000',
  'ip6_udp_tunnel 16384 1 vxlan, Live 0x0000000000000000',
  'udp_tunnel 28672 1 vxlan, Live 0x0000000000000000',
  'nf_conntrack 188416 4 xt_conntrack,nf_nat,xt_MASQUERADE,nf_conntrack_netlink, Live 0x0000000000000000',
  'overlay 151552 0 - Live 0x0000000000000000',
  '',
].join('\n');

ruleTester(bridgeNfCallIptablesOff).run({
  valid: [{ name: 'bridge-nf-call-iptables = 1 (real capture)', snapshot: () => snapshotOf(capturedNode()) }],
  invalid: [
    { name: 'bridge-nf-call-iptables = 0', snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': sysctl('0') })), findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'sysctlOff' }] },
    {
      name: 'br_netfilter not loaded: the sysctl does not exist',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': sysctl(undefined), 'host/modules.txt': MODULES_WITHOUT_BR })),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'moduleMissing' }],
    },
    {
      name: 'the key is absent and no module list: unknown',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': sysctl(undefined) })),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl', 'host.modules'] }],
    },
  ],
});
