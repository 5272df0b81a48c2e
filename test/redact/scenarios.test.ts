// Issue 6: every generated scenario, redacted with --pseudonymize, analyzes to the same findings
// (ids, statuses, renamed subjects) and the same root-cause chains as the original.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundles } from '../../analyzer/bundle/read.js';
import { writeBundleDir } from '../../analyzer/bundle/write.js';
import { redactBundles, redactedEntries } from '../../analyzer/redact/bundle.js';
import { RedactKey } from '../../analyzer/redact/key.js';
import { replaceNames } from '../../analyzer/redact/names.js';
import { analyzePaths, shapeOf } from './equivalence.js';

const SCENARIOS = join(import.meta.dirname, '../../fixtures/scenarios');
const tmp = mkdtempSync(join(tmpdir(), 'netsnap-redact-scn-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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
    .filter((s) => s.bundles.length > 0);
}

const found = scenarios();

describe("redaction keeps every scenario's findings", () => {
  it('has scenarios to check', () => {
    expect(found.length, `no scenario bundles under ${SCENARIOS}`).toBeGreaterThan(0);
  });
  for (const s of found) {
    for (const pseudonymize of [false, true]) {
      it(`${s.name}${pseudonymize ? ' (pseudonymized)' : ''}`, async () => {
        const raws = await readBundles(s.bundles);
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
        const before = shapeOf(await analyzePaths(s.bundles), names);
        const after = shapeOf(await analyzePaths(outs));
        expect(after.findings).toEqual(before.findings);
        expect(after.chains).toEqual(before.chains);
      }, 120_000);
    }
  }
});
