import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubeList, nodeJson, snapshotOf, configMapJson, serviceJson } from './testing.js';

const REF = new URL('../../fixtures/reference/model/', import.meta.url);
const ref = (name: string): object => JSON.parse(readFileSync(new URL(name, REF), 'utf8')) as object;
const refText = (name: string): string => readFileSync(new URL(name, REF), 'utf8');

// constructed (no real capture in the reference set): kubeadm's ClusterConfiguration as stored in
// the kubeadm-config ConfigMap, v1beta4 field names
const CLUSTER_CONFIGURATION = `apiServer: {}
apiVersion: kubeadm.k8s.io/v1beta4
clusterName: kubernetes
controlPlaneEndpoint: 192.168.56.10:6443
kind: ClusterConfiguration
kubernetesVersion: v1.32.0
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
`;

const KUBELET = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
resolvConf: /run/systemd/resolve/resolv.conf
`;

const base = {
  'cluster/nodes.json': kubeList([
    nodeJson({ name: 'cp' }),
    nodeJson({ name: 'w1', podCIDR: '10.244.1.0/24' }),
    nodeJson({ name: 'w2', podCIDR: null }),
  ]),
  'cluster/services.json': kubeList([ref('service-kube-dns.json')]),
  'cluster/configmaps/kube-system/coredns.json': ref('configmap-coredns.json'),
  'cluster/configmaps/kube-system/kube-proxy.json': ref('configmap-kube-proxy.json'),
  'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': ref('configmap-kube-flannel-cfg.json'),
  'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
    name: 'kubeadm-config',
    data: { ClusterConfiguration: CLUSTER_CONFIGURATION },
  }),
  'host/kubelet-config.yaml': KUBELET,
};
const B = 'netsnap-w1';

describe('derived facts on real-shaped configs', () => {
  const s = snapshotOf({ node: 'w1', files: base });
  const d = s.derived;

  it('loads everything without problems', () => {
    expect(s.problems).toEqual([]);
  });

  it('pod CIDR as flannel, kube-proxy, kubeadm and each node see it, with openable places', () => {
    expect(d.podCidr.flannel).toEqual({
      value: '10.244.0.0/16',
      by: 'flannel',
      at: {
        bundle: B,
        path: 'cluster/configmaps/kube-flannel/kube-flannel-cfg.json',
        pointer: '/data/net-conf.json',
        line: 2,
      },
    });
    expect(s.files.lines(d.podCidr.flannel!.at, 2, 2)).toEqual(['  "Network": "10.244.0.0/16",']);
    expect(d.podCidr.kubeProxy?.value).toBe('10.244.0.0/16');
    expect(d.podCidr.kubeProxy?.at).toMatchObject({
      path: 'cluster/configmaps/kube-system/kube-proxy.json',
      pointer: '/data/config.conf',
    });
    const kpLine = d.podCidr.kubeProxy!.at.line!;
    expect(s.files.lines(d.podCidr.kubeProxy!.at, kpLine, kpLine)).toEqual(['clusterCIDR: 10.244.0.0/16']);
    expect(d.podCidr.kubeadm).toMatchObject({
      value: '10.244.0.0/16',
      by: 'kubeadm',
      at: { pointer: '/data/ClusterConfiguration', line: 9 },
    });
    expect(d.podCidr.nodes.map((n) => [n.by, n.value, n.at.pointer])).toEqual([
      ['node/cp', '10.244.0.0/24', '/items/0/spec/podCIDR'],
      ['node/w1', '10.244.1.0/24', '/items/1/spec/podCIDR'],
    ]);
  });

  it('service CIDR from kubeadm', () => {
    expect(d.serviceCidr).toMatchObject({ value: '10.96.0.0/12', by: 'kubeadm', at: { line: 10 } });
  });

  it('kube-proxy mode "" is the iptables default', () => {
    expect(d.kubeProxyMode).toMatchObject({
      value: 'iptables',
      by: 'kube-proxy',
      at: { pointer: '/data/config.conf' },
    });
  });

  it('CoreDNS forward upstreams with their Corefile line', () => {
    expect(d.corednsUpstreams).toEqual([
      {
        value: '/etc/resolv.conf',
        by: 'coredns',
        at: { bundle: B, path: 'cluster/configmaps/kube-system/coredns.json', pointer: '/data/Corefile', line: 13 },
      },
    ]);
    expect(s.files.lines(d.corednsUpstreams[0]!.at, 13, 13)).toEqual(['    forward . /etc/resolv.conf {']);
  });

  it('kube-dns ClusterIP and kubelet clusterDNS per node', () => {
    expect(d.kubeDnsClusterIP).toEqual({
      value: '10.96.0.10',
      by: 'service/kube-system/kube-dns',
      at: { bundle: B, path: 'cluster/services.json', pointer: '/items/0/spec/clusterIP' },
    });
    expect(d.kubeletClusterDNS).toEqual([
      { value: ['10.96.0.10'], by: 'kubelet/w1', at: { bundle: B, path: 'host/kubelet-config.yaml', line: 4 } },
    ]);
  });
});

describe('derived facts: variants', () => {
  it('the article typo: every upstream of `forward . 233.5.5.5 8.8.8.8` is listed', () => {
    const s = snapshotOf({
      files: {
        'cluster/configmaps/kube-system/coredns.json': configMapJson({
          name: 'coredns',
          data: { Corefile: '.:53 {\n    errors\n    forward . 233.5.5.5 8.8.8.8\n}\n' },
        }),
      },
    });
    expect(s.derived.corednsUpstreams.map((u) => [u.value, u.at.line])).toEqual([
      ['233.5.5.5', 3],
      ['8.8.8.8', 3],
    ]);
  });

  it('an explicit kube-proxy mode wins; without config the log line says the mode', () => {
    const ipvs = snapshotOf({
      files: {
        'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
          name: 'kube-proxy',
          data: {
            'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n',
          },
        }),
      },
    });
    expect(ipvs.derived.kubeProxyMode).toMatchObject({ value: 'ipvs', at: { line: 3 } });
    const fromLog = snapshotOf({
      files: { 'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log': refText('kube-proxy-v1.31.log') },
    });
    expect(fromLog.derived.kubeProxyMode).toEqual({
      value: 'iptables',
      by: 'kube-proxy log',
      at: { bundle: 'netsnap-node-1', path: 'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log', line: 9 },
    });
    // 1.28+ says "Using iptables proxy" first; a log cut before the Proxier line still states the mode
    const firstLine = refText('kube-proxy-v1.31.log').split('\n')[0] + '\n';
    const cut = snapshotOf({ files: { 'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log': firstLine } });
    expect(cut.derived.kubeProxyMode).toMatchObject({ value: 'iptables', at: { line: 1 } });
    // dual-stack wording: "Creating dualStackProxier for ipvs"
    const dual = snapshotOf({
      files: {
        'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log':
          'I0301 10:00:00.000000       1 server_others.go:269] "Creating dualStackProxier for ipvs"\n',
      },
    });
    expect(dual.derived.kubeProxyMode).toMatchObject({ value: 'ipvs', at: { line: 1 } });
  });

  it('flannel in kube-system (older manifests) is found too; nothing derived from nothing', () => {
    const cm = ref('configmap-kube-flannel-cfg.json') as { metadata: { namespace: string } };
    const s = snapshotOf({
      files: {
        'cluster/configmaps/kube-system/kube-flannel-cfg.json': {
          ...cm,
          metadata: { ...cm.metadata, namespace: 'kube-system' },
        },
      },
    });
    expect(s.derived.podCidr.flannel?.value).toBe('10.244.0.0/16');
    expect(s.cluster.flannelCniConf?.ref.pointer).toBe('/data/cni-conf.json');
    const empty = snapshotOf({ files: { 'cluster/services.json': kubeList([serviceJson({ name: 'web' })]) } });
    expect(empty.derived).toEqual({
      podCidr: { flannel: undefined, kubeProxy: undefined, kubeadm: undefined, nodes: [] },
      serviceCidr: undefined,
      kubeProxyMode: undefined,
      corednsUpstreams: [],
      kubeDnsClusterIP: undefined,
      kubeletClusterDNS: [],
      podNetworks: [],
      nodePodCidrs: new Map(),
      serviceNetworks: [],
      components: new Map(),
      kubernetesHost: new Map(),
    });
  });

  it('a broken embedded config gives a problem with the ConfigMap file, data pointer and line inside it', () => {
    const s = snapshotOf({
      files: {
        'cluster/configmaps/kube-system/coredns.json': configMapJson({
          name: 'coredns',
          data: { Corefile: '.:53 {\n    errors\n    forward . 8.8.8.8 {\n' },
        }),
      },
    });
    const p = s.problems.filter((x) => x.code === 'parse');
    expect(p.length).toBeGreaterThan(0);
    expect(p[0]).toMatchObject({ file: 'cluster/configmaps/kube-system/coredns.json', pointer: '/data/Corefile' });
  });
});
