import { ruleTester } from '../testing.js';
import { configMapJson, kubeList, nodeJson, snapshotOf } from '../../model/testing.js';
import { clusterFiles } from '../lib/host-testing.js';
import { flannelNetworkMismatch } from './flannel-network-mismatch.js';

const NODES = [
  { name: 'cp-1', podCIDR: '10.244.0.0/24' },
  { name: 'worker-1', podCIDR: '10.244.1.0/24' },
];

ruleTester(flannelNetworkMismatch).run({
  valid: [
    {
      name: 'node subnets inside 10.244.0.0/16',
      snapshot: () => snapshotOf({ node: 'cp-1', files: clusterFiles(NODES) }),
    },
    {
      name: 'no flannel at all: no flannel pod, no flannel annotation on the listed nodes',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: { 'cluster/pods.json': { items: [] }, 'cluster/nodes.json': kubeList([nodeJson({ name: 'cp-1' })]) },
        }),
    },
    {
      name: 'host-only: FLANNEL_SUBNET inside FLANNEL_NETWORK',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'host/flannel-subnet.env':
              'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
          },
        }),
    },
  ],
  invalid: [
    {
      name: 'kubeadm gave 192.168.x subnets, flannel routes 10.244.0.0/16',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([
            { name: 'cp-1', podCIDR: '192.168.0.0/24' },
            { name: 'worker-1', podCIDR: '192.168.1.0/24' },
          ]),
        }),
      findings: [
        {
          status: 'fail',
          subject: 'configmap:kube-flannel/kube-flannel-cfg',
          messageId: 'mismatch',
          data: { count: 2 },
        },
      ],
    },
    {
      name: 'host-only bundle: whether flannel runs is unknown, never a pass',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { 'host/uname.txt': 'Linux\n' } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.nodes', 'cluster.pods'] }],
    },
    {
      // flannel-io/flannel#1428: kubeadm --pod-network-cidr=100.244.0.0/16 with the stock 10.244.0.0/16 net-conf
      name: 'host-only: the node lease (podCIDR) lies outside FLANNEL_NETWORK',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'host/flannel-subnet.env':
              'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=100.244.0.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'configmap:kube-flannel/kube-flannel-cfg',
          messageId: 'mismatch',
          data: { network: '10.244.0.0/16', count: 1 },
          cites: ['host/flannel-subnet.env:1', 'host/flannel-subnet.env:2'],
        },
      ],
    },
    {
      name: 'kubeadm podSubnet outside flannel Network, no nodes listed',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            ...clusterFiles([]),
            'cluster/nodes.json': kubeList([]),
            'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
              name: 'kubeadm-config',
              namespace: 'kube-system',
              data: {
                ClusterConfiguration:
                  'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.224.0.0/16\n  serviceSubnet: 10.96.0.0/12\n',
              },
            }),
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'configmap:kube-flannel/kube-flannel-cfg',
          messageId: 'mismatch',
          data: { count: 1 },
        },
      ],
    },
    {
      name: 'flannel config but nothing to compare it with: unknown, never a pass',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: { ...clusterFiles([]), 'cluster/nodes.json': kubeList([nodeJson({ name: 'cp-1', podCIDR: null })]) },
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'configmap:kube-flannel/kube-flannel-cfg',
          missing: ['cluster.nodes', 'host.flannel-subnet-env'],
        },
      ],
    },
    {
      // capture charmed-k8s-hotsos: flanneld under systemd (the flannel charm, configured from etcd), no kube-flannel
      // ConfigMap, no nodes list
      name: 'Charmed flanneld: subject the cluster (no ConfigMap exists), and one lease is not "every node podCIDR"',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'host/flannel-subnet.env':
              'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.84.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n',
            'host/systemd-units.txt': '/lib/systemd/system/flannel.service\n',
          },
        }),
      findings: [
        {
          status: 'pass',
          subject: 'cluster',
          messageId: 'matchesSome',
          data: { network: '10.1.0.0/16', what: 'the lease of worker-1 (FLANNEL_SUBNET 10.1.84.1/24)' },
        },
      ],
    },
    {
      name: 'Charmed flanneld whose lease lies outside its Network: fails on the cluster',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'host/flannel-subnet.env': 'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.2.84.1/24\n',
            'host/systemd-units.txt': '/lib/systemd/system/flannel.service\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'cluster',
          messageId: 'mismatch',
          cites: ['host/flannel-subnet.env:1', 'host/flannel-subnet.env:2'],
        },
      ],
    },
    {
      name: 'flannel Network is not a CIDR',
      snapshot: () => snapshotOf({ node: 'cp-1', files: clusterFiles(NODES, {}, '10.244.0.0/33') }),
      findings: [{ status: 'fail', subject: 'configmap:kube-flannel/kube-flannel-cfg', messageId: 'badNetwork' }],
    },
  ],
});
