import { ruleTester } from '../testing.js';
import { kubeletClusterDns } from './kubelet-cluster-dns.js';
import { dnsFiles } from './testing.js';
import { configMapJson, kubeList, serviceJson, snapshotOf } from '../../model/testing.js';

const KUBELET = (ip: string) =>
  `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS:\n- ${ip}\nclusterDomain: cluster.local\n`;
const RKE2_SERVICES = kubeList([
  serviceJson({
    name: 'rke2-coredns-rke2-coredns',
    namespace: 'kube-system',
    clusterIP: '10.43.0.10',
    selector: { 'app.kubernetes.io/instance': 'rke2-coredns', 'k8s-app': 'kube-dns' },
    ports: [{ name: 'udp-53', port: 53, protocol: 'UDP', targetPort: 53 }],
  }),
]);
const snap =
  (files: Record<string, string | object>, omit: string[] = []) =>
  () =>
    snapshotOf({ node: 'worker-1', files: { ...dnsFiles({ omit }), ...files } });

ruleTester(kubeletClusterDns).run({
  valid: [
    { name: 'clusterDNS is the kube-dns IP', snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('10.96.0.10') }) },
  ],
  invalid: [
    {
      name: 'clusterDNS from another service CIDR',
      snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('10.10.0.10') }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'mismatch',
          data: { clusterDNS: '10.10.0.10', kubeDns: '10.96.0.10' },
        },
      ],
    },
    {
      name: 'kubelet flags only: --cluster-dns from kubeadm-flags.env (kubelet 1.4 drop-in form)',
      snapshot: snap({
        'host/kubeadm-flags.env':
          'KUBELET_KUBEADM_ARGS="--network-plugin=cni --cluster-dns=10.12.0.10 --cluster-domain=cluster.local"\n',
      }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'mismatch',
          data: { clusterDNS: '10.12.0.10', kubeDns: '10.96.0.10' },
          cites: ['host/kubeadm-flags.env:1'],
        },
      ],
    },
    {
      name: 'kubelet flags in a systemd drop-in Environment line (kubeadm 1.4)',
      snapshot: snap({
        'host/kubeadm-flags.env':
          '[Service]\nEnvironment="KUBELET_DNS_ARGS=--cluster-dns=10.12.0.10 --cluster-domain=cluster.local"\n',
      }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'mismatch',
          data: { clusterDNS: '10.12.0.10' },
          cites: ['host/kubeadm-flags.env:2'],
        },
      ],
    },
    {
      name: 'kubelet flags with the underscore spelling --cluster_dns',
      snapshot: snap({ 'host/kubeadm-flags.env': '  --cluster_dns=10.3.0.1 \\\n' }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'mismatch', data: { clusterDNS: '10.3.0.1' } }],
    },
    {
      name: 'no Service list: clusterDNS outside the Service network from kubeadm-config',
      snapshot: snap(
        {
          'host/kubelet-config.yaml': KUBELET('10.96.0.10'),
          'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
            name: 'kubeadm-config',
            data: {
              ClusterConfiguration:
                'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  serviceSubnet: 172.168.0.0/22\n  podSubnet: 10.244.0.0/16\n',
            },
          }),
        },
        ['cluster/services.json'],
      ),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'outside-service-network',
          data: { clusterDNS: '10.96.0.10', serviceNetwork: '172.168.0.0/22' },
        },
      ],
    },
    {
      name: 'no Service list: clusterDNS inside the Service network is not thereby the kube-dns ClusterIP: unknown',
      snapshot: snap(
        {
          'host/kubelet-config.yaml': KUBELET('172.168.0.10'),
          'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
            name: 'kubeadm-config',
            data: {
              ClusterConfiguration:
                'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  serviceSubnet: 172.168.0.0/22\n',
            },
          }),
        },
        ['cluster/services.json'],
      ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.services'] }],
    },
    {
      name: 'the same clusterDNS inside the Service network, with the Service list: kube-dns decides (mismatch)',
      snapshot: snap({
        'host/kubelet-config.yaml': KUBELET('10.96.0.11'),
        'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
          name: 'kubeadm-config',
          data: {
            ClusterConfiguration:
              'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  serviceSubnet: 10.96.0.0/12\n',
          },
        }),
      }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'mismatch',
          data: { clusterDNS: '10.96.0.11', kubeDns: '10.96.0.10' },
        },
      ],
    },
    {
      name: 'that clusterDNS, Service list dropped: inside 10.96.0.0/12 is not equality: unknown',
      snapshot: snap(
        {
          'host/kubelet-config.yaml': KUBELET('10.96.0.11'),
          'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
            name: 'kubeadm-config',
            data: {
              ClusterConfiguration:
                'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  serviceSubnet: 10.96.0.0/12\n',
            },
          }),
        },
        ['cluster/services.json'],
      ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.services'] }],
    },
    {
      name: 'RKE2: the DNS Service is kube-system/rke2-coredns-rke2-coredns (no kube-dns): clusterDNS 10.43.0.10 matches it',
      snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('10.43.0.10'), 'cluster/services.json': RKE2_SERVICES }),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'ok', data: { kubeDns: '10.43.0.10' } }],
    },
    {
      name: 'RKE2: clusterDNS 10.43.0.11 is not the rke2-coredns-rke2-coredns ClusterIP, which is cited',
      snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('10.43.0.11'), 'cluster/services.json': RKE2_SERVICES }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'mismatch',
          data: { clusterDNS: '10.43.0.11', kubeDns: '10.43.0.10' },
          cites: ['host/kubelet-config.yaml:3', 'cluster/services.json#/items/0/spec/clusterIP'],
        },
      ],
    },
    {
      name: 'kubelet config not collected',
      snapshot: snap({ 'host/resolv.conf': 'nameserver 192.168.56.1\n' }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.kubelet-config'] }],
    },
    {
      name: 'services not collected',
      snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('10.96.0.10') }, ['cluster/services.json']),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.services'] }],
    },
  ],
});
