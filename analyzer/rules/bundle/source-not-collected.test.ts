import '../catalog.js';
import { ruleTester } from '../testing.js';
import { sourceNotCollected } from './source-not-collected.js';
import { bundleWithManifestFile, deniedSource } from './testing.js';
import { snapshotOf } from '../../model/testing.js';

ruleTester(sourceNotCollected).run({
  valid: [
    { name: 'everything collected', snapshot: () => snapshotOf(bundleWithManifestFile({ node: 'w1', files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' } })) },
    {
      name: 'absent tools are not failures',
      snapshot: () => snapshotOf(bundleWithManifestFile({ node: 'w1', files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' }, extraSources: [{ ...deniedSource('host/ipvsadm.txt'), status: 'absent', stderrTail: '' }] })),
    },
  ],
  invalid: [
    {
      name: 'iptables-save denied without root',
      snapshot: () => snapshotOf(bundleWithManifestFile({ id: 'b1', node: 'w1', files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' }, extraSources: [deniedSource('host/iptables-save.txt')] })),
      findings: [{ status: 'warn', subject: 'bundle:b1', messageId: 'failed', data: { source: 'host.iptables-save', status: 'denied' } }],
    },
  ],
});
