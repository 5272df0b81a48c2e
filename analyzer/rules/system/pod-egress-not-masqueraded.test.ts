import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, editedIptables, reference } from '../lib/host-testing.js';
import { podEgressNotMasqueraded } from './pod-egress-not-masqueraded.js';

const FLANNEL_JUMP = '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG\n';
const FLANNEL_MASQ =
  '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully\n';

// flannel v0.8.0's start-up as flannel-io/flannel#824 quotes it (the error line shortened there too)
const FLANNEL_LOG = 'cluster/logs/kube-system/kube-flannel-ds-7xk2p/kube-flannel.log';
const ADDING =
  'I0920 18:11:54.868735       1 ipmasq.go:51] Adding iptables rule: -s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN';
const FAILED =
  'E0920 18:11:56.160171       1 main.go:265] Failed to set up IP Masquerade: failed to insert IP masquerade rule: running [/usr/local/bin/iptables -t nat -A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --wait]: exit status 4';
const ADDED_LATER =
  'I0920 18:12:01.100000       1 ipmasq.go:51] Adding iptables rule: -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE';
const FILTER_ONLY =
  'E0213 03:44:30.343178       1 iptables.go:115] Failed to ensure iptables rules: Error checking rule existence: failed to check rule existence: running [/sbin/iptables -t filter -C FORWARD -s 10.244.0.0/16 -j ACCEPT --wait]: exit status 3';
const noDump = (log: string) =>
  snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': null, [FLANNEL_LOG]: `${log}\n` }, {}));

ruleTester(podEgressNotMasqueraded).run({
  valid: [
    { name: 'FLANNEL-POSTRTG masquerades (real capture)', snapshot: () => snapshotOf(capturedNode()) },
    {
      name: 'a plain -s <pod CIDR> -j MASQUERADE in POSTROUTING counts',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [FLANNEL_JUMP, '-A POSTROUTING -s 10.244.0.0/16 -j MASQUERADE\n'],
            ]),
          }),
        ),
    },
    {
      name: 'old flannel (<= v0.16) rules directly in POSTROUTING',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [
                FLANNEL_JUMP,
                '-A POSTROUTING -s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN\n-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully\n',
              ],
            ]),
          }),
        ),
    },
  ],
  invalid: [
    {
      name: 'flannel masquerade jump gone: only kube-proxy mark-based MASQUERADE left',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]) })),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'notMasqueraded',
          data: { src: '10.244.1.2', verdict: 'KUBE-POSTROUTING rule 1 RETURN' },
        },
      ],
    },
    {
      name: 'the MASQUERADE for the pod network removed from FLANNEL-POSTRTG',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FLANNEL_MASQ, '']]) })),
      findings: [{ status: 'fail', subject: 'node:worker-1' }],
    },
    {
      name: 'a MASQUERADE for another network does not count',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [FLANNEL_JUMP, '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n'],
            ]),
          }),
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1' }],
    },
    {
      name: 'no node podCIDR, no routes, no addresses: unknown, naming each',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { 'host/iptables-save.txt': editedIptables([]) } }),
      findings: [
        { status: 'unknown', subject: 'node:worker-1', missing: ['host.ip-route', 'host.ip-addr', 'cluster.nodes'] },
      ],
    },
    {
      name: 'host-only bundle: the pod subnet from cni0, FLANNEL-POSTRTG masquerades',
      snapshot: () => snapshotOf(capturedNode('worker-1', {}, {})),
      findings: [
        { status: 'pass', subject: 'node:worker-1', messageId: 'masqueraded', data: { chain: 'FLANNEL-POSTRTG' } },
      ],
    },
    {
      name: 'host-only bundle: the pod subnet from cni0, flannel masquerade jump gone',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/iptables-save.txt': editedIptables([
                ['-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG\n', ''],
              ]),
            },
            {},
          ),
        ),
      findings: [
        { status: 'fail', subject: 'node:worker-1', messageId: 'notMasqueraded', data: { src: '10.244.1.2' } },
      ],
    },
    {
      name: "an ipset match ahead of flannel's MASQUERADE (members not collected): undetermined, not a verdict",
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [FLANNEL_MASQ, `-A FLANNEL-POSTRTG -m set --match-set EGRESS-EXEMPT dst -j RETURN\n${FLANNEL_MASQ}`],
            ]),
          }),
        ),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          messageId: 'undetermined',
          cites: ['host/iptables-save.txt:42'],
        },
      ],
    },
    {
      name: "no rules dump; flannel's log: the masquerade rule failed and was never retried (flannel 0.8)",
      snapshot: () => noDump(`${ADDING}\n${FAILED}`),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'logMasqFailed',
          data: { line: 2 },
          cites: [`${FLANNEL_LOG}:2`],
        },
      ],
    },
    {
      name: 'no rules dump; the failure was followed by a successful MASQUERADE insert: unknown',
      snapshot: () => noDump(`${ADDING}\n${FAILED}\n${ADDED_LATER}`),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-save'] }],
    },
    {
      name: 'no rules dump; a filter-table failure says nothing about masquerading: unknown',
      snapshot: () => noDump(FILTER_ONLY),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-save'] }],
    },
    {
      name: 'no nodes list, no pod bridge, no subnet.env: unknown',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/ip-addr.json': JSON.stringify(
                JSON.parse(reference('ip-j-d-addr.json')).filter((l: { ifname: string }) => l.ifname !== 'cni0'),
              ),
            },
            {},
          ),
        ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.nodes'] }],
    },
  ],
});
