import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles, reference } from '../lib/host-testing.js';
import { subnetMismatchOnNode } from './subnet-mismatch-on-node.js';

// /run/flannel/subnet.env as flanneld writes it (/work/shared/reference/04 section 5)
const env = (subnet: string) => `FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=${subnet}\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`;
const node = (podCIDR: string | null, subnet?: string, over: Record<string, string | null> = {}) =>
  snapshotOf(capturedNode('worker-1', { 'host/flannel-subnet.env': subnet === undefined ? null : env(subnet), ...over }, clusterFiles([{ name: 'worker-1', podCIDR }])));

ruleTester(subnetMismatchOnNode).run({
  valid: [{ name: 'all three say 10.244.1.0/24 (real cni0 capture)', snapshot: () => node('10.244.1.0/24', '10.244.1.1/24') }],
  invalid: [
    {
      name: 'cni0 left from an old lease',
      snapshot: () => node('10.244.3.0/24', '10.244.3.1/24'),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'mismatch', data: { cni0: '10.244.1.0/24', stale: 'cni0', subnetEnv: '10.244.3.0/24' } }],
    },
    {
      name: 'subnet.env stale after the node got a new podCIDR (no cni0 yet)',
      snapshot: () => node('10.244.5.0/24', '10.244.1.1/24', { 'host/ip-addr.json': JSON.stringify((JSON.parse(reference('ip-j-d-addr.json')) as { ifname: string }[]).filter((l) => l.ifname !== 'cni0')) }),
      findings: [{ status: 'fail', subject: 'node:worker-1', data: { stale: 'subnet.env', cni0: 'none' } }],
    },
    {
      name: 'no subnet.env and no podCIDR: unknown',
      snapshot: () => node(null, undefined),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.flannel-subnet-env', 'cluster.nodes'] }],
    },
  ],
});
