// Pure Trace view models on the demo (worker-1's real iptables-save, routes and addresses).
import { describe, expect, it } from 'vitest';
import { demoLoadResult } from '../testing/demo-analysis.js';
import { buildModel } from './model.js';
import { lineText } from './doc.js';
import { decidingStep, fateText, stepTarget, traceDoc, traceRequest, traceResultDoc } from './trace-doc.js';
import { destinationRows, filterPicks, parsePortProto, sourceRows, typedAddress } from './trace-picks.js';

const demo = demoLoadResult();
const m = buildModel(demo);
const trace = demo.trace!;

describe('pickers', () => {
  it('sources are pods with an IP, then nodes; destinations are Service ports, pods, nodes', () => {
    expect(sourceRows(m).map((r) => [r.kind, r.value])).toEqual([
      ['pod', 'default/web-1'],
      ['pod', 'kube-system/coredns-668d6bf9bc-m9wgw'],
      ['pod', 'kube-system/coredns-668d6bf9bc-x7k2p'],
      ['node', 'worker-1'],
      ['node', 'worker-2'],
    ]);
    const dns = destinationRows(m).find((r) => r.kind === 'service' && r.value === 'kube-system/kube-dns');
    expect(dns).toMatchObject({ label: 'kube-system/kube-dns:53/UDP', port: 53, proto: 'udp' });
    expect(destinationRows(m).filter((r) => r.kind === 'service')).toHaveLength(2);
  });

  it('filters by every word over name, address and node; a typed address comes first', () => {
    expect(filterPicks(sourceRows(m), 'coredns worker-2').map((r) => r.value)).toEqual([
      'kube-system/coredns-668d6bf9bc-x7k2p',
    ]);
    expect(filterPicks(destinationRows(m), '10.96.0.10').map((r) => r.label)).toEqual([
      '10.96.0.10',
      'kube-system/kube-dns:53/UDP',
    ]);
    expect(typedAddress('8.8.8.8:53')).toMatchObject({ kind: 'address', value: '8.8.8.8', port: 53 });
    expect(typedAddress('kube-dns')).toBeUndefined();
    expect(typedAddress('300.1.1.1')).toBeUndefined();
  });

  it('reads a port/protocol the way people type it', () => {
    expect(parsePortProto('53/udp')).toEqual({ port: 53, proto: 'udp' });
    expect(parsePortProto('UDP 53')).toEqual({ port: 53, proto: 'udp' });
    expect(parsePortProto('icmp')).toEqual({ proto: 'icmp' });
    expect(parsePortProto('')).toEqual({});
    expect(parsePortProto('70000')).toBeUndefined();
    expect(parsePortProto('dns')).toBeUndefined();
  });
});

describe('trace doc', () => {
  it('a request needs both ends; the port joins the destination', () => {
    expect(traceRequest({ screen: 'trace', from: 'web-1' })).toBeUndefined();
    expect(traceRequest({ screen: 'trace', from: 'web-1', to: '8.8.8.8', port: 53, proto: 'udp' })).toEqual({
      from: 'web-1',
      to: '8.8.8.8:53',
      proto: 'udp',
    });
  });

  it('kube-dns: two 50% branches, each decided by its DNAT, whose line is the DNAT rule', () => {
    const r = trace({ from: 'web-1', to: 'kube-system/kube-dns:53' });
    expect(r.branches.map((b) => [b.probability, b.fate.kind])).toEqual([
      [0.5, 'forwarded'],
      [0.5, 'delivered-pod'],
    ]);
    for (const b of r.branches) {
      const s = b.steps[decidingStep(b) ?? -1];
      expect(s?.verdict).toMatch(/^DNAT to 10\.244\.[01]\.2:53$/);
      const target = stepTarget(r, s!);
      expect(target).toEqual({
        screen: 'evidence',
        node: 'worker-1',
        file: { bundle: r.iptablesRef!.bundle, path: 'host/iptables-save.txt', line: s!.line },
      });
      const text = m.snapshot.files.lines(
        { bundle: r.iptablesRef!.bundle, path: 'host/iptables-save.txt' },
        s!.line!,
        s!.line!,
      )?.[0];
      expect(text).toMatch(/-j DNAT --to-destination 10\.244\.[01]\.2:53/);
    }
  });

  it('a rejected Service is decided by the REJECT rule; an un-NATed egress by the POSTROUTING policy', () => {
    const rej = trace({ from: 'web-1', to: 'default/web:80' }).branches[0]!;
    expect(rej.steps[decidingStep(rej)!]).toMatchObject({ table: 'filter', chain: 'KUBE-SERVICES', ruleIndex: 1 });
    expect(fateText(rej)).toBe('rejected by filter/KUBE-SERVICES rule 1 (icmp-port-unreachable)');
    const out = trace({ from: 'web-1', to: '8.8.8.8:53', proto: 'udp' }).branches[0]!;
    expect(out.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0', src: '10.244.1.5' });
    expect(out.steps[decidingStep(out)!]).toMatchObject({
      table: 'nat',
      chain: 'POSTROUTING',
      verdict: 'policy ACCEPT',
    });
  });

  it('doc: one section per branch, steps are items that open their line, the decider is a landmark', () => {
    const doc = traceResultDoc(trace({ from: 'web-1', to: 'kube-system/kube-dns:53' }), 78);
    expect([...new Set(doc.items.map((i) => i.section))]).toEqual(['branch:1', 'branch:2']);
    const landmarks = doc.items.filter((i) => i.landmark);
    expect(landmarks).toHaveLength(2);
    expect(landmarks.every((i) => i.target?.screen === 'evidence')).toBe(true);
    expect(doc.lines.every((l) => lineText(l).length <= 78)).toBe(true);
  });

  it('a request the tracer refuses becomes its message; no tracer says so', () => {
    const doc = traceDoc(m, { screen: 'trace', from: 'nope', to: 'web' }, 78);
    expect(doc.lines.map(lineText).join('\n')).toContain('--from "nope" is not a node, a pod or an IP address');
    expect(lineText(traceDoc({}, { screen: 'trace', from: 'a', to: 'b' }, 78).lines[0]!)).toContain(
      'tracing is not available',
    );
  });
});
