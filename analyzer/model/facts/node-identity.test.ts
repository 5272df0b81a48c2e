import { describe, expect, it } from 'vitest';
import { kubeList, nodeJson, snapshotOf } from '../testing.js';
import { identityOf } from './node-identity.js';

const addr = (ifindex: number, ifname: string, local: string, scope = 'global') => ({
  ifindex,
  ifname,
  flags: ['UP'],
  addr_info: [{ family: 'inet', local, prefixlen: 24, scope }],
});
const ADDRS = [
  addr(1, 'lo', '127.0.0.1', 'host'),
  addr(2, 'ens3', '10.0.0.12'),
  addr(3, 'cni0', '10.244.1.1'),
  addr(4, 'flannel.1', '10.244.1.0'),
  addr(5, 'docker0', '172.17.0.1'),
];

describe('node identity without a nodes list, and matched to one when there is', () => {
  it("the manifest's node, the hostname, the host's own addresses (no pod bridge, overlay, docker0 or loopback)", () => {
    const s = snapshotOf({
      node: 'w1',
      files: { 'host/hostname.txt': 'w1.example.internal\n', 'host/ip-addr.json': ADDRS },
    });
    const id = identityOf(s, s.hosts.get('w1')!);
    expect(id.name).toEqual({
      value: 'w1',
      by: 'manifest',
      at: { bundle: 'netsnap-w1', path: 'manifest.json', pointer: '/node' },
    });
    expect(id.hostname).toEqual({
      value: 'w1.example.internal',
      by: 'hostname',
      at: { bundle: 'netsnap-w1', path: 'host/hostname.txt', line: 1 },
    });
    expect(id.addresses.map((a) => [a.value, a.at.pointer])).toEqual([['10.0.0.12', '/1/addr_info/0']]);
    expect(id.clusterNode).toBeUndefined();
  });

  it('without a manifest the name comes from hostname.txt', () => {
    const s = snapshotOf({
      id: 'paste',
      manifest: null,
      files: { 'host/hostname.txt': 'w9\n', 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' },
    });
    const host = s.hosts.get('w9')!;
    expect(identityOf(s, host).name).toMatchObject({
      value: 'w9',
      by: 'hostname',
      at: { path: 'host/hostname.txt', line: 1 },
    });
  });

  it('matched to its Node by an InternalIP when the names differ', () => {
    const s = snapshotOf({
      node: 'b-1',
      files: {
        'host/ip-addr.json': ADDRS,
        'cluster/nodes.json': kubeList([
          nodeJson({ name: 'cp', internalIP: '10.0.0.11' }),
          nodeJson({ name: 'worker-12', internalIP: '10.0.0.12' }),
        ]),
      },
    });
    const id = identityOf(s, s.hosts.get('b-1')!);
    expect([id.clusterNode?.obj.metadata.name, id.matchedBy, id.clusterNode?.ref.pointer]).toEqual([
      'worker-12',
      'address',
      '/items/1',
    ]);
  });
});
