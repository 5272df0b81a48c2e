// Issue 20 item 9: `netsnap redact` on an input that holds no readable bundle exits 2, names the
// path on one line and writes nothing (it used to write an empty 29-byte tarball and exit 0); a
// partly readable set is redacted and the rest named as skipped.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBundleArchive, writeBundleDir } from '../../analyzer/bundle/write.js';
import { run } from '../../analyzer/commands/redact.js';
import { bundleEntries } from '../../analyzer/model/testing.js';
import { secretBundles } from './secret-bundles.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-redact-unreadable-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function redact(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  let stdout = '';
  let stderr = '';
  process.stdout.write = (c: string | Uint8Array) => ((stdout += String(c)), true);
  process.stderr.write = (c: string | Uint8Array) => ((stderr += String(c)), true);
  try {
    return { code: await run(args), stderr, stdout };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

const CASES: [string, () => Promise<string>][] = [
  [
    'an empty folder',
    () => {
      const d = join(tmp, 'empty');
      mkdirSync(d);
      return Promise.resolve(d);
    },
  ],
  [
    'random bytes',
    () => {
      const f = join(tmp, 'random.tar.gz');
      writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255)));
      return Promise.resolve(f);
    },
  ],
  [
    'a text file (/etc/hostname)',
    () => {
      const f = join(tmp, 'hostname');
      writeFileSync(f, 'worker-1\n');
      return Promise.resolve(f);
    },
  ],
  [
    'a folder whose only file is an invalid manifest',
    async () => {
      const d = join(tmp, 'bad-manifest-dir');
      await writeBundleDir(d, [{ path: 'manifest.json', data: Buffer.from('{"formatVersion": ') }]);
      return d;
    },
  ],
  [
    'an archive whose only file is an invalid manifest',
    async () => {
      const f = join(tmp, 'bad-manifest.tar.gz');
      await writeBundleArchive(f, [{ path: 'manifest.json', data: Buffer.from('not json at all') }], { gzip: true });
      return f;
    },
  ],
];

describe('netsnap redact with no readable bundle', () => {
  for (const [name, make] of CASES) {
    it(`${name}: exit 2, one line naming the path, nothing written`, async () => {
      const input = await make();
      const out = join(tmp, `out-${name.replace(/\W+/g, '-')}.tar.gz`);
      const r = await redact([input, '-o', out, '--pseudonymize']);
      expect(r.code).toBe(2);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(out.replace(/\.tar\.gz$/, '.map.json'))).toBe(false);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length).toBeLessThanOrEqual(2);
      expect(lines[0]).toMatch(/^netsnap redact: /);
      expect(lines[0]).toContain(input);
      expect(r.stderr).not.toContain('usage:');
    });
  }

  it('a readable bundle beside an unreadable one: the bundle is redacted, the other named as skipped', async () => {
    const [w1] = secretBundles();
    const good = join(tmp, 'good', w1!.id);
    await writeBundleDir(good, bundleEntries(w1!));
    const bad = join(tmp, 'junk.tar.gz');
    writeFileSync(bad, 'junk');
    const out = join(tmp, 'mixed.tar.gz');
    const r = await redact([good, bad, '-o', out]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(r.stderr).toMatch(
      new RegExp(`^netsnap redact: skipped ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `, 'm'),
    );
  });

  it('usage errors are one line and a hint, never the help', async () => {
    const r = await redact(['--pseudonymise', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'netsnap redact: unknown option --pseudonymise',
      'did you mean --pseudonymize?',
    ]);
    const n = await redact([join(tmp, 'x')]);
    expect(n.code).toBe(2);
    expect(n.stderr.trim().split('\n')).toHaveLength(2);
  });
});
