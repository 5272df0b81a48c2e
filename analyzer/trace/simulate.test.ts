import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../parse/iptables-save.js';
import { parseIpLinks, parseIpRoutes } from '../parse/ip-json.js';
import { simulate, type TraceHost } from './simulate.js';
import type { TraceInput } from './types.js';

// Real output of iptables-save and `ip -j` on a flannel node (node 192.168.56.11, pods 10.244.1.0/24).
const dir = new URL('../../fixtures/reference/trace/', import.meta.url);
const saveText = readFileSync(new URL('iptables-save-nft.txt', dir), 'utf8');
const routes = parseIpRoutes(readFileSync(new URL('ip-j-route-all.json', dir), 'utf8')).value;
const addrs = parseIpLinks(readFileSync(new URL('ip-j-d-addr.json', dir), 'utf8')).value;

function host(edit: (text: string) => string = (t) => t, extra: Partial<TraceHost> = {}): TraceHost {
  const parsed = parseIptablesSave(edit(saveText));
  return { node: 'worker-1', iptables: parsed.value, routes, addrs, podCidr: '10.244.0.0/16', ...extra };
}

const fromPod = (dst: string, proto: TraceInput['proto'], dport?: number): TraceInput => ({
  src: '10.244.1.5',
  dst,
  proto,
  dport,
  origin: { kind: 'local-pod', iface: 'cni0' },
});

