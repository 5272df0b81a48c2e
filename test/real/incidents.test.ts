// The incident corpus: each case is what a public thread quoted (partial bundle) and the cause its
// maintainers confirmed. The score counts cases whose confirmed cause is named as a root; a root
// the case does not expect is a wrong root cause and fails the suite outright.
import { afterAll, describe, expect, it } from 'vitest';
import { incidentCase, incidentNames, scoreIncident, type CaseScore } from './cases.js';

const names = incidentNames();
const scores: CaseScore[] = [];

describe.skipIf(names.length === 0)('real incidents', () => {
  for (const name of names) {
    it(`${name}: no wrong root cause, no crash`, async () => {
      const r = await scoreIncident(name);
      scores.push(r);
      expect(r.wrong, `${name} roots: ${r.roots.join(', ')}`).toEqual([]);
      expect(
        r.analysis.findings
          .filter((f) => f.messageId === 'rule-error')
          .map((f) => `${f.ruleId}: ${String(f.data?.error)}`),
      ).toEqual([]);
      expect(incidentCase(name).provenance.length, 'provenance').toBeGreaterThan(0);
    });
  }

  afterAll(() => {
    const ok = scores.filter((s) => s.ok).length;
    console.log(`real cases: ${ok}/${scores.length}`);
    for (const s of scores.filter((x) => !x.ok))
      console.log(`  missed ${s.name}: want ${s.missed.join(', ')}; roots ${s.roots.join(', ') || 'none'}`);
  });

  it('scores at least 0.9 (confirmed cause named as root)', async () => {
    const all = await Promise.all(names.map((n) => scoreIncident(n)));
    const ok = all.filter((s) => s.ok).length;
    expect(
      ok / all.length,
      all
        .filter((s) => !s.ok)
        .map((s) => `${s.name}: missed ${s.missed.join(', ')}`)
        .join('\n'),
    ).toBeGreaterThanOrEqual(0.9);
  }, 300_000);
});
