import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, editedIptables, reference } from '../lib/host-testing.js';
import { forwardChainDropsPodTraffic } from './forward-chain-drops-pod-traffic.js';

const FLANNEL_JUMP = '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD\n';
const FIRST_FORWARD = '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD\n';

ruleTester(forwardChainDropsPodTraffic).run({
  valid: [
    { name: 'policy DROP but FLANNEL-FWD accepts the pod network (real capture)', snapshot: () => snapshotOf(capturedNode()) },
    {
      name: 'policy ACCEPT and no flannel rules',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[':FORWARD DROP', ':FORWARD ACCEPT'], [FLANNEL_JUMP, '']]) })),
    },
    {
      name: 'a port-specific REJECT ahead of the ACCEPTs does not decide for pod traffic',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FIRST_FORWARD, `-A FORWARD -p tcp -m tcp --dport 25 -j REJECT --reject-with icmp-port-unreachable\n${FIRST_FORWARD}`]]) })),
    },
    {
      name: 'a Docker-style DROP for another bridge does not match pod traffic',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FIRST_FORWARD, `-A FORWARD -o docker0 -j DROP\n${FIRST_FORWARD}`]]) })),
    },
  ],
  invalid: [
    {
      name: 'policy DROP and flannel rules gone',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]) })),
      // the tracer's pod packet 10.244.1.2 -> 1.1.1.1:443 falls off FORWARD: the policy line is cited
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'dropped', data: { chain: 'FORWARD', by: 'the DROP policy', direction: 'egress', src: '10.244.1.2', dst: '1.1.1.1' }, cites: ['host/iptables-save.txt:4'] }],
    },
    {
      name: 'traffic from other nodes\' pods (in on flannel.1) dropped, egress fine',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FIRST_FORWARD, `-A FORWARD -i flannel.1 -j DROP\n${FIRST_FORWARD}`]]) })),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'dropped', data: { direction: 'ingress', by: 'rule 1 (DROP)', dst: '10.244.1.2' }, cites: ['host/iptables-save.txt:9'] }],
    },
    {
      name: 'firewalld REJECT ahead of the flannel ACCEPTs',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, `-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n${FLANNEL_JUMP}`]]) })),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { chain: 'FORWARD', by: 'rule 3 (REJECT)', line: 11 } }],
    },
    {
      name: 'a DROP inside a chain jumped to before flannel (DOCKER-USER)',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [':FLANNEL-FWD - [0:0]\n', ':FLANNEL-FWD - [0:0]\n:DOCKER-USER - [0:0]\n'],
              [FIRST_FORWARD, `-A FORWARD -j DOCKER-USER\n${FIRST_FORWARD}`],
              ['-A FLANNEL-FWD -s', '-A DOCKER-USER -s 10.244.0.0/16 -j DROP\n-A FLANNEL-FWD -s'],
            ]),
          }),
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { chain: 'DOCKER-USER', by: 'rule 1 (DROP)' } }],
    },
    {
      name: 'RETURN from a user chain continues in FORWARD to the policy',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([['-A FLANNEL-FWD -s 10.244.0.0/16', '-A FLANNEL-FWD -j RETURN\n-A FLANNEL-FWD -s 10.244.0.0/16']]),
          }),
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { by: 'the DROP policy' } }],
    },
    {
      // the issue's done-means: no cluster access, the pod subnet is cni0's 10.244.1.1/24
      name: 'host-only bundle: FORWARD DROP, cni0 and flannel.1, no nodes list',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]) }, {})),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'dropped', data: { by: 'the DROP policy', direction: 'egress', src: '10.244.1.2' }, cites: ['host/iptables-save.txt:4'] }],
    },
    {
      name: 'host-only bundle: the pod subnet from subnet.env when there is no pod bridge',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]),
              'host/ip-addr.json': JSON.stringify(JSON.parse(reference('ip-j-d-addr.json')).filter((l: { ifname: string }) => l.ifname !== 'cni0')),
              'host/flannel-subnet.env': 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
            },
            {},
          ),
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'dropped', data: { direction: 'egress', src: '10.244.1.2' } }],
    },
    {
      name: 'host-only bundle without a pod bridge, subnet.env or nodes list: unknown',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]),
              'host/ip-addr.json': JSON.stringify(JSON.parse(reference('ip-j-d-addr.json')).filter((l: { ifname: string }) => l.ifname !== 'cni0')),
            },
            {},
          ),
        ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.nodes'] }],
    },
    {
      name: 'no iptables-save: unknown',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': null })),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-save'] }],
    },
  ],
});
