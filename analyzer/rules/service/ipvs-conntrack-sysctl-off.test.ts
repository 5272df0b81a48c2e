import { ruleTester } from '../testing.js';
import { snapshotOf, type RawBundleSpec } from '../../model/testing.js';
import { ipvsConntrackSysctlOff } from './ipvs-conntrack-sysctl-off.js';

// ipvsadm -Ln as the real kubeadm capture prints it (fixtures/reference/ipvs/ipvsadm-Ln-kubeadm.txt, first service)
const IPVSADM =
  'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 rr\n  -> 10.0.0.100:6443              Masq    1      0          0         \n';
const host = (node: string, files: Record<string, string>): RawBundleSpec => ({ node, files });
const ipvsNode = (node: string, sysctl?: string) =>
  host(node, { 'host/ipvsadm.txt': IPVSADM, ...(sysctl === undefined ? {} : { 'host/sysctl.txt': sysctl }) });

ruleTester(ipvsConntrackSysctlOff).run({
  valid: [
    {
      name: 'IPVS node with net.ipv4.vs.conntrack = 1 (kube-proxy set it)',
      snapshot: () => snapshotOf(ipvsNode('worker-1', 'net.ipv4.ip_forward = 1\nnet.ipv4.vs.conntrack = 1\n')),
    },
    {
      name: 'iptables-mode node (no virtual services, no IPVS mode): not judged, even with the key at 0',
      snapshot: () => snapshotOf(host('worker-1', { 'host/sysctl.txt': 'net.ipv4.vs.conntrack = 0\n' })),
    },
  ],
  invalid: [
    {
      name: 'IPVS node with net.ipv4.vs.conntrack = 0',
      snapshot: () => snapshotOf(ipvsNode('worker-1', 'net.ipv4.ip_forward = 1\nnet.ipv4.vs.conntrack = 0\n')),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'off',
          data: { value: '0' },
          cites: ['host/sysctl.txt:2'],
        },
      ],
    },
    {
      name: 'only the node at 0 fails',
      snapshot: () =>
        snapshotOf(
          ipvsNode('worker-1', 'net.ipv4.vs.conntrack = 1\n'),
          ipvsNode('worker-2', 'net.ipv4.vs.conntrack = 0\n'),
        ),
      findings: [
        { status: 'pass', subject: 'node:worker-1', messageId: 'on' },
        { status: 'fail', subject: 'node:worker-2', messageId: 'off' },
      ],
    },
    {
      name: 'IPVS node, sysctl not collected: unknown',
      snapshot: () => snapshotOf(ipvsNode('worker-1')),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl'] }],
    },
    {
      name: 'IPVS node whose sysctl file lacks the key: unknown (the ip_vs sysctls exist only with ip_vs loaded)',
      snapshot: () => snapshotOf(ipvsNode('worker-1', 'net.ipv4.ip_forward = 1\n')),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl'] }],
    },
    {
      name: 'IPVS mode from the kube-proxy config, no ipvsadm listing, key absent: unknown (absent)',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n',
            'host/rke2/config.yaml': 'kube-proxy-arg:\n  - proxy-mode=ipvs\n',
          },
        }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', messageId: 'absent', missing: ['host.sysctl'] }],
    },
  ],
});
