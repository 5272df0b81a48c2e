import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, editedIptables, reference } from '../lib/host-testing.js';
import { forwardChainDropsPodTraffic } from './forward-chain-drops-pod-traffic.js';

const FLANNEL_JUMP = '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD\n';
const FIRST_FORWARD = '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD\n';

// `nft list ruleset` of a firewalld node (nftables backend, firewalld 1.x): its own forward hook
const FIREWALLD = (zones: string) => `table inet firewalld {
	ct helper helper-netbios-ns-udp {
		type "netbios-ns" protocol udp
		l3proto ip
	}

	chain filter_FORWARD {
		type filter hook forward priority filter + 10; policy accept;
		ct state { established, related } accept
		ct status dnat accept
		iifname "lo" accept
		ct state invalid drop
		ip6 daddr { ::/96, ::ffff:0.0.0.0/96, 2002::/24, 2002:a00::/24, 2002:7f00::/24, 2002:a9fe::/32, 2002:ac10::/28, 2002:c0a8::/32, 2002:e000::/19 } reject with icmpv6 addr-unreachable
		jump filter_FORWARD_ZONES
		reject with icmpx admin-prohibited
	}

	chain filter_FORWARD_ZONES {
${zones}		iifname "eth0" goto filter_FWD_public
		goto filter_FWD_public
	}
}
`;
const KUBE_PROXY_NFT = `table ip kube-proxy {
	chain filter-forward {
		type filter hook forward priority -110; policy accept;
		ct state new jump service-endpoints-check
		ct state new jump cluster-ips-check
	}
}
`;

