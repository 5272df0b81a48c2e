import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, reference } from '../lib/host-testing.js';
import { bridgeNfCallIptablesOff } from './bridge-nf-call-iptables-off.js';

const sysctl = (bridge: string | undefined) => {
  const base = reference('sysctl.txt');
  return bridge === undefined
    ? base.replace(/net\.bridge\.bridge-nf-call-iptables = 1\n/, '')
    : base.replace('bridge-nf-call-iptables = 1', `bridge-nf-call-iptables = ${bridge}`);
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

// flannel >= 0.26 exits with this line (flannel-io/flannel#2166); k3s logs its own sysctl failure
const FLANNEL_LOG = 'cluster/logs/kube-flannel/kube-flannel-ds-zg58f/kube-flannel.log';
const FLANNEL_NO_BR =
  'E0119 10:12:01.123456       1 main.go:278] Failed to check br_netfilter: stat /proc/sys/net/bridge/bridge-nf-call-iptables: no such file or directory';
const K3S_JOURNAL = 'host/journal/k3s.log';
const K3S_NO_BR =
  '2026-09-15T10:00:00+0000 node-1 k3s[812]: time="2026-09-15T10:00:00Z" level=error msg="Failed to set sysctl: open /proc/sys/net/bridge/bridge-nf-call-iptables: no such file or directory"';

ruleTester(bridgeNfCallIptablesOff).run({
  valid: [
    { name: 'bridge-nf-call-iptables = 1 (real capture)', snapshot: () => snapshotOf(capturedNode()) },
    {
      name: 'the sysctl reads 1 now: an old flannel line from before br_netfilter was loaded does not decide',
      snapshot: () => snapshotOf(capturedNode('worker-1', { [FLANNEL_LOG]: `${FLANNEL_NO_BR}\n` }, {})),
    },
  ],
  invalid: [
    {
      name: 'bridge-nf-call-iptables = 0',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': sysctl('0') })),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'sysctlOff' }],
    },
    {
      name: 'br_netfilter not loaded: the sysctl does not exist',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', { 'host/sysctl.txt': sysctl(undefined), 'host/modules.txt': MODULES_WITHOUT_BR }),
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'moduleMissing' }],
    },
    {
      name: "no sysctl, no module list: flannel's log says the bridge sysctl does not exist",
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': null, [FLANNEL_LOG]: `${FLANNEL_NO_BR}\n` }, {})),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'logNoSysctl',
          data: { who: 'flannel', line: 1 },
          cites: [`${FLANNEL_LOG}:1`],
        },
      ],
    },
    {
      name: "the key is absent, no module list: k3s's journal says it could not set it",
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', { 'host/sysctl.txt': sysctl(undefined), [K3S_JOURNAL]: `${K3S_NO_BR}\n` }, {}),
        ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'logNoSysctl',
          data: { who: 'the k3s/RKE2 service' },
          cites: [`${K3S_JOURNAL}:1`],
        },
      ],
    },
    {
      name: 'the key is absent and no module list: unknown',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': sysctl(undefined) })),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl', 'host.modules'] }],
    },
  ],
});
