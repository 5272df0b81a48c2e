// Issue 6: every generated scenario, redacted (plain and with --pseudonymize), analyzes to the same
// findings (ids, statuses, renamed subjects) and the same root-cause chains as the original. The
// scenarios are split over two test files (test/redact/scenarios.test.ts, scenarios-2.test.ts) so
// two vitest workers share the work; each file takes the scenarios whose sorted index is `shard`
// modulo `of`, so together they cover every scenario exactly once.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundles } from '../../analyzer/bundle/read.js';
import type { RawBundle } from '../../analyzer/bundle/types.js';
import { writeBundleDir } from '../../analyzer/bundle/write.js';
import { redactBundles, redactedEntries } from '../../analyzer/redact/bundle.js';
import { RedactKey } from '../../analyzer/redact/key.js';
import { replaceNames } from '../../analyzer/redact/names.js';
import type { Analysis } from '../../analyzer/rules/types.js';
import { analyzePaths, shapeOf } from './equivalence.js';

const SCENARIOS = join(import.meta.dirname, '../../fixtures/scenarios');

/** fixtures/scenarios/<name>/<bundle-dir>/manifest.json */
function scenarios(): { name: string; bundles: string[] }[] {
  if (!existsSync(SCENARIOS)) return [];
  return readdirSync(SCENARIOS)
    .filter((n) => statSync(join(SCENARIOS, n)).isDirectory())
    .map((name) => ({
      name,
      bundles: readdirSync(join(SCENARIOS, name))
        .map((b) => join(SCENARIOS, name, b))
        .filter((p) => statSync(p).isDirectory() && existsSync(join(p, 'manifest.json'))),
    }))
    .filter((s) => s.bundles.length > 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// Both variants of a scenario redact the same bundles and compare against the same original
// analysis: read and analyze each original once per file, not once per variant.
type Original = { raws: RawBundle[]; analysis: Analysis };
const originals = new Map<string, Promise<Original>>();
function original(s: { name: string; bundles: string[] }): Promise<Original> {
  let p = originals.get(s.name);
  if (!p) {
    p = Promise.all([readBundles(s.bundles), analyzePaths(s.bundles)]).then(([raws, analysis]) => ({ raws, analysis }));
    originals.set(s.name, p);
  }
  return p;
}

export function describeScenarioRedaction(shard: number, of: number): void {
  const found = scenarios().filter((_, i) => i % of === shard);
  const tmp = mkdtempSync(join(tmpdir(), 'netsnap-redact-scn-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  describe(`redaction keeps every scenario's findings (scenarios ${shard + 1} of every ${of})`, () => {
    it('has scenarios to check', () => {
      expect(found.length, `no scenario bundles under ${SCENARIOS}`).toBeGreaterThan(0);
    });
    for (const s of found) {
      for (const pseudonymize of [false, true]) {
        it(`${s.name}${pseudonymize ? ' (pseudonymized)' : ''}`, async () => {
          const { raws, analysis } = await original(s);
          if (pseudonymize) originals.delete(s.name); // the last variant: do not hold every scenario in memory
          // `netsnap collect`'s index beside the bundles is redacted with them and written beside them
          const indexPath = join(SCENARIOS, s.name, 'collection.json');
          const extras = new Map(existsSync(indexPath) ? [['collection.json', readFileSync(indexPath)]] : []);
          const r = redactBundles(raws, {
            key: new RedactKey('000102030405060708090a0b0c0d0e0f'),
            pseudonymize,
            now: '2025-01-01T00:00:00Z',
            extras,
          });
          const names = new Map(Object.entries(r.names));
          const outs: string[] = [];
          for (const b of r.bundles) {
            const dir = join(tmp, s.name, String(pseudonymize), replaceNames(b.id, names));
            await writeBundleDir(dir, redactedEntries(b));
            outs.push(dir);
          }
          for (const [name, buf] of r.extras) writeFileSync(join(tmp, s.name, String(pseudonymize), name), buf);
          const before = shapeOf(analysis, names);
          const after = shapeOf(await analyzePaths(outs));
          expect(after.findings).toEqual(before.findings);
          expect(after.chains).toEqual(before.chains);
        }, 120_000);
      }
    }
  });
}
