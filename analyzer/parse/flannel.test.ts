import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  flannelLogProblem,
  flannelLogRunning,
  parseFlannelNetConf,
  parseKeyValueEnv,
  parseSubnetEnv,
  splitKubeletArgs,
} from './flannel.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/reference/config/${name}`, import.meta.url), 'utf8');

describe('parseFlannelNetConf', () => {
  it.each([
    ['net-conf-flannel-0.28.9.json', { Network: '10.244.0.0/16', EnableNFTables: false, Backend: { Type: 'vxlan' } }],
    ['net-conf-flannel-0.17.0.json', { Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } }],
  ])('%s', (file, expected) => {
    const { value, problems } = parseFlannelNetConf(fixture(file));
    expect(problems).toEqual([]);
    expect(value).toEqual(expected);
  });

  it('keeps dual-stack and backend options, passes unknown keys through', () => {
    const { value, problems } = parseFlannelNetConf(
      '{"EnableIPv6": true, "Network": "10.42.0.0/16", "IPv6Network": "2001:cafe:42::/56", "SubnetLen": 24, "Backend": {"Type": "vxlan", "VNI": 4096, "Port": 4789, "DirectRouting": true, "MacPrefix": "0E-2A"}, "Custom": 1}',
    );
    expect(problems).toEqual([]);
    expect(value.IPv6Network).toBe('2001:cafe:42::/56');
    expect(value.Backend).toEqual({ Type: 'vxlan', VNI: 4096, Port: 4789, DirectRouting: true, MacPrefix: '0E-2A' });
    expect(value.Custom).toBe(1);
  });

  it('reports wrong types with the key line and drops them', () => {
    const { value, problems } = parseFlannelNetConf(
      '{\n  "Network": 10,\n  "Backend": {\n    "Type": "vxlan",\n    "VNI": "1"\n  }\n}',
    );
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [2, 'error'],
      [5, 'error'],
      [1, 'warning'],
    ]);
    expect(value.Network).toBeUndefined();
    expect(value.Backend).toEqual({ Type: 'vxlan' });
  });

  it('gives the line of a JSON syntax error', () => {
    const { value, problems } = parseFlannelNetConf(
      '{\n  "Network": "10.244.0.0/16",\n  "Backend": {\n    "Type": "vxlan",\n  }\n}',
    );
    expect(value).toEqual({});
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[5, 'error']]);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseFlannelNetConf(s);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.json(), (s) => {
        parseFlannelNetConf(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseSubnetEnv', () => {
  it.each([
    ['subnet-env-kind-worker.env', '10.244.0.0/16', '10.244.2.1/24', 1450, true],
    ['subnet-env-gce.env', '10.244.0.0/16', '10.244.0.1/24', 1410, true],
    ['subnet-env-sample.env', '10.1.0.0/16', '10.1.74.1/24', 1472, false],
    ['subnet-env-dual-stack.env', '10.42.0.0/16', '10.42.0.1/24', 1450, true],
  ])('%s', (file, network, subnet, mtu, ipmasq) => {
    const { value, problems } = parseSubnetEnv(fixture(file));
    expect(problems).toEqual([]);
    expect([value.network, value.subnet, value.mtu, value.ipmasq]).toEqual([network, subnet, mtu, ipmasq]);
    expect([value.vars.get('FLANNEL_NETWORK')?.line, value.vars.get('FLANNEL_SUBNET')?.line]).toEqual([1, 2]);
  });

  it('keeps the IPv6 variants with their lines', () => {
    const { value } = parseSubnetEnv(fixture('subnet-env-dual-stack.env'));
    expect(value.vars.get('FLANNEL_IPV6_NETWORK')).toEqual({ value: '2001:cafe:42::/56', line: 3 });
    expect(value.vars.get('FLANNEL_IPV6_SUBNET')).toEqual({ value: '2001:cafe:42::1/64', line: 4 });
  });

  it('reports bad values and lines with their line numbers', () => {
    const { value, problems } = parseSubnetEnv(
      'FLANNEL_NETWORK=10.244.0.0/16\r\nFLANNEL_MTU=abc\r\nFLANNEL_IPMASQ=yes\r\nnot a pair\r\n',
    );
    expect(value.network).toBe('10.244.0.0/16');
    expect([value.mtu, value.ipmasq]).toEqual([undefined, undefined]);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [4, 'warning'],
      [2, 'warning'],
      [3, 'warning'],
    ]);
  });

  it('warns when the file has no network (flanneld has not written it)', () => {
    expect(parseSubnetEnv('').problems.map((p) => p.severity)).toEqual(['warning']);
    expect(parseSubnetEnv('\u0000\u0001garbage').problems.length).toBe(2);
  });

  it('survives a 1 MB line', () => {
    const { value, problems } = parseSubnetEnv(
      `FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=${'9'.repeat(1_000_000)}\nFLANNEL_MTU=1450\n`,
    );
    expect(problems).toEqual([]);
    expect([value.subnet?.length, value.mtu, value.vars.get('FLANNEL_MTU')?.line]).toEqual([1_000_000, 1450, 3]);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseSubnetEnv(s);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseKeyValueEnv / kubeadm-flags.env', () => {
  it('reads KUBELET_KUBEADM_ARGS and splits the flags', () => {
    const { value, problems } = parseKeyValueEnv(
      'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10 --node-ip=10.0.0.5"\n',
    );
    expect(problems).toEqual([]);
    const args = value.get('KUBELET_KUBEADM_ARGS')!;
    expect(args.line).toBe(1);
    const flags = splitKubeletArgs(args.value);
    expect([
      flags.get('container-runtime-endpoint'),
      flags.get('node-ip'),
      flags.get('pod-infra-container-image'),
    ]).toEqual(['unix:///var/run/containerd/containerd.sock', '10.0.0.5', 'registry.k8s.io/pause:3.10']);
  });

  it('accepts export, single quotes and comments', () => {
    const { value } = parseKeyValueEnv("# comment\nexport A='x y'\nB=\n");
    expect([...value.entries()]).toEqual([
      ['A', { value: 'x y', line: 2 }],
      ['B', { value: '', line: 3 }],
    ]);
  });
});

