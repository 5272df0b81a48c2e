import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseKubeadmClusterConfig, parseKubeletConfig, parseKubeProxyConfig } from './kube-config.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/reference/config/${name}`, import.meta.url), 'utf8');

describe('parseKubeProxyConfig', () => {
  it('reads the real kubeadm config.conf (mode "" and clusterCIDR with lines)', () => {
    const { value, problems } = parseKubeProxyConfig(fixture('kube-proxy-config.conf'));
    expect(problems).toEqual([]);
    expect(value.mode).toBe('');
    expect(value.clusterCIDR).toBe('10.244.0.0/16');
    expect(value.bindAddress).toBe('0.0.0.0');
    expect(value.iptables).toEqual({ masqueradeAll: false, syncPeriod: '0s', minSyncPeriod: '0s' });
    expect(value.ipvs).toEqual({ scheduler: '', strictARP: false, syncPeriod: '0s' });
    expect(value.conntrack).toEqual({ maxPerCore: null, min: null });
    expect([
      value.lines.get('clusterCIDR'),
      value.lines.get('mode'),
      value.lines.get('iptables.masqueradeAll'),
      value.lines.get('nftables.masqueradeAll'),
    ]).toEqual([10, 50, 29, 52]);
    expect(value.raw.kind).toBe('KubeProxyConfiguration');
  });

  it('reads the ipvs mode in its quoted and unquoted spellings', () => {
    const quoted = parseKubeProxyConfig(
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: "ipvs"\nipvs:\n  scheduler: "rr"\n  strictARP: true\n',
    );
    expect(quoted.problems).toEqual([]);
    expect([quoted.value.mode, quoted.value.ipvs, quoted.value.lines.get('ipvs.strictARP')]).toEqual([
      'ipvs',
      { scheduler: 'rr', strictARP: true },
      6,
    ]);
    const bare = parseKubeProxyConfig(
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n',
    );
    expect(bare.value.mode).toBe('ipvs');
  });

  it('warns (not fails) on the whole ConfigMap instead of config.conf', () => {
    const { value, problems } = parseKubeProxyConfig(fixture('kube-proxy-configmap.yaml'));
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [88, 'warning'],
      [1, 'warning'],
    ]);
    expect(value.mode).toBeUndefined();
  });

  it('picks the KubeProxyConfiguration out of a multi-document kubeadm --config file', () => {
    const text =
      'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\nclusterCIDR: 10.244.0.0/16\n';
    const { value, problems } = parseKubeProxyConfig(text);
    expect(problems).toEqual([]);
    expect([value.mode, value.lines.get('mode'), value.lines.get('clusterCIDR')]).toEqual(['nftables', 8, 9]);
  });

  it('reports wrong types with their line and drops the value', () => {
    const { value, problems } = parseKubeProxyConfig(
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\niptables:\n  masqueradeAll: "true"\n  masqueradeBit: 14\nclusterCIDR: [a]\n',
    );
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [4, 'warning'],
      [6, 'warning'],
    ]);
    expect(value.iptables).toEqual({ masqueradeBit: 14 });
    expect(value.clusterCIDR).toBeUndefined();
  });

  it('reads YAML 1.1 booleans as Kubernetes does', () => {
    expect(
      parseKubeProxyConfig(
        'kind: KubeProxyConfiguration\napiVersion: kubeproxy.config.k8s.io/v1alpha1\niptables:\n  masqueradeAll: yes\n',
      ).value.iptables?.masqueradeAll,
    ).toBe(true);
  });
});

