import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubeList, nodeJson, podJson, serviceJson, snapshotOf } from '../model/testing.js';
import { formatTrace } from './format.js';
import { traceFromSnapshot, TraceInputError } from './resolve.js';

const ref = (f: string) => readFileSync(new URL(`../../fixtures/reference/trace/${f}`, import.meta.url), 'utf8');

const snap = snapshotOf({
  node: 'worker-1',
  files: {
    'host/iptables-save.txt': ref('iptables-save-nft.txt'),
    'host/ip-route.json': ref('ip-j-route-all.json'),
    'host/ip-addr.json': ref('ip-j-d-addr.json'),
    'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n',
    'cluster/nodes.json': kubeList([
      nodeJson({ name: 'worker-1', internalIP: '192.168.56.11', podCIDR: '10.244.1.0/24' }),
    ]),
    'cluster/pods.json': kubeList([
      podJson({ name: 'web-1', namespace: 'default', node: 'worker-1', ip: '10.244.1.5' }),
    ]),
    'cluster/services.json': kubeList([
      serviceJson({
        name: 'kube-dns',
        namespace: 'kube-system',
        clusterIP: '10.96.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
      }),
      serviceJson({ name: 'web', namespace: 'default', clusterIP: '10.96.0.99', ports: [{ name: 'http', port: 80 }] }),
    ]),
  },
});

describe('traceFromSnapshot', () => {
  it('resolves a pod name and a Service name to a UDP trace on the pod node', () => {
    const r = traceFromSnapshot(snap, { from: 'web-1', to: 'kube-system/kube-dns:53' });
    expect(r.node).toBe('worker-1');
    expect(r.input).toMatchObject({
      src: '10.244.1.5',
      dst: '10.96.0.10',
      proto: 'udp',
      dport: 53,
      origin: { kind: 'local-pod', iface: 'cni0' },
    });
    expect(r.branches.map((b) => b.packet.dst).sort()).toEqual(['10.244.0.2', '10.244.1.2']);
    expect(r.iptablesRef).toMatchObject({ path: 'host/iptables-save.txt' });
  });

  it('accepts name.namespace and a ClusterIP:port, and rejects "has no endpoints"', () => {
    const r = traceFromSnapshot(snap, { from: '10.244.1.5', to: 'web.default:80' });
    expect(r.branches[0]!.fate).toMatchObject({ kind: 'rejected' });
    const r2 = traceFromSnapshot(snap, { from: '10.244.1.5', to: '10.96.0.99:80' });
    expect(r2.branches[0]!.fate).toMatchObject({ kind: 'rejected' });
  });

  it('traces from the node itself', () => {
    const r = traceFromSnapshot(snap, { from: 'worker-1', to: '8.8.8.8:53', proto: 'udp' });
    expect(r.input.origin).toEqual({ kind: 'host' });
    expect(r.branches[0]!.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0', src: '192.168.56.11' });
  });

  it('a ping (no port) to a ClusterIP is ICMP and is not DNATed', () => {
    const r = traceFromSnapshot(snap, { from: 'web-1', to: '10.96.0.10' });
    expect(r.input.proto).toBe('icmp');
    expect(r.branches[0]!.steps.some((s) => s.verdict.startsWith('DNAT'))).toBe(false);
    const text = formatTrace(r);
    expect(text).toContain('host/iptables-save.txt:');
  });

  it('names what it cannot resolve', () => {
    expect(() => traceFromSnapshot(snap, { from: 'nope', to: 'web' })).toThrow(TraceInputError);
    expect(() => traceFromSnapshot(snap, { from: 'web-1', to: 'nope:80' })).toThrow(/not a service, pod, node or IP/);
  });
});

describe('traceFromSnapshot with nft list ruleset collected', () => {
  const FIREWALLD =
    'table inet firewalld {\n\tchain filter_FORWARD {\n\t\ttype filter hook forward priority filter + 10; policy accept;\n\t\tct state { established, related } accept\n\t\treject with icmpx admin-prohibited\n\t}\n}\n';
  const withNft = (nft: string) =>
    snapshotOf({
      node: 'worker-1',
      files: {
        'host/iptables-save.txt': ref('iptables-save-nft.txt'),
        'host/ip-route.json': ref('ip-j-route-all.json'),
        'host/ip-addr.json': ref('ip-j-d-addr.json'),
        'host/nft-ruleset.txt': nft,
        'cluster/nodes.json': kubeList([
          nodeJson({ name: 'worker-1', internalIP: '192.168.56.11', podCIDR: '10.244.1.0/24' }),
        ]),
        'cluster/pods.json': kubeList([
          podJson({ name: 'web-1', namespace: 'default', node: 'worker-1', ip: '10.244.1.5' }),
        ]),
      },
    });

  it("firewalld's inet table acts on forwarded packets too: pod egress is undetermined, not 'leaves via eth0'", () => {
    const r = traceFromSnapshot(withNft(FIREWALLD), { from: 'web-1', to: '8.8.8.8:53', proto: 'udp' });
    expect(r.branches[0]!.fate).toMatchObject({ kind: 'undetermined', at: 'inet firewalld/filter_FORWARD' });
  });

  it("iptables-nft's own tables in the listing change nothing (the dump shows them)", () => {
    const r = traceFromSnapshot(
      withNft(
        '# Warning: table ip filter is managed by iptables-nft, do not touch!\ntable ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tcounter jump FLANNEL-FWD\n\t}\n}\n',
      ),
      { from: 'web-1', to: '8.8.8.8:53', proto: 'udp' },
    );
    expect(r.branches[0]!.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0' });
  });
});
