// Done-criterion of issue 6: redact leaves zero planted secrets in any output byte, and the
// redacted bundles analyze to the same findings and chains as the originals.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../analyzer/bundle/read.js';
import { writeBundleDir } from '../../analyzer/bundle/write.js';
import { run } from '../../analyzer/commands/redact.js';
import { bundleEntries } from '../../analyzer/model/testing.js';
import { readMapFile } from '../../analyzer/redact/map-file.js';
import { analyzePaths, shapeOf } from './equivalence.js';
import { plantedStrings, secretBundles } from './secret-bundles.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-redact-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function allBytes(path: string): Buffer[] {
  const st = statSync(path);
  if (st.isDirectory()) return readdirSync(path).flatMap((n) => allBytes(join(path, n)));
  const buf = readFileSync(path);
  return /\.(tar\.gz|tgz)$/.test(path) ? [buf, gunzipSync(buf)] : [buf];
}

async function writeOriginals(): Promise<string[]> {
  const dirs: string[] = [];
  for (const raw of secretBundles()) {
    const dir = join(tmp, 'in', raw.id);
    await writeBundleDir(dir, bundleEntries(raw));
    dirs.push(dir);
  }
  return dirs;
}

describe('planted secrets', () => {
  for (const pseudonymize of [false, true]) {
    it(`leaves none of them in the output and keeps the findings (${pseudonymize ? 'pseudonymized' : 'secrets only'})`, async () => {
      const inputs = await writeOriginals();
      const out = join(tmp, pseudonymize ? 'out-p' : 'out-s');
      const silence = process.stdout.write;
      process.stdout.write = () => true;
      const code = await run([...inputs, '-o', out, ...(pseudonymize ? ['--pseudonymize'] : [])]).finally(
        () => (process.stdout.write = silence),
      );
      expect(code).toBe(0);

      const planted = plantedStrings();
      expect(planted.length).toBeGreaterThanOrEqual(10);
      // the originals do hold every planted secret (else the test proves nothing)
      const inText = inputs
        .flatMap(allBytes)
        .map((b) => b.toString('latin1'))
        .join('\n');
      for (const s of planted) expect(inText, s).toContain(s);
      const outText = allBytes(out)
        .map((b) => b.toString('latin1'))
        .join('\n');
      for (const s of planted) expect(outText.includes(s), `planted secret ${s} left in the output`).toBe(false);

      const outputs = readdirSync(out)
        .map((n) => join(out, n))
        .sort();
      expect(outputs).toHaveLength(2);
      const mapPath = `${out}.map.json`;
      const names = pseudonymize
        ? new Map(Object.entries((await readMapFile(mapPath)).names))
        : new Map<string, string>();
      if (pseudonymize) {
        expect(statSync(mapPath).mode & 0o077).toBe(0);
        expect(outText).not.toContain('worker-1');
        expect(outText).not.toContain('192.168.56.11');
        expect(names.get('worker-1')).toMatch(/^node-[a-z2-7]{6}$/);
      }

      const before = shapeOf(await analyzePaths(inputs), names);
      const after = shapeOf(await analyzePaths(outputs));
      expect(before.findings.length).toBeGreaterThan(20);
      expect(before.findings.some((f) => f.startsWith('DNS-402 fail'))).toBe(true);
      expect(after.findings).toEqual(before.findings);
      expect(after.chains).toEqual(before.chains);

      const m = (await readBundle(outputs[0]!)).manifest;
      expect(m?.redaction?.pseudonymized).toBe(pseudonymize);
      expect(Object.keys(m?.redaction?.counts ?? {}).some((k) => k.startsWith('secret.'))).toBe(true);
      expect(JSON.stringify(m?.redaction)).not.toMatch(/planted/i);
    });
  }
});