describe('parseKubeletConfig', () => {
  it.each([
    ['kubelet-config-k1-1.29.yaml', ['10.96.0.10'], 'systemd', 16],
    ['kubelet-config-k2-1.32.yaml', ['172.20.0.10'], 'cgroupfs', 16],
    ['kubelet-config-k3-1.2x.yaml', ['10.96.0.10'], 'systemd', 16],
  ])('%s: clusterDNS %j, cgroupDriver %s', (file, dns, driver, dnsLine) => {
    const { value, problems } = parseKubeletConfig(fixture(file));
    expect(problems).toEqual([]);
    expect(value.clusterDNS).toEqual(dns);
    expect(value.clusterDomain).toBe('cluster.local');
    expect(value.resolvConf).toBe('/run/systemd/resolve/resolv.conf');
    expect(value.cgroupDriver).toBe(driver);
    expect(value.lines.get('clusterDNS')).toBe(dnsLine);
    expect(value.lines.get('clusterDNS.0')).toBe(dnsLine + 1);
    expect(value.lines.get('resolvConf')).toBeGreaterThan(dnsLine);
  });

  it('flags a clusterDNS that is not a list', () => {
    const { value, problems } = parseKubeletConfig(
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS: 10.96.0.10\n',
    );
    expect(value.clusterDNS).toBeUndefined();
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[3, 'warning']]);
  });
});

describe('parseKubeadmClusterConfig', () => {
  it('reads networking with lines', () => {
    const { value, problems } = parseKubeadmClusterConfig(fixture('kubeadm-cluster-configuration.yaml'));
    expect(problems).toEqual([]);
    expect([value.podSubnet, value.serviceSubnet, value.dnsDomain]).toEqual([
      '10.244.0.0/16',
      '10.96.0.0/12',
      'cluster.local',
    ]);
    expect([value.lines.get('networking.podSubnet'), value.lines.get('networking.serviceSubnet')]).toEqual([18, 19]);
  });

  it('leaves podSubnet absent when kubeadm was run without --pod-network-cidr', () => {
    const { value } = parseKubeadmClusterConfig(
      'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  dnsDomain: cluster.local\n  serviceSubnet: 10.96.0.0/12\n',
    );
    expect(value.podSubnet).toBeUndefined();
    expect(value.serviceSubnet).toBe('10.96.0.0/12');
  });
});

describe('kube configs: malformed input', () => {
  const parsers = [parseKubeProxyConfig, parseKubeletConfig, parseKubeadmClusterConfig];

  it('bad YAML gives an error with its line and keeps what it can', () => {
    const { value, problems } = parseKubeletConfig(
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS:\n- 10.96.0.10\n  bad: [\n',
    );
    expect(problems.some((p) => p.severity === 'error' && p.line !== undefined && p.line >= 4)).toBe(true);
    expect(value.raw.kind).toBe('KubeletConfiguration');
  });

  it.each([
    ['empty', ''],
    ['a list', '- a\n- b\n'],
    ['a scalar', 'just text'],
    ['binary', '\u0000\u0001\u0002\u00ff{[}]'],
    [
      'CRLF',
      'apiVersion: kubelet.config.k8s.io/v1beta1\r\nkind: KubeletConfiguration\r\nclusterDNS:\r\n- 10.96.0.10\r\n',
    ],
    ['a 1 MB value', `kind: KubeletConfiguration\nresolvConf: ${'x'.repeat(1_000_000)}\n`],
    [
      'alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n',
    ],
  ])('%s never throws', (_name, text) => {
    for (const parse of parsers) {
      const r = parse(text);
      expect(r.value.lines).toBeInstanceOf(Map);
    }
    expect(
      parseKubeletConfig(
        'apiVersion: kubelet.config.k8s.io/v1beta1\r\nkind: KubeletConfiguration\r\nclusterDNS:\r\n- 10.96.0.10\r\n',
      ).value.clusterDNS,
    ).toEqual(['10.96.0.10']);
  });

  it('random strings never throw', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        for (const parse of parsers) parse(s);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(':', ' ', '\n', '-', '[', ']', '{', '}', '&', '*', 'a', '"', "'", '#', '|', '>', '\t'),
        }),
        (s) => {
          for (const parse of parsers) parse(s);
        },
      ),
      { numRuns: 300 },
    );
  });
});
