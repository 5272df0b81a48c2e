// Issue 21, done-criterion: of the planted values (TABLE + EARLIER in planted-table.ts) none
// survives `netsnap redact`, with or without --pseudonymize, in any encoding (raw, base64 at any
// alignment or inside a base64 run, URL-encoded), and the redacted bundles analyze to the same
// findings and chains. Ordinary values (images, kube-system names, IPs, digests) survive.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBundleDir } from '../../analyzer/bundle/write.js';
import { redactQuiet } from './redact-quiet.js';
import { bundleEntries } from '../../analyzer/model/testing.js';
import { readMapFile } from '../../analyzer/redact/map-file.js';
import { analyzePaths, shapeOf } from './equivalence.js';
import { ALL_PLANTED, ORDINARY, tableBundles } from './planted-table.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-redact-table-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function allBytes(path: string): Buffer[] {
  if (statSync(path).isDirectory()) return readdirSync(path).flatMap((n) => allBytes(join(path, n)));
  const buf = readFileSync(path);
  return /\.(tar\.gz|tgz)$/.test(path) ? [gunzipSync(buf)] : [buf];
}

const B64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

/** every base64 run decoded (standard and URL alphabets), two levels deep (base64 inside base64) */
function decodedRuns(text: string, depth = 2): string[] {
  if (depth === 0) return [];
  const out: string[] = [];
  for (const m of text.matchAll(B64_RUN)) {
    for (let skip = 0; skip < 4; skip++) {
      const d = Buffer.from(m[0].slice(skip), 'base64').toString('latin1');
      out.push(d, ...decodedRuns(d, depth - 1));
    }
  }
  return out;
}

/** %XX sequences decoded, invalid ones left as they are */
function urlDecoded(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

/** base64 of `v` at the three alignments, without the edge characters that depend on neighbours */
function base64Forms(v: string): string[] {
  return [0, 1, 2].map((pad) => {
    const enc = Buffer.from(`${'\0'.repeat(pad)}${v}`, 'latin1').toString('base64');
    const start = pad === 0 ? 0 : pad === 1 ? 2 : 3;
    return enc.slice(start, enc.length - 4);
  });
}

interface Haystack {
  readonly raw: string;
  readonly decoded: string;
  readonly url: string;
}

function haystack(text: string): Haystack {
  return { raw: text, decoded: decodedRuns(text).join('\n'), url: urlDecoded(text) };
}

/** the encodings in which `v` is found */
function formsFound(h: Haystack, v: string): string[] {
  const found: string[] = [];
  if (h.raw.includes(v)) found.push('raw');
  if (h.decoded.includes(v) || base64Forms(v).some((f) => f.length >= 8 && h.raw.includes(f))) found.push('base64');
  if (h.url.includes(v) || (encodeURIComponent(v) !== v && h.raw.includes(encodeURIComponent(v)))) found.push('url');
  return found;
}

async function writeOriginals(name: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const raw of tableBundles()) {
    const dir = join(tmp, name, raw.id);
    await writeBundleDir(dir, bundleEntries(raw));
    dirs.push(dir);
  }
  return dirs;
}

describe('planted-value table', () => {
  it('has at least 40 values of at least 30 kinds, each unique', () => {
    expect(ALL_PLANTED.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ALL_PLANTED.map((p) => p.kind)).size).toBeGreaterThanOrEqual(30);
    expect(new Set(ALL_PLANTED.map((p) => p.value)).size).toBe(ALL_PLANTED.length);
  });

  for (const pseudonymize of [false, true]) {
    const mode = pseudonymize ? 'pseudonymized' : 'secrets only';
    it(`leaves none in any encoding and keeps the findings (${mode})`, async () => {
      const inputs = await writeOriginals(mode);
      const out = join(tmp, `out-${pseudonymize}`);
      expect(await redactQuiet([...inputs, '-o', out, ...(pseudonymize ? ['--pseudonymize'] : [])])).toBe(0);

      const before = haystack(
        inputs
          .flatMap(allBytes)
          .map((b) => b.toString('latin1'))
          .join('\n'),
      );
      const missing = ALL_PLANTED.filter((p) => formsFound(before, p.value).length === 0).map((p) => p.kind);
      expect(missing, 'planted values absent from the originals').toEqual([]);

      const after = haystack(
        allBytes(out)
          .map((b) => b.toString('latin1'))
          .join('\n'),
      );
      const survivors = ALL_PLANTED.flatMap((p) =>
        formsFound(after, p.value).map((f) => `${p.kind} [${f}] ${p.place}`),
      );
      expect(survivors).toEqual([]);

      if (!pseudonymize) for (const o of ORDINARY) expect(after.raw, `ordinary value ${o} redacted`).toContain(o);

      const outputs = readdirSync(out)
        .map((n) => join(out, n))
        .sort();
      const names = pseudonymize
        ? new Map(Object.entries((await readMapFile(`${out}.map.json`)).names))
        : new Map<string, string>();
      const a = shapeOf(await analyzePaths(inputs), names);
      const b = shapeOf(await analyzePaths(outputs));
      expect(a.findings.some((f) => f.startsWith('DNS-402 fail'))).toBe(true);
      expect(b.findings).toEqual(a.findings);
      expect(b.chains).toEqual(a.chains);
    }, 60_000);
  }
});