describe('flannelLogProblem', () => {
  // real lines from flannel-io/flannel issues (#728, #1344, #1353, #1574, #1060, #510) and k3s-io/k3s#2599
  it.each([
    [
      'E0519 00:37:28.550351       1 network.go:102] failed to register network: failed to acquire lease: node "k8s-test-2.novalocal" pod cidr not assigned',
      'no-pod-cidr',
      true,
      { node: 'k8s-test-2.novalocal' },
    ],
    [
      'E1204 11:18:36.158700       1 main.go:317] Error registering network: failed to acquire lease: node "master02.fe.me" pod cidr not assigned',
      'no-pod-cidr',
      true,
      { node: 'master02.fe.me' },
    ],
    [
      'E0929 05:14:00.545157       1 main.go:204] Failed to find any valid interface to use: failed to get default interface: Unable to find default route',
      'no-interface',
      true,
      {},
    ],
    [
      'E0920 17:34:26.813737 07716 main.go:146] Failed to create NetworkManager: failed to get default interface: Unable to find default route',
      'no-interface',
      true,
      {},
    ],
    [
      'I0602 03:33:17.123079       1 main.go:278] Could not find valid interface matching eth0: failed to find IPv4 address for interface eth0',
      'no-interface',
      true,
      { iface: 'eth0' },
    ],
    [
      'E1103 17:54:42.799114       1 main.go:280] Error registering network: failed to configure interface flannel.1: failed to ensure address of interface flannel.1: link has incompatible addresses. Remove additional addresses and try again.',
      'overlay-address',
      true,
      { iface: 'flannel.1' },
    ],
    [
      'time="2020-11-27T08:48:19.234600717Z" level=fatal msg="flannel exited: failed to configure interface flannel.1: failed to ensure address of interface flannel.1: link has incompatible addresses. Remove additional addresses and try again.',
      'overlay-address',
      true,
      { iface: 'flannel.1' },
    ],
    [
      "E0101 00:00:00.000000       1 main.go:232] Failed to create SubnetManager: error retrieving pod spec for 'kube-system/kube-flannel-ds-abcde': pods is forbidden",
      'subnet-manager',
      true,
      {},
    ],
    [
      "E0101 00:00:00.000000       1 main.go:349] Couldn't fetch network config: open /etc/kube-flannel/net-conf.json: no such file or directory",
      'network-config',
      true,
      {},
    ],
    [
      'E0101 00:00:00.000000       1 vxlan_network.go:383] failed to add vxlanRoute (10.244.1.0/24 -> 10.244.1.0): network is down',
      'vxlan-route',
      false,
      {},
    ],
    [
      'time="2023-09-29T19:53:30Z" level=fatal msg="flannel exited: failed to register flannel network: invalid argument"',
      'register-network',
      true,
      {},
    ],
    ['time="2023-09-29T19:17:01Z" level=fatal msg="flannel exited: invalid argument"', 'exited', true, {}],
  ])('%s', (raw, kind, fatal, extra) => {
    expect(flannelLogProblem(raw)).toEqual({ kind, fatal, ...extra });
  });

  it('ordinary lines are no problem; running lines say so', () => {
    expect(
      flannelLogProblem('I0518 19:28:41.001884       1 main.go:353] Found network config - Backend type: vxlan'),
    ).toBeUndefined();
    expect(flannelLogRunning('I0512 10:09:47.000000       1 main.go:390] Running backend.')).toBe(true);
    expect(
      flannelLogRunning('I0512 10:09:47.000000       1 main.go:390] Wrote subnet file to /run/flannel/subnet.env'),
    ).toBe(true);
    expect(flannelLogRunning('I0512 10:09:47.000000       1 main.go:390] Installing signal handlers')).toBe(false);
    // k3s's embedded flannel (pkg/agent/flannel), as its journal prints it
    expect(
      flannelLogRunning(
        'Nov 17 15:28:57 hpmini02 k3s[3423]: time="2025-11-17T15:28:57Z" level=info msg="Running flannel backend."',
      ),
    ).toBe(true);
    expect(
      flannelLogRunning(
        'Nov 17 15:28:57 hpmini02 k3s[3423]: time="2025-11-17T15:28:57Z" level=info msg="Wrote flannel subnet file to /run/flannel/subnet.env"',
      ),
    ).toBe(true);
    expect(
      flannelLogRunning(
        'Nov 17 15:28:57 hpmini02 k3s[3423]: time="2025-11-17T15:28:57Z" level=info msg="Starting flannel with backend vxlan"',
      ),
    ).toBe(false);
  });
});
