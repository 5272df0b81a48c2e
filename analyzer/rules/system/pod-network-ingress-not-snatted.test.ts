import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, editedIptables } from '../lib/host-testing.js';
import { podNetworkIngressNotSnatted } from './pod-network-ingress-not-snatted.js';

const INGRESS_MASQ =
  '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully\n';
const EGRESS_MASQ =
  '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully\n';
const FLANNEL_JUMP = '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG\n';

ruleTester(podNetworkIngressNotSnatted).run({
  valid: [
    {
      name: 'FLANNEL-POSTRTG masquerades traffic entering the pod network (real capture)',
      snapshot: () => snapshotOf(capturedNode()),
    },
    {
      name: 'host-only bundle: the same from cni0 and the flannel routes',
      snapshot: () => snapshotOf(capturedNode('worker-1', {}, {})),
    },
    {
      name: 'a hand-written POSTROUTING MASQUERADE for everything entering the pod network counts',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [INGRESS_MASQ, ''],
              [FLANNEL_JUMP, `${FLANNEL_JUMP}-A POSTROUTING -d 10.244.0.0/16 -o flannel.1 -j MASQUERADE\n`],
            ]),
          }),
        ),
    },
  ],
  invalid: [
    {
      name: 'the ingress MASQUERADE removed, egress still masqueraded',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[INGRESS_MASQ, '']]) })),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'notSnatted',
          data: { src: '203.0.113.10', dst: '10.244.0.2', dev: 'flannel.1' },
          cites: ['host/iptables-save.txt:'],
        },
      ],
    },
    {
      name: 'host-only bundle: the ingress MASQUERADE removed',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[INGRESS_MASQ, '']]) }, {})),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'notSnatted' }],
    },
    {
      name: "no masquerade at all: SYS-104's finding, unknown here",
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [INGRESS_MASQ, ''],
              [EGRESS_MASQ, ''],
            ]),
          }),
        ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', messageId: 'egressFirst' }],
    },
    {
      name: 'an ipset match ahead of the MASQUERADE (members not collected): undetermined, not a verdict',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [INGRESS_MASQ, `-A FLANNEL-POSTRTG -m set --match-set LB-SOURCES src -j RETURN\n${INGRESS_MASQ}`],
            ]),
          }),
        ),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          messageId: 'undetermined',
          cites: ['host/iptables-save.txt:43'],
        },
      ],
    },
    {
      name: 'no iptables-save: unknown',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': null })),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-save'] }],
    },
  ],
});
