import { ruleTester } from '../testing.js';
import { kubeList, snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles, reference } from '../lib/host-testing.js';
import { subnetMismatchOnNode } from './subnet-mismatch-on-node.js';

// /run/flannel/subnet.env as flanneld writes it (/work/shared/reference/04 section 5)
const env = (subnet: string) =>
  `FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=${subnet}\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`;
const node = (podCIDR: string | null, subnet?: string, over: Record<string, string | null> = {}) =>
  snapshotOf(
    capturedNode(
      'worker-1',
      { 'host/flannel-subnet.env': subnet === undefined ? null : env(subnet), ...over },
      clusterFiles([{ name: 'worker-1', podCIDR }]),
    ),
  );

ruleTester(subnetMismatchOnNode).run({
  valid: [
    { name: 'all three say 10.244.1.0/24 (real cni0 capture)', snapshot: () => node('10.244.1.0/24', '10.244.1.1/24') },
  ],
  invalid: [
    {
      // before: pass "podCIDR, subnet.env and cni0 agree" although the podCIDR was never compared
      name: 'a podCIDR a redactor hid: unknown redacted, even with subnet.env and cni0 agreeing',
      snapshot: () => node('***HIDDEN***/24', '10.244.1.1/24'),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          messageId: 'redacted',
          data: { value: '***HIDDEN***/24' },
          missing: ['cluster.nodes'],
          cites: ['cluster/nodes.json#/items/0/spec/podCIDR'],
        },
      ],
    },
    {
      name: 'a hidden podCIDR beside a subnet.env and cni0 that disagree: still fails',
      snapshot: () => node('***HIDDEN***/24', '10.244.3.1/24'),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'mismatch' }],
    },
    {
      name: 'cni0 left from an old lease',
      snapshot: () => node('10.244.3.0/24', '10.244.3.1/24'),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'mismatch',
          data: { cni0: '10.244.1.0/24', stale: 'cni0', subnetEnv: '10.244.3.0/24' },
        },
      ],
    },
    {
      name: 'subnet.env stale after the node got a new podCIDR (no cni0 yet)',
      snapshot: () =>
        node('10.244.5.0/24', '10.244.1.1/24', {
          'host/ip-addr.json': JSON.stringify(
            (JSON.parse(reference('ip-j-d-addr.json')) as { ifname: string }[]).filter((l) => l.ifname !== 'cni0'),
          ),
        }),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { stale: 'subnet.env', cni0: 'none' } }],
    },
    {
      name: 'cni0 holds the lease address and a stale second one',
      snapshot: () => {
        const addrs = (JSON.parse(reference('ip-j-d-addr.json')) as { ifname: string; addr_info: object[] }[]).map(
          (l) =>
            l.ifname === 'cni0'
              ? {
                  ...l,
                  addr_info: [
                    ...l.addr_info,
                    { family: 'inet', local: '10.244.9.1', prefixlen: 24, scope: 'global', label: 'cni0' },
                  ],
                }
              : l,
        );
        return node('10.244.1.0/24', '10.244.1.1/24', { 'host/ip-addr.json': JSON.stringify(addrs) });
      },
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'mismatch',
          data: { cni0: '10.244.9.0/24', stale: 'cni0' },
        },
      ],
    },
    {
      // kubelet's FailedCreatePodSandBox event carrying the CNI bridge plugin's refusal
      name: 'cluster-only: the sandbox event says cni0 has another address',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            'cluster/events.json': kubeList([
              {
                metadata: { name: 'web-1.17f', namespace: 'default' },
                involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' },
                reason: 'FailedCreatePodSandBox',
                type: 'Warning',
                source: { component: 'kubelet', host: 'worker-2' },
                message:
                  'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "4f0b" network for pod "web-1": networkPlugin cni failed to set up pod "web-1_default" network: failed to set bridge addr: "cni0" already has an IP address different from 10.244.2.1/24',
              },
            ]),
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-2',
          messageId: 'refused',
          data: { bridge: 'cni0', subnet: '10.244.2.1/24' },
          cites: ['cluster/events.json#/items/0/message'],
        },
      ],
    },
    {
      // cloudfoundry-incubator/kubo-release#228: after a recreate cni0 kept 10.200.29.1/24, flannel.1 got 10.200.78.0
      name: "host-only, no subnet.env: cni0 does not hold flannel.1's lease address",
      snapshot: () => {
        const addrs = (
          JSON.parse(reference('ip-j-d-addr.json')) as { ifname: string; addr_info: { family: string }[] }[]
        ).map((l) =>
          l.ifname === 'flannel.1'
            ? {
                ...l,
                addr_info: [
                  { family: 'inet', local: '10.244.78.0', prefixlen: 32 },
                  ...l.addr_info.filter((a) => a.family === 'inet6'),
                ],
              }
            : l,
        );
        return snapshotOf({ node: 'worker-1', files: { 'host/ip-addr.json': JSON.stringify(addrs) } });
      },
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'overlay',
          data: { cni0: '10.244.1.0/24', overlay: '10.244.78.0', stale: 'cni0' },
          cites: ['host/ip-addr.json#/1/addr_info/0', 'host/ip-addr.json#/6/addr_info/0'],
        },
      ],
    },
    {
      name: 'no subnet.env and no podCIDR: cni0 and flannel.1 still agree',
      snapshot: () => node(null, undefined),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'agree', data: { subnet: '10.244.1.0/24' } }],
    },
    {
      name: 'podCIDR and subnet.env agree but no addresses collected: unknown (cni0 not seen), never a pass',
      snapshot: () => node('10.244.1.0/24', '10.244.1.1/24', { 'host/ip-addr.json': null }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.ip-addr'] }],
    },
    {
      name: 'a cluster-only bundle (no node bundle): unknown, not silent',
      snapshot: () =>
        snapshotOf({ node: 'cp-1', files: clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }]) }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['host.flannel-subnet-env', 'host.ip-addr'] }],
    },
    {
      name: 'no subnet.env, no podCIDR, no addresses: unknown',
      snapshot: () => node(null, undefined, { 'host/ip-addr.json': null }),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          missing: ['host.flannel-subnet-env', 'cluster.nodes', 'host.ip-addr'],
        },
      ],
    },
  ],
});
