// The linker: lower layers explain higher ones, never the reverse, except a cross-check rule
// (RuleMeta.crossLayer, SYS-108) that any layer's finding on the same node may explain.
import { describe, expect, it } from 'vitest';
import { linkFindings, symptomsOf } from './link.js';
import { snapshotOf } from '../model/testing.js';
import type { Finding, Layer, Rule } from '../rules/types.js';

const finding = (ruleId: string, layer: Layer, node: string): Finding => ({
  ruleId,
  layer,
  status: ruleId.startsWith('SYS-108') ? 'warn' : 'fail',
  severity: 'critical',
  subject: { kind: 'node', name: node },
  messageId: 'x',
  message: 'x',
  evidence: [],
  basis: [],
});
const rule = (id: string, layer: Layer, extra: Partial<Rule> = {}): Rule => ({
  id,
  slug: id,
  layer,
  severity: 'critical',
  title: id,
  needs: [],
  docs: { why: 'w', fix: 'f' },
  messages: { x: 'x' },
  run: () => [],
  ...extra,
});

describe('linkFindings', () => {
  const s = snapshotOf({ node: 'w-1', files: {} });

  it('a network cause explains a cross-check system finding on its node', () => {
    const rules = [
      rule('NET-205', 'network', { explains: [{ rule: 'SYS-108', match: 'same-node' }] }),
      rule('SYS-108', 'system', { crossLayer: true }),
    ];
    const a = linkFindings([finding('SYS-108', 'system', 'w-1'), finding('NET-205', 'network', 'w-1')], rules, s);
    expect(a.roots.map((r) => [r.finding.ruleId, symptomsOf(r).map((f) => f.ruleId)])).toEqual([
      ['NET-205', ['SYS-108']],
    ]);
  });

  it('a higher layer never explains a lower one without the flag', () => {
    const rules = [
      rule('NET-205', 'network', { explains: [{ rule: 'SYS-104', match: 'same-node' }] }),
      rule('SYS-104', 'system'),
    ];
    const a = linkFindings([finding('SYS-104', 'system', 'w-1'), finding('NET-205', 'network', 'w-1')], rules, s);
    expect(a.roots.map((r) => r.finding.ruleId).sort()).toEqual(['NET-205', 'SYS-104']);
  });

  it('only on the same node', () => {
    const rules = [
      rule('NET-205', 'network', { explains: [{ rule: 'SYS-108', match: 'same-node' }] }),
      rule('SYS-108', 'system', { crossLayer: true }),
    ];
    const a = linkFindings([finding('SYS-108', 'system', 'w-2'), finding('NET-205', 'network', 'w-1')], rules, s);
    expect(a.explainedBy.size).toBe(0);
  });
});