ruleTester(forwardChainDropsPodTraffic).run({
  valid: [
    {
      name: 'policy DROP but FLANNEL-FWD accepts the pod network (real capture)',
      snapshot: () => snapshotOf(capturedNode()),
    },
    {
      name: 'policy ACCEPT and no flannel rules',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [':FORWARD DROP', ':FORWARD ACCEPT'],
              [FLANNEL_JUMP, ''],
            ]),
          }),
        ),
    },
    {
      name: "iptables accepts; kube-proxy's nftables forward chain refuses nothing by default",
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/nft-ruleset.txt': KUBE_PROXY_NFT })),
    },
    {
      name: 'a port-specific REJECT ahead of the ACCEPTs does not decide for pod traffic',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [
                FIRST_FORWARD,
                `-A FORWARD -p tcp -m tcp --dport 25 -j REJECT --reject-with icmp-port-unreachable\n${FIRST_FORWARD}`,
              ],
            ]),
          }),
        ),
    },
    {
      name: 'a Docker-style DROP for another bridge does not match pod traffic',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [FIRST_FORWARD, `-A FORWARD -o docker0 -j DROP\n${FIRST_FORWARD}`],
            ]),
          }),
        ),
    },
  ],
  invalid: [
    {
      name: 'policy DROP and flannel rules gone',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]) })),
      // the tracer's pod packet 10.244.1.2 -> 1.1.1.1:443 falls off FORWARD: the policy line is cited
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'dropped',
          data: { chain: 'FORWARD', by: 'the DROP policy', direction: 'egress', src: '10.244.1.2', dst: '1.1.1.1' },
          cites: ['host/iptables-save.txt:4'],
        },
      ],
    },
    {
      // the tracer stops at a jump loop (issue 19): unknown, citing the rule where it stopped, not "missing
      // iptables-save"
      name: "a jump loop on the FORWARD path is undetermined, with the tracer's reason",
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [':OUTPUT ACCEPT [0:0]\n', ':OUTPUT ACCEPT [0:0]\n:LOOP-A - [0:0]\n:LOOP-B - [0:0]\n'],
              [FIRST_FORWARD, `-A FORWARD -j LOOP-A\n-A LOOP-A -j LOOP-B\n-A LOOP-B -j LOOP-A\n${FIRST_FORWARD}`],
            ]),
          }),
        ),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          messageId: 'undetermined',
          cites: ['host/iptables-save.txt:13'],
        },
      ],
    },
    {
      name: "traffic from other nodes' pods (in on flannel.1) dropped, egress fine",
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [FIRST_FORWARD, `-A FORWARD -i flannel.1 -j DROP\n${FIRST_FORWARD}`],
            ]),
          }),
        ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'dropped',
          data: { direction: 'ingress', by: 'rule 1 (DROP)', dst: '10.244.1.2' },
          cites: ['host/iptables-save.txt:9'],
        },
      ],
    },
    {
      name: 'firewalld REJECT ahead of the flannel ACCEPTs',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': editedIptables([
              [FLANNEL_JUMP, `-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n${FLANNEL_JUMP}`],
            ]),
          }),
        ),
      findings: [
        { status: 'fail', subject: 'node:worker-1', data: { chain: 'FORWARD', by: 'rule 3 (REJECT)', line: 11 } },
      ],
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
            'host/iptables-save.txt': editedIptables([
              ['-A FLANNEL-FWD -s 10.244.0.0/16', '-A FLANNEL-FWD -j RETURN\n-A FLANNEL-FWD -s 10.244.0.0/16'],
            ]),
          }),
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { by: 'the DROP policy' } }],
    },
    {
      // the issue's done-means: no cluster access, the pod subnet is cni0's 10.244.1.1/24
      name: 'host-only bundle: FORWARD DROP, cni0 and flannel.1, no nodes list',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]) }, {})),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'dropped',
          data: { by: 'the DROP policy', direction: 'egress', src: '10.244.1.2' },
          cites: ['host/iptables-save.txt:4'],
        },
      ],
    },
    {
      name: 'host-only bundle: the pod subnet from subnet.env when there is no pod bridge',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]),
              'host/ip-addr.json': JSON.stringify(
                JSON.parse(reference('ip-j-d-addr.json')).filter((l: { ifname: string }) => l.ifname !== 'cni0'),
              ),
              'host/flannel-subnet.env':
                'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
            },
            {},
          ),
        ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'dropped',
          data: { direction: 'egress', src: '10.244.1.2' },
        },
      ],
    },
    {
      name: 'host-only bundle without a pod bridge, subnet.env or nodes list: unknown',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/iptables-save.txt': editedIptables([[FLANNEL_JUMP, '']]),
              'host/ip-addr.json': JSON.stringify(
                JSON.parse(reference('ip-j-d-addr.json')).filter((l: { ifname: string }) => l.ifname !== 'cni0'),
              ),
            },
            {},
          ),
        ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.nodes'] }],
    },
    {
      name: "iptables accepts, but firewalld's nftables filter_FORWARD rejects what no zone accepts (no pod zone)",
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/nft-ruleset.txt': FIREWALLD('') })),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'nftRejects',
          data: { table: 'inet firewalld', chain: 'filter_FORWARD', by: 'reject with icmpx admin-prohibited' },
          cites: ['host/nft-ruleset.txt:7', 'host/nft-ruleset.txt:15'],
        },
      ],
    },
    {
      name: 'firewalld with cni0 in a zone: its zones are not evaluated, unknown rather than pass',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/nft-ruleset.txt': FIREWALLD('\t\tiifname "cni0" goto filter_FWD_trusted\n'),
          }),
        ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', messageId: 'nftUnevaluated' }],
    },
    {
      name: 'a hand-written nftables forward chain with policy drop and nothing for pods',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/nft-ruleset.txt':
              'table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tiifname "eth0" oifname "eth1" accept\n\t}\n}\n',
          }),
        ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'nftRejects',
          data: { table: 'inet filter', by: 'policy drop' },
          cites: ['host/nft-ruleset.txt:2'],
        },
      ],
    },
    {
      name: 'no iptables-save, but the nft ruleset: firewalld refuses pod traffic whatever iptables says',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': null, 'host/nft-ruleset.txt': FIREWALLD('') })),
      findings: [
        { status: 'fail', subject: 'node:worker-1', messageId: 'nftRejects', cites: ['host/nft-ruleset.txt:15'] },
      ],
    },
    {
      name: 'no iptables-save; firewalld with cni0 in a zone: unknown',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', {
            'host/iptables-save.txt': null,
            'host/nft-ruleset.txt': FIREWALLD('\t\tiifname "cni0" goto filter_FWD_trusted\n'),
          }),
        ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-save'] }],
    },
    {
      name: 'no iptables-save: unknown',
      snapshot: () => snapshotOf(capturedNode('worker-1', { 'host/iptables-save.txt': null })),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.iptables-save'] }],
    },
  ],
});
