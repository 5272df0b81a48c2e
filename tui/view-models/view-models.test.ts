import { describe, expect, it } from 'vitest';
import { demoLoadResult } from '../testing/demo-analysis.js';
import { buildModel } from './model.js';
import { filterRows, findingRows, parseFilterText } from './findings.js';
import { layerStack } from './layers.js';
import { rootChains } from './chains.js';
import { completeness } from './completeness.js';
import { excerpt } from './excerpt.js';
import { lineText } from './doc.js';
import { detailDoc } from './detail.js';

const demo = demoLoadResult();
const m = buildModel(demo);

describe('findings -> rows', () => {
  it('puts root causes first in the engine order, then fail, warn, unknown, pass', () => {
    const rows = findingRows(m);
    expect(rows.slice(0, 2).map((r) => [r.ruleId, r.subject, r.isRoot])).toEqual([
      ['SYS-104', 'node:worker-1', true],
      ['DNS-402', 'configmap:kube-system/coredns', true],
    ]);
    const statuses = rows.slice(2).map((r) => r.status);
    const rank = { fail: 0, warn: 1, unknown: 2, pass: 3 };
    expect(statuses).toEqual([...statuses].sort((a, b) => rank[a] - rank[b]));
    expect(rows).toHaveLength(demo.analysis.findings.length);
  });

  it('filters by layer, severity, node, status and free text, also as tokens', () => {
    const rows = findingRows(m);
    expect(filterRows(rows, { layer: 'dns', text: '' }).every((r) => r.layer === 'dns')).toBe(true);
    expect(
      filterRows(rows, { node: 'worker-2', text: '' })
        .map((r) => r.ruleId)
        .sort(),
    ).toEqual(['NET-205', 'SYS-101', 'SYS-106']);
    expect(filterRows(rows, { text: 'layer:system status:fail' }).map((r) => r.ruleId)).toEqual(['SYS-104']);
    expect(filterRows(rows, { text: 'multicast' }).map((r) => r.ruleId)).toEqual(['DNS-402']);
    expect(filterRows(rows, { severity: 'info', text: '' }).map((r) => r.ruleId)).toEqual(['BND-901']);
    expect(parseFilterText('sev:critical node:worker-1 masq')).toEqual({
      severity: 'critical',
      node: 'worker-1',
      text: 'masq',
    });
  });
});

describe('layers -> stack', () => {
  it('shows dns, service, network, system with the worst status and counts', () => {
    const stack = layerStack(m);
    expect(stack.map((l) => [l.layer, l.status, l.rootCauses])).toEqual([
      ['dns', 'fail', 1],
      ['service', 'pass', 0],
      ['network', 'pass', 0],
      ['system', 'fail', 1],
    ]);
    expect(stack[3]?.counts).toEqual({ fail: 1, warn: 1, unknown: 1, pass: 2 });
  });

  it('says unknown for a layer with no findings', () => {
    expect(layerStack({ findings: [], rootOrder: [] })[0]?.status).toBe('unknown');
  });
});

describe('chains and completeness', () => {
  it('flattens the article chain cause-first with depth', () => {
    const chains = rootChains(m);
    expect(chains[1]?.map((c) => [c.ruleId, c.depth])).toEqual([
      ['DNS-402', 0],
      ['DNS-401', 1],
      ['DNS-406', 2],
    ]);
  });

  it('names the missing source and the rule it leaves unknown', () => {
    const c = completeness(m);
    expect(c.missing.map((x) => [x.node, x.source, x.status, x.leavesUnknown])).toEqual([
      ['worker-2', 'host.conntrack-stats', 'absent', ['SYS-106']],
    ]);
  });
});

describe('evidence excerpts', () => {
  it('quotes the cited Corefile line inside the ConfigMap with context', () => {
    const ref = demo.analysis.findings[demo.at['DNS-402'] ?? -1]?.evidence[0];
    if (!ref) throw new Error('demo lost its evidence');
    const ex = excerpt(m.snapshot.files, ref, 2);
    const cited = ex.lines.filter((l) => l.cited);
    expect(cited.map((l) => [l.n, l.text.trim()])).toEqual([[13, 'forward . 233.5.5.5 {']]);
    expect(ex.lines.map((l) => l.n)).toEqual([11, 12, 13, 14, 15]);
    expect(ex.open).toEqual({ bundle: ref.bundle, path: ref.path, pointer: '/data/Corefile', line: 13 });
  });

  it('locates a pointer-only citation in the pretty-printed file', () => {
    const ref = demo.analysis.findings[demo.at['DNS-406'] ?? -1]?.evidence[0];
    if (!ref) throw new Error('demo lost its evidence');
    const ex = excerpt(m.snapshot.files, ref, 2);
    const line = ex.open.line ?? 0;
    const text = m.snapshot.files.lines(ex.open, line, line)?.[0] ?? '';
    expect(text).toContain('"ip": "10.244.1.2"');
    expect(ex.lines.some((l) => l.text.includes('10.244.2.3'))).toBe(true);
  });

  it('says so when the cited file is not in the bundle', () => {
    const ex = excerpt(m.snapshot.files, { bundle: 'nope', path: 'host/x', line: 1, quote: '' }, 2);
    expect(ex.problem).toMatch(/not in bundle nope/);
  });
});

describe('detail doc', () => {
  it('links the chain both ways and lists fix commands', () => {
    const doc = detailDoc(m, demo.at['DNS-401'] ?? -1, 80);
    const bySection = (s: string) => doc.items.filter((i) => i.section === s).map((i) => i.finding);
    expect(bySection('causes')).toEqual([demo.at['DNS-402']]);
    expect(bySection('symptoms')).toEqual([demo.at['DNS-406']]);
    expect(
      doc.lines.map(lineText).some((l) => l.includes('$ kubectl -n kube-system describe pods -l k8s-app=kube-dns')),
    ).toBe(true);
    expect(doc.lines.every((l) => lineText(l).length <= 80)).toBe(true);
  });
});
