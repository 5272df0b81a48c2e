import { ruleTester } from '../testing.js';
import { configMapJson, kubeList, nodeJson, snapshotOf } from '../../model/testing.js';
import { nodePodCidrsOverlap } from './node-pod-cidrs-overlap.js';

const nodes = (...n: [string, string | null][]) => ({
  'cluster/nodes.json': kubeList(n.map(([name, podCIDR]) => nodeJson({ name, podCIDR }))),
});
const kubeadm = (podSubnet: string) => ({
  'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
    name: 'kubeadm-config',
    namespace: 'kube-system',
    data: {
      ClusterConfiguration: `apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: ${podSubnet}\n  serviceSubnet: 10.96.0.0/12\n`,
    },
  }),
});
const env = (subnet: string) =>
  `FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=${subnet}\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`;

ruleTester(nodePodCidrsOverlap).run({
  valid: [
    {
      name: 'three distinct /24s',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: nodes(['cp-1', '10.244.0.0/24'], ['worker-1', '10.244.1.0/24'], ['worker-2', '10.244.2.0/24']),
        }),
    },
    {
      name: 'one node inside the kubeadm podSubnet',
      snapshot: () =>
        snapshotOf({ node: 'cp-1', files: { ...nodes(['cp-1', '10.244.0.0/24']), ...kubeadm('10.244.0.0/16') } }),
    },
    {
      name: 'host-only bundles of two nodes with their own leases',
      snapshot: () =>
        snapshotOf(
          { id: 'a', node: 'worker-1', files: { 'host/flannel-subnet.env': env('10.244.1.1/24') } },
          { id: 'b', node: 'worker-2', files: { 'host/flannel-subnet.env': env('10.244.2.1/24') } },
        ),
    },
  ],
  invalid: [
    {
      // before: pass "2 node subnets are distinct" although worker-2's was hidden by troubleshoot's redactor
      name: 'a podCIDR a redactor hid may overlap any other: unknown redacted, not distinct',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: nodes(['cp-1', '10.244.0.0/24'], ['worker-1', '10.244.1.0/24'], ['worker-2', '***HIDDEN***/24']),
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'cluster',
          messageId: 'redacted',
          data: { value: '***HIDDEN***/24' },
          missing: ['cluster.nodes'],
          cites: ['cluster/nodes.json#/items/2/spec/podCIDR'],
        },
      ],
    },
    {
      name: 'an overlap among the readable subnets still fails beside a hidden one',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: nodes(['cp-1', '10.244.0.0/24'], ['worker-1', '10.244.0.0/24'], ['worker-2', '***HIDDEN***/24']),
        }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'overlap' }],
    },
    {
      // flannel-io/flannel#1224: `kubectl patch node k8node001 -p '{"spec":{"podCIDR":"10.244.0.0/16"}}'`
      name: 'a node patched with the whole pod network swallows the others',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: nodes(['k8node001', '10.244.0.0/16'], ['k8node002', '10.244.1.0/24'], ['k8node003', '10.244.2.0/24']),
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:k8node001',
          messageId: 'overlap',
          data: { cidr: '10.244.0.0/16', other: 'k8node002' },
          cites: ['cluster/nodes.json#/items/0/spec/podCIDRs/0', 'cluster/nodes.json#/items/1/spec/podCIDRs/0'],
        },
      ],
    },
    {
      name: 'two nodes with the same /24: the later name is flagged once',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: nodes(['worker-a', '10.244.3.0/24'], ['worker-b', '10.244.3.0/24'], ['worker-c', '10.244.4.0/24']),
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-b',
          messageId: 'overlap',
          data: { other: 'worker-a', otherCidr: '10.244.3.0/24' },
        },
      ],
    },
    {
      name: 'two host bundles whose flannel leases are the same subnet',
      snapshot: () =>
        snapshotOf(
          { id: 'a', node: 'worker-1', files: { 'host/flannel-subnet.env': env('10.244.1.1/24') } },
          { id: 'b', node: 'worker-2', files: { 'host/flannel-subnet.env': env('10.244.1.1/24') } },
        ),
      findings: [
        { status: 'fail', subject: 'node:worker-2', messageId: 'overlap', cites: ['host/flannel-subnet.env:2'] },
      ],
    },
    {
      name: 'a node subnet outside the kubeadm podSubnet',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: { ...nodes(['cp-1', '10.244.0.0/24'], ['worker-1', '10.245.1.0/24']), ...kubeadm('10.244.0.0/16') },
        }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'outside', data: { range: '10.244.0.0/16' } }],
    },
    {
      name: 'one node and no cluster CIDR: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: nodes(['cp-1', '10.244.0.0/24']) }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['fact:pod-network'] }],
    },
    {
      name: 'nodes without podCIDR: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: nodes(['cp-1', null], ['worker-1', null]) }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.nodes'] }],
    },
  ],
});
