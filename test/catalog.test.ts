// The catalog documents itself and every rule is accounted for: unique ids, docs, a sibling test
// file, generated docs/rules.md up to date, and every rule fires (fail/warn) in some scenario.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from '../analyzer/rules/catalog.js';
import { renderRulesDoc } from '../analyzer/rules/gen-docs.js';
import { LAYERS } from '../analyzer/rules/types.js';
import { analyzed, scenarioNames } from './scenario-helpers.js';
import { incidentNames, scoreIncident } from './real/cases.js';

const root = new URL('../', import.meta.url);

describe('rule catalog', () => {
  it('has unique ids and slugs', () => {
    const dup = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
    expect(dup(allRules.map((r) => r.id))).toEqual([]);
    expect(dup(allRules.map((r) => r.slug))).toEqual([]);
  });

  it('every rule has docs, messages, a known layer and an id in its layer block', () => {
    const block = {
      system: 'SYS-1',
      network: 'NET-2',
      service: 'SVC-3',
      dns: 'DNS-4',
      probe: 'PRB-5',
      bundle: 'BND-9',
    } as const;
    const bad = allRules.filter(
      (r) =>
        !r.docs.why.trim() ||
        !r.docs.fix.trim() ||
        !r.title.trim() ||
        Object.keys(r.messages).length === 0 ||
        !LAYERS.includes(r.layer) ||
        !r.id.startsWith(block[r.layer]),
    );
    expect(bad.map((r) => r.id)).toEqual([]);
  });

  it('every rule has a sibling test file named by its slug', () => {
    const missing = allRules
      .filter((r) => !existsSync(new URL(`analyzer/rules/${r.layer}/${r.slug}.test.ts`, root)))
      .map((r) => `${r.id} analyzer/rules/${r.layer}/${r.slug}.test.ts`);
    expect(missing).toEqual([]);
  });

  it('docs/rules.md is generated from the metadata (run `npm run docs`)', () => {
    const doc = new URL('docs/rules.md', root);
    expect(existsSync(doc) ? readFileSync(doc, 'utf8') : '').toBe(renderRulesDoc(allRules));
  });

  const names = scenarioNames();
  it.skipIf(names.length === 0)(
    'every rule fires (fail or warn) in at least one scenario or real incident',
    async () => {
      const fired = new Set<string>();
      for (const n of names) {
        const { analysis } = await analyzed(n);
        for (const f of analysis.findings) if (f.status === 'fail' || f.status === 'warn') fired.add(f.ruleId);
      }
      for (const n of incidentNames()) {
        const { analysis } = await scoreIncident(n);
        for (const f of analysis.findings) if (f.status === 'fail' || f.status === 'warn') fired.add(f.ruleId);
      }
      // info-only advice (RuleMeta.infoOnly) passes by design; it must then never fail or warn
      expect(
        allRules
          .filter((r) => !r.infoOnly)
          .map((r) => r.id)
          .filter((id) => !fired.has(id)),
      ).toEqual([]);
      expect(allRules.filter((r) => r.infoOnly && fired.has(r.id)).map((r) => r.id)).toEqual([]);
    },
    300_000,
  );

  it('every rule says which sets of signals decide it (decidesFrom), each set non-empty', () => {
    expect(
      allRules.filter((r) => !r.decidesFrom?.length || r.decidesFrom.some((set) => set.length === 0)).map((r) => r.id),
    ).toEqual([]);
  });

  it('info-only rules are info severity', () => {
    expect(allRules.filter((r) => r.infoOnly && r.severity !== 'info').map((r) => r.id)).toEqual([]);
  });
});
