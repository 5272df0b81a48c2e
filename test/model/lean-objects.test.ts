// Lean list items (analyzer/zod/project.ts) change no verdict and no quote: over every committed
// scenario and every real case, the JSON report with lean objects is byte-identical to the one
// with full objects. The lean run also goes through an audit: each lean object sits behind Proxies
// that record every read of a key its schema does not declare; a rule that reads one would see
// undefined where the full object had a value, so the set must stay empty (or the field joins the
// schema, and with it the contract).
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { setLeanObjects } from '../../analyzer/model/lists.js';
import { CLUSTER_LISTS } from '../../analyzer/model/cluster.js';
import { auditedView } from '../../analyzer/zod/project.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { buildJsonReport } from '../../analyzer/report/json.js';
import { renderMarkdown } from '../../analyzer/report/markdown.js';
import { renderText } from '../../analyzer/report/text.js';
import { renderHtml } from '../../analyzer/report/html.js';
import type { Snapshot } from '../../analyzer/model/types.js';
import { bundlePaths, scenarioNames } from '../scenario-helpers.js';
import { captureBundleDirs, captureNames, incidentNames, incidentSnapshot } from '../real/cases.js';

const listOf = new Map<z.ZodType, string>(Object.entries(CLUSTER_LISTS).map(([id, s]) => [s as z.ZodType, id]));

/** undeclared reads seen, as `cluster.pods: spec.foo` (array indexes as []), with the first case that made each */
const undeclared = new Map<string, string>();

/** every report format: each walks the loaded objects its own way (the HTML one embeds files and traces) */
function reportOf(snapshot: Snapshot): string {
  const input = { snapshot, analysis: analyze(snapshot) };
  return [
    JSON.stringify(buildJsonReport(input), null, 1),
    renderMarkdown(input),
    renderText(input),
    renderHtml(input),
  ].join('\n\u0000\n');
}

/** the case's report with full objects, then with audited lean objects */
async function bothReports(name: string, load: () => Promise<Snapshot>): Promise<{ full: string; lean: string }> {
  try {
    setLeanObjects({ full: true });
    const full = reportOf(await load());
    setLeanObjects({
      minBytes: 0,
      audit: (schema, lean) =>
        auditedView(schema, lean, (path) => {
          const k = `${listOf.get(schema) ?? '?'}: ${path.replace(/\[\d+\]/g, '[]')}`;
          if (!undeclared.has(k)) undeclared.set(k, name);
        }),
    });
    const lean = reportOf(await load());
    return { full, lean };
  } finally {
    setLeanObjects();
  }
}

const cases: [string, () => Promise<Snapshot>][] = [
  ...scenarioNames().map((n): [string, () => Promise<Snapshot>] => [
    `scenario ${n}`,
    async () => (await loadSnapshot(bundlePaths(n))).snapshot,
  ]),
  ...incidentNames().map((n): [string, () => Promise<Snapshot>] => [`incident ${n}`, () => incidentSnapshot(n)]),
  ...captureNames().map((n): [string, () => Promise<Snapshot>] => [
    `capture ${n}`,
    async () => (await loadSnapshot(captureBundleDirs(n))).snapshot,
  ]),
];

describe('lean list items', () => {
  it('covers the scenarios and the real cases', () => {
    expect(cases.filter(([n]) => n.startsWith('scenario')).length).toBeGreaterThan(50);
    expect(cases.filter(([n]) => !n.startsWith('scenario')).length).toBeGreaterThan(10);
  });

  for (const [name, load] of cases)
    it(`${name}: the same report as with full objects`, async () => {
      const { full, lean } = await bothReports(name, load);
      expect(lean === full, `${name}: lean and full reports differ`).toBe(true);
    });

  // last (the cases run in order): every read of every case is in, and all are listed at once
  it('no rule reads a key its schema does not declare', () => {
    expect(
      [...undeclared].map(([k, first]) => `${k} (first in ${first})`),
      'rules read keys their schema does not declare',
    ).toEqual([]);
  });
});
