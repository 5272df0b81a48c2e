import { describe, expect, it } from 'vitest';
import { configMapJson, kubeList, podJson, serviceJson, snapshotOf } from '../testing.js';
import type { Seen } from '../types.js';

const row = (x: Seen<string>) => [x.by, x.value, x.at.path, x.at.line ?? x.at.pointer];

const apiserver = podJson({
  name: 'kube-apiserver-cp',
  namespace: 'kube-system',
  node: 'cp',
  hostNetwork: true,
  containers: [{ name: 'kube-apiserver', args: [] }],
}) as { spec: { containers: Record<string, unknown>[] } };
(apiserver.spec.containers[0] as Record<string, unknown>).command = [
  'kube-apiserver',
  '--advertise-address=192.168.56.10',
  '--service-cluster-ip-range=10.96.0.0/12',
];

const kcm = podJson({
  name: 'kube-controller-manager-cp',
  namespace: 'kube-system',
  node: 'cp',
  hostNetwork: true,
  containers: [
    {
      name: 'kube-controller-manager',
      args: ['--allocate-node-cidrs=true', '--service-cluster-ip-range=10.96.0.0/12'],
    },
  ],
});

// RKE2's /var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml writes flags as a quoted list
const RKE2_APISERVER = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - args:
    - --allow-privileged=true
    - --service-cluster-ip-range=10.43.0.0/16
    command:
    - kube-apiserver
`;

describe('serviceNetworks: every source of the Service range, best first, the ClusterIP span last', () => {
  it('kubeadm, the apiserver pod, an RKE2 static manifest, an RKE2 service-cidr, then the span of ClusterIPs', () => {
    const s = snapshotOf({
      node: 'cp',
      files: {
        'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
          name: 'kubeadm-config',
          data: { ClusterConfiguration: 'networking:\n  podSubnet: 10.244.0.0/16\n  serviceSubnet: 10.96.0.0/12\n' },
        }),
        'cluster/pods.json': kubeList([apiserver, kcm]),
        'cluster/services.json': kubeList([
          serviceJson({
            name: 'kubernetes',
            clusterIP: '10.96.0.1',
            selector: null,
            ports: [{ port: 443, targetPort: 6443 }],
          }),
          serviceJson({ name: 'kube-dns', namespace: 'kube-system', clusterIP: '10.96.0.10' }),
          serviceJson({ name: 'headless', clusterIP: 'None' }),
        ]),
        'host/rke2/pod-manifests/kube-apiserver.yaml': RKE2_APISERVER,
        'host/rke2/config.yaml': 'service-cidr: "10.43.0.0/16" # the default\n',
      },
    });
    expect(s.derived.serviceNetworks.map(row)).toEqual([
      ['kubeadm', '10.96.0.0/12', 'cluster/configmaps/kube-system/kubeadm-config.json', 3],
      ['kube-apiserver', '10.96.0.0/12', 'cluster/pods.json', '/items/0/spec/containers/0/command/2'],
      ['kube-apiserver/cp', '10.43.0.0/16', 'host/rke2/pod-manifests/kube-apiserver.yaml', 10],
      ['kube-controller-manager', '10.96.0.0/12', 'cluster/pods.json', '/items/1/spec/containers/0/args/1'],
      ['rke2/cp service-cidr', '10.43.0.0/16', 'host/rke2/config.yaml', 1],
      // 10.96.0.0 (before kubernetes' 10.96.0.1) .. 10.96.0.10: cited at the kubernetes Service
      ['clusterIPs (span)', '10.96.0.0/28', 'cluster/services.json', '/items/0/spec/clusterIP'],
    ]);
  });

  it('without the kubernetes Service the span covers the ClusterIPs seen; one ClusterIP states no range', () => {
    const two = snapshotOf({
      files: {
        'cluster/services.json': kubeList([
          serviceJson({ name: 'a', clusterIP: '10.96.3.7' }),
          serviceJson({ name: 'b', clusterIP: '10.111.0.9' }),
        ]),
      },
    });
    expect(two.derived.serviceNetworks.map(row)).toEqual([
      ['clusterIPs (span)', '10.96.0.0/12', 'cluster/services.json', '/items/0/spec/clusterIP'],
    ]);
    const one = snapshotOf({
      files: { 'cluster/services.json': kubeList([serviceJson({ name: 'a', clusterIP: '10.96.3.7' })]) },
    });
    expect(one.derived.serviceNetworks).toEqual([]);
  });
});
