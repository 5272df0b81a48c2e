// Small Calico clusters for the NET-211..NET-216 table tests: calico-node pods, Calico CRD lists,
// events. The readiness message is the shape kubelet records for calico-node's probe, as quoted in
// public troubleshooting notes of Calico 3.x clusters ("Readiness probe failed: <confd health line>
// calico/node is not ready: BIRD is not ready: BGP not established with 10.190.66.227,10.190.66.232").
import { kubeList, nodeJson, podJson } from '../../model/testing-objects.js';

export const READINESS =
  'Readiness probe failed: 2021-01-04 17:24:47.807 [INFO][436] confd/health.go 180: Number of node(s) with BGP peering established = 0\ncalico/node is not ready: BIRD is not ready: BGP not established with 10.0.0.10,10.0.0.11';

export const calicoPod = (node: string, ready = true, bird = true): object => {
  const pod = podJson({
    name: `calico-node-${node
      .replace(/[^a-z0-9]/g, '')
      .slice(-5)
      .padStart(5, 'x')}`,
    namespace: 'kube-system',
    node,
    hostNetwork: true,
    ready,
    labels: { 'k8s-app': 'calico-node' },
    containers: [{ name: 'calico-node', image: 'docker.io/calico/node:v3.28.2' }],
  }) as { spec: { containers: { env?: object[] }[] } };
  pod.spec.containers[0]!.env = [{ name: 'CALICO_NETWORKING_BACKEND', value: bird ? 'bird' : 'none' }];
  return pod;
};

export const pool = (spec: Record<string, unknown>, name = 'default-ipv4-ippool'): object => ({
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'IPPool',
  metadata: { name },
  spec: { cidr: '10.244.0.0/16', blockSize: 26, ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, ...spec },
});

export const unhealthy = (pod: string, message = READINESS): object => ({
  metadata: { name: `${pod}.17a`, namespace: 'kube-system' },
  involvedObject: { kind: 'Pod', name: pod, namespace: 'kube-system' },
  reason: 'Unhealthy',
  type: 'Warning',
  message,
});

/** cluster/ files: nodes (10.0.0.10 + i), calico-node pods, pools, BGP peers, events */
export function calicoCluster(o: {
  nodes?: { name: string; annotations?: Record<string, string> }[];
  pods?: object[];
  pools?: object[] | null;
  peers?: object[] | null;
  events?: object[] | null;
  kubeadmPodSubnet?: string;
}): Record<string, string | object> {
  const nodes = o.nodes ?? [{ name: 'worker-1' }];
  const files: Record<string, string | object> = {
    'cluster/nodes.json': kubeList(
      nodes.map((n, i) => nodeJson({ name: n.name, internalIP: `10.0.0.${10 + i}`, annotations: n.annotations })),
    ),
    'cluster/pods.json': kubeList(o.pods ?? nodes.map((n) => calicoPod(n.name))),
    'cluster/configmaps/kube-system/kubeadm-config.json': {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kubeadm-config', namespace: 'kube-system' },
      data: {
        ClusterConfiguration: `apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: ${o.kubeadmPodSubnet ?? '10.244.0.0/16'}\n  serviceSubnet: 10.96.0.0/12\n`,
      },
    },
  };
  if (o.pools !== null) files['cluster/calico/ippools.json'] = kubeList(o.pools ?? [pool({})]);
  if (o.peers !== null) files['cluster/calico/bgppeers.json'] = kubeList(o.peers ?? []);
  if (o.events !== null) files['cluster/events.json'] = kubeList(o.events ?? []);
  return files;
}