describe('simulate: a pod on a healthy flannel node', () => {
  it('masquerades pod → internet traffic to the node address via FLANNEL-POSTRTG', () => {
    const r = simulate(host(), fromPod('8.8.8.8', 'udp', 53));
    expect(r.branches).toHaveLength(1);
    const b = r.branches[0]!;
    expect(b.fate).toMatchObject({
      kind: 'forwarded',
      dev: 'eth0',
      gateway: '192.168.56.1',
      src: '192.168.56.11',
      dst: '8.8.8.8',
    });
    const masq = b.steps.find((s) => s.verdict.startsWith('MASQUERADE'));
    expect(masq).toMatchObject({ hook: 'POSTROUTING', table: 'nat', chain: 'FLANNEL-POSTRTG', ruleIndex: 5 });
    expect(masq!.line).toBe(saveText.split('\n').findIndex((l) => l.includes('! -d 224.0.0.0/4')) + 1);
    const accept = b.steps.find((s) => s.hook === 'FORWARD' && s.verdict === 'ACCEPT');
    expect(accept).toMatchObject({ chain: 'FLANNEL-FWD', ruleIndex: 1 });
  });

  it('splits kube-dns traffic over both CoreDNS endpoints with their probabilities', () => {
    const r = simulate(host(), fromPod('10.96.0.10', 'udp', 53));
    const byDst = Object.fromEntries(r.branches.map((b) => [b.packet.dst, b]));
    expect(Object.keys(byDst).sort()).toEqual(['10.244.0.2', '10.244.1.2']);
    expect(byDst['10.244.0.2']!.probability).toBeCloseTo(0.5);
    expect(byDst['10.244.1.2']!.probability).toBeCloseTo(0.5);
    expect(byDst['10.244.0.2']!.fate).toMatchObject({ kind: 'forwarded', dev: 'flannel.1', src: '10.244.1.5' });
    expect(byDst['10.244.1.2']!.fate).toMatchObject({ kind: 'delivered-pod', dev: 'cni0', to: '10.244.1.2', port: 53 });
    const dnat = byDst['10.244.0.2']!.steps.find((s) => s.verdict.startsWith('DNAT'));
    expect(dnat).toMatchObject({ table: 'nat', chain: 'KUBE-SEP-IT2ZTR26TO4XFPTO', verdict: 'DNAT to 10.244.0.2:53' });
    const split = byDst['10.244.0.2']!.steps.find((s) => s.branch);
    expect(split).toMatchObject({
      chain: 'KUBE-SVC-TCOU7JCQXEZGVUNU',
      ruleIndex: 2,
      branch: { probability: 0.5, taken: true },
    });
  });

  it('rejects a Service without endpoints at the "has no endpoints" rule', () => {
    const r = simulate(host(), fromPod('10.96.0.99', 'tcp', 80));
    expect(r.branches).toHaveLength(1);
    expect(r.branches[0]!.fate).toMatchObject({
      kind: 'rejected',
      by: 'filter/KUBE-SERVICES rule 1',
      with: 'icmp-port-unreachable',
    });
  });

  it('does not DNAT ICMP to a ClusterIP: the ping leaves towards the default route', () => {
    const r = simulate(host(), fromPod('10.96.0.10', 'icmp'));
    expect(r.branches).toHaveLength(1);
    const b = r.branches[0]!;
    expect(b.steps.some((s) => s.verdict.startsWith('DNAT'))).toBe(false);
    expect(b.packet.dst).toBe('10.96.0.10');
    expect(b.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0' });
  });
});

describe('simulate: faults', () => {
  it('without the pod-CIDR MASQUERADE the packet leaves with the pod address', () => {
    const r = simulate(
      host((t) => t.replace(/^-A FLANNEL-POSTRTG -s 10\.244\.0\.0\/16 ! -d 224.*\n/m, '')),
      fromPod('8.8.8.8', 'udp', 53),
    );
    const b = r.branches[0]!;
    expect(b.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0', src: '10.244.1.5' });
    expect((b.fate as { note?: string }).note).toMatch(/pod's own source address/);
  });

  it('FORWARD policy DROP without flannel ACCEPTs drops pod egress at the policy', () => {
    const r = simulate(
      host((t) => t.replace(/^-A FLANNEL-FWD .*\n/gm, '')),
      fromPod('8.8.8.8', 'udp', 53),
    );
    expect(r.branches).toHaveLength(1);
    expect(r.branches[0]!.fate).toEqual({ kind: 'dropped', by: 'filter/FORWARD policy' });
    expect(r.branches[0]!.steps.at(-1)).toMatchObject({ verdict: 'policy DROP', text: ':FORWARD DROP [0:0]' });
  });

  it('a REJECT placed ahead of the ACCEPTs rejects pod traffic', () => {
    const edit = (t: string) =>
      t.replace(
        '-A FORWARD -m comment --comment "kubernetes forwarding rules"',
        '-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n-A FORWARD -m comment --comment "kubernetes forwarding rules"',
      );
    const r = simulate(host(edit), fromPod('8.8.8.8', 'udp', 53));
    expect(r.branches[0]!.fate).toMatchObject({
      kind: 'rejected',
      by: 'filter/FORWARD rule 1',
      with: 'icmp-host-prohibited',
    });
  });

  it('ip_forward=0 stops forwarding after routing', () => {
    const r = simulate(host(undefined, { ipForward: false }), fromPod('8.8.8.8', 'udp', 53));
    expect(r.branches[0]!.fate).toEqual({ kind: 'dropped', by: 'net.ipv4.ip_forward = 0' });
  });

  it('says what it is missing instead of guessing', () => {
    const r = simulate({ node: 'n', routes, addrs }, fromPod('8.8.8.8', 'udp', 53));
    expect(r.missing).toEqual(['host.iptables-save']);
  });
});

describe('simulate: host-originated', () => {
  it('the node reaching kube-dns is DNATed in OUTPUT and masqueraded (marked by KUBE-MARK-MASQ)', () => {
    const r = simulate(host(), {
      src: '192.168.56.11',
      dst: '10.96.0.10',
      proto: 'udp',
      dport: 53,
      origin: { kind: 'host' },
    });
    expect(r.branches).toHaveLength(2);
    for (const b of r.branches) {
      expect(b.steps.some((s) => s.hook === 'OUTPUT' && s.verdict.startsWith('DNAT'))).toBe(true);
      expect(b.steps.some((s) => s.chain === 'KUBE-MARK-MASQ')).toBe(true);
      expect(b.steps.some((s) => s.chain === 'KUBE-POSTROUTING' && s.verdict.startsWith('MASQUERADE'))).toBe(true);
    }
  });
});
