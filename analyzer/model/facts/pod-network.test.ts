import { describe, expect, it } from 'vitest';
import { configMapJson, kubeList, nodeJson, podJson, snapshotOf } from '../testing.js';
import type { Seen } from '../types.js';

// kubeadm v1.32 ClusterConfiguration as stored in kubeadm-config (constructed, v1beta4 names)
const CLUSTER_CONFIGURATION = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.32.0
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
`;

// the shape of kubeadm's /etc/kubernetes/manifests/kube-controller-manager.yaml (v1.32, trimmed)
const KCM_MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-controller-manager
    tier: control-plane
  name: kube-controller-manager
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-controller-manager
    - --allocate-node-cidrs=true
    - --cluster-cidr=10.244.0.0/16
    - --service-cluster-ip-range=10.96.0.0/12
    image: registry.k8s.io/kube-controller-manager:v1.32.0
`;

const NET_CONF = '{\n  "Network": "10.244.0.0/16",\n  "SubnetLen": 26,\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n';
const KUBE_PROXY_CONF =
  'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nclusterCIDR: 10.244.0.0/16\nkind: KubeProxyConfiguration\nmode: ""\n';
const SUBNET_ENV =
  'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n';

const kcmPod = podJson({
  name: 'kube-controller-manager-cp',
  namespace: 'kube-system',
  node: 'cp',
  hostNetwork: true,
  containers: [{ name: 'kube-controller-manager', args: [] }],
}) as { spec: { containers: Record<string, unknown>[] } };
(kcmPod.spec.containers[0] as Record<string, unknown>).command = [
  'kube-controller-manager',
  '--allocate-node-cidrs=true',
  '--cluster-cidr',
  '10.244.0.0/16',
  '--service-cluster-ip-range=10.96.0.0/12',
];

const link = (ifindex: number, ifname: string, addrs: readonly [string, number][]) => ({
  ifindex,
  ifname,
  flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
  mtu: 1450,
  operstate: 'UP',
  addr_info: addrs.map(([local, prefixlen]) => ({ family: 'inet', local, prefixlen, scope: 'global', label: ifname })),
});

const row = (x: Seen<string>) => [x.by, x.value, x.at.path, x.at.line ?? x.at.pointer];

describe('podNetworks: every source that states the pod network, best first', () => {
  const s = snapshotOf({
    node: 'w1',
    files: {
      'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
        name: 'kubeadm-config',
        data: { ClusterConfiguration: CLUSTER_CONFIGURATION },
      }),
      'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': configMapJson({
        name: 'kube-flannel-cfg',
        namespace: 'kube-flannel',
        data: { 'net-conf.json': NET_CONF },
      }),
      'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
        name: 'kube-proxy',
        data: { 'config.conf': KUBE_PROXY_CONF },
      }),
      'cluster/pods.json': kubeList([podJson({ name: 'web-1', node: 'w1', ip: '10.244.1.5' }), kcmPod]),
      'cluster/nodes.json': kubeList([
        nodeJson({ name: 'cp', podCIDR: '10.244.0.0/24' }),
        nodeJson({ name: 'w1', podCIDR: '10.244.1.0/24' }),
      ]),
      'host/static-pods/kube-controller-manager.yaml': KCM_MANIFEST,
      'host/flannel-subnet.env': SUBNET_ENV,
      'host/ip-addr.json': [
        link(1, 'lo', [['127.0.0.1', 8]]),
        link(2, 'eth0', [['192.168.56.11', 24]]),
        link(3, 'flannel.1', [['10.244.1.0', 32]]),
        link(4, 'cni0', [['10.244.1.1', 24]]),
      ],
    },
  });

  it('kubeadm, controller-manager (pod spec, then static manifest), flannel, kube-proxy, subnet.env', () => {
    expect(s.derived.podNetworks.map(row)).toEqual([
      ['kubeadm', '10.244.0.0/16', 'cluster/configmaps/kube-system/kubeadm-config.json', 6],
      ['kube-controller-manager', '10.244.0.0/16', 'cluster/pods.json', '/items/1/spec/containers/0/command/3'],
      ['kube-controller-manager/w1', '10.244.0.0/16', 'host/static-pods/kube-controller-manager.yaml', 14],
      ['flannel', '10.244.0.0/16', 'cluster/configmaps/kube-flannel/kube-flannel-cfg.json', 2],
      ['kube-proxy', '10.244.0.0/16', 'cluster/configmaps/kube-system/kube-proxy.json', 2],
      ['subnet.env/w1', '10.244.0.0/16', 'host/flannel-subnet.env', 1],
    ]);
    // each place is the line that says it
    expect(s.files.lines(s.derived.podNetworks[2]!.at, 14, 14)).toEqual(['    - --cluster-cidr=10.244.0.0/16']);
  });

  it("each node's subnet: spec.podCIDR, then the node's lease, its cni0 network, flannel.1 with net-conf's SubnetLen", () => {
    expect(s.derived.nodePodCidrs.get('cp')?.map(row)).toEqual([
      ['node/cp', '10.244.0.0/24', 'cluster/nodes.json', '/items/0/spec/podCIDR'],
    ]);
    expect(s.derived.nodePodCidrs.get('w1')?.map(row)).toEqual([
      ['node/w1', '10.244.1.0/24', 'cluster/nodes.json', '/items/1/spec/podCIDR'],
      ['subnet.env/w1', '10.244.1.0/24', 'host/flannel-subnet.env', 2],
      ['cni0/w1', '10.244.1.0/24', 'host/ip-addr.json', '/3/addr_info/0'],
      ['flannel.1/w1', '10.244.1.0/26', 'host/ip-addr.json', '/2/addr_info/0'],
    ]);
  });

  it('the old podCidr field still says what it said', () => {
    expect(s.derived.podCidr.kubeadm?.value).toBe('10.244.0.0/16');
    expect(s.derived.podCidr.flannel?.value).toBe('10.244.0.0/16');
    expect(s.derived.podCidr.kubeProxy?.value).toBe('10.244.0.0/16');
    expect(s.derived.podCidr.nodes.map((n) => n.value)).toEqual(['10.244.0.0/24', '10.244.1.0/24']);
  });
});

