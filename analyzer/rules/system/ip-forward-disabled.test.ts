import { ruleTester } from '../testing.js';
import { snapshotOf, type RawBundleSpec } from '../../model/testing.js';
import { ipForwardDisabled } from './ip-forward-disabled.js';

const host = (node: string, sysctl?: string): RawBundleSpec => ({
  node,
  files: sysctl === undefined ? { 'host/uname.txt': 'Linux\n' } : { 'host/sysctl.txt': sysctl },
});

ruleTester(ipForwardDisabled).run({
  valid: [
    {
      name: 'forwarding on',
      snapshot: () => snapshotOf(host('worker-1', 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n')),
    },
    {
      name: 'no host bundle at all: nothing to check',
      snapshot: () => snapshotOf({ node: 'x', files: { 'cluster/version.json': {} } }),
    },
  ],
  invalid: [
    {
      name: 'forwarding off',
      snapshot: () => snapshotOf(host('worker-1', 'net.ipv4.ip_forward = 0\n')),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'off', data: { value: '0' } }],
    },
    {
      name: 'only the broken node of two fails',
      snapshot: () =>
        snapshotOf(host('worker-1', 'net.ipv4.ip_forward = 1\n'), host('worker-2', 'net.ipv4.ip_forward = 0\n')),
      findings: [{ status: 'fail', subject: 'node:worker-2' }],
    },
    {
      name: 'sysctl not collected: unknown',
      snapshot: () => snapshotOf(host('worker-1')),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl'] }],
    },
  ],
});
