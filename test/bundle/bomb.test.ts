// Issue 17, bounded memory on hostile input: a ~6 MB .tar.gz declaring six 1 GiB entries of zeros
// is refused as a decompression bomb by the ratio check, naming the entry being read, after at most
// a few hundred MiB have been decompressed (the bench measures its peak RSS and time through the CLI).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../analyzer/bundle/read.js';
import { DEFAULT_LIMITS } from '../../analyzer/bundle/limits.js';
import { ISSUE_17_BOMB, bombArchive, bombEntry } from '../../bench/bomb.js';
import { MINIMAL_MANIFEST } from './hostile-tar.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-bomb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MiB = 1024 * 1024;

async function read(name: string, bytes: Buffer, limits = {}) {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  let most = 0;
  const raw = await readBundle(path, {
    limits,
    onProgress: (p) => {
      most = Math.max(most, p.bytesRead);
    },
  });
  return { raw, most };
}

describe('a decompression bomb (issue 17)', () => {
  it('refuses six declared 1 GiB entries from a ~6 MB archive, naming the entry, before buffering them', async () => {
    const bytes = bombArchive(MINIMAL_MANIFEST);
    expect(bytes.length).toBeLessThan(8 * MiB);
    const { raw, most } = await read('bomb.tar.gz', bytes);
    expect(raw.files.has('manifest.json')).toBe(true);
    for (let i = 0; i < ISSUE_17_BOMB.entries; i++) expect(raw.files.has(bombEntry(i))).toBe(false);
    expect(raw.problems).toMatchObject([{ file: bombEntry(0), severity: 'error' }]);
    expect(raw.problems[0]!.message).toMatch(/decompression bomb/);
    // stopped at the ratio check, not at the 4 GiB total cap: at most ~ratioFromBytes read
    expect(most).toBeLessThanOrEqual(DEFAULT_LIMITS.ratioFromBytes + 8 * MiB);
  });

  it('keeps a very compressible entry smaller than the point where the ratio is checked', async () => {
    const { raw } = await read('small.tar.gz', bombArchive(MINIMAL_MANIFEST, { entries: 1, entryBytes: 4 * MiB }));
    expect(raw.problems).toEqual([]);
    expect(raw.files.get(bombEntry(0))?.length).toBe(4 * MiB);
  });

  it('checks the ratio from ratioFromBytes on, and not below maxRatio', async () => {
    const shape = { entries: 2, entryBytes: 4 * MiB };
    const stopped = await read('low.tar.gz', bombArchive(MINIMAL_MANIFEST, shape), { ratioFromBytes: 2 * MiB });
    expect(stopped.raw.problems).toMatchObject([{ file: bombEntry(0) }]);
    expect(stopped.raw.problems[0]!.message).toMatch(/decompression bomb/);
    const allowed = await read('high.tar.gz', bombArchive(MINIMAL_MANIFEST, shape), {
      ratioFromBytes: 2 * MiB,
      maxRatio: 100_000,
    });
    expect(allowed.raw.problems).toEqual([]);
    expect(allowed.raw.files.get(bombEntry(1))?.length).toBe(4 * MiB);
  });
});