describe('podNetworks on other distributions and partial bundles', () => {
  it('k3s: config.yaml cluster-cidr (dual stack split), a config.yaml.d drop-in, the agent flannel net-conf', () => {
    const s = snapshotOf({
      node: 'k3s-1',
      files: {
        'host/k3s/config.yaml':
          'write-kubeconfig-mode: "0644"\ncluster-cidr: "10.42.0.0/16,2001:cafe:42::/56"\nservice-cidr: 10.43.0.0/16\n',
        'host/k3s/config.yaml.d/10-net.yaml': 'cluster-cidr:\n  - 10.52.0.0/16\n',
        'host/k3s/flannel-net-conf.json':
          '{\n\t"Network": "10.42.0.0/16",\n\t"EnableIPv6": false,\n\t"EnableIPv4": true,\n\t"IPv6Network": "::/0",\n\t"Backend": {\n\t"Type": "vxlan"\n}\n}\n',
      },
    });
    expect(s.derived.podNetworks.map(row)).toEqual([
      ['k3s/k3s-1 cluster-cidr', '10.42.0.0/16', 'host/k3s/config.yaml', 2],
      ['k3s/k3s-1 cluster-cidr', '2001:cafe:42::/56', 'host/k3s/config.yaml', 2],
      ['k3s/k3s-1 cluster-cidr', '10.52.0.0/16', 'host/k3s/config.yaml.d/10-net.yaml', 2],
      ['flannel/k3s-1', '10.42.0.0/16', 'host/k3s/flannel-net-conf.json', 2],
    ]);
  });

  it("RKE2: kube-proxy's static pod --cluster-cidr", () => {
    const s = snapshotOf({
      node: 'r1',
      files: {
        'host/rke2/pod-manifests/kube-proxy.yaml':
          'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - args:\n    - --cluster-cidr=10.42.0.0/16\n    - --conntrack-max-per-core=0\n    command:\n    - kube-proxy\n',
      },
    });
    expect(s.derived.podNetworks.map(row)).toEqual([
      ['kube-proxy/r1', '10.42.0.0/16', 'host/rke2/pod-manifests/kube-proxy.yaml', 6],
    ]);
  });

  it('microk8s: kube-proxy --cluster-cidr in its args file', () => {
    const s = snapshotOf({
      node: 'mk',
      files: {
        'host/microk8s/args/kube-proxy':
          '--kubeconfig=${SNAP_DATA}/credentials/proxy.config\n--cluster-cidr=10.1.0.0/16\n--healthz-bind-address=127.0.0.1\n',
      },
    });
    expect(s.derived.podNetworks.map(row)).toEqual([
      ['kube-proxy/mk', '10.1.0.0/16', 'host/microk8s/args/kube-proxy', 2],
    ]);
  });

  it('a host-only bundle: the lease and the bridge state the node subnet; a value that is not a CIDR is no statement', () => {
    const s = snapshotOf({
      node: 'w2',
      files: {
        'host/flannel-subnet.env': 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=not-a-cidr\n',
        'host/ip-addr.json': [link(3, 'cbr0', [['10.244.2.1', 24]])],
      },
    });
    expect(s.derived.podNetworks.map(row)).toEqual([['subnet.env/w2', '10.244.0.0/16', 'host/flannel-subnet.env', 1]]);
    expect(s.derived.nodePodCidrs.get('w2')?.map(row)).toEqual([
      ['cbr0/w2', '10.244.2.0/24', 'host/ip-addr.json', '/0/addr_info/0'],
    ]);
  });

  it('nothing stated, nothing derived', () => {
    const s = snapshotOf({ node: 'x', files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' } });
    expect(s.derived.podNetworks).toEqual([]);
    expect([...s.derived.nodePodCidrs]).toEqual([]);
  });
});
