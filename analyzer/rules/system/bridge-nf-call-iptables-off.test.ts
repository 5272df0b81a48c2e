import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, reference } from '../lib/host-testing.js';
import { bridgeNfCallIptablesOff } from './bridge-nf-call-iptables-off.js';

const sysctl = (bridge: string | undefined) => {
  const base = reference('sysctl.txt');
  return bridge === undefined ? base.replace(/net\.bridge\.bridge-nf-call-iptables = 1\n/, '') : base.replace('bridge-nf-call-iptables = 1', `bridge-nf-call-iptables = ${bridge}`);
};

ruleTester(bridgeNfCallIptablesOff).run({
  valid: [{ name: 'bridge-nf-call-iptables = 1 (real capture)', snapshot: () => snapshotOf(capturedNode()) }],
  invalid: [
    { name: 'bridge-nf-call-iptables = 0', snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': sysctl('0') })), findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'sysctlOff' }] },
    {
      name: 'the key is absent and no module list: unknown',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': sysctl(undefined) })),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl', 'host.modules'] }],
    },
  ],
});
