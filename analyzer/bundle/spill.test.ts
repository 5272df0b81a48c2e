// The spill file (spill.ts): private and gone from the filesystem while in use, and the reader's
// large entries go there (not into `files`) with the caps, the bomb check and write errors as for
// heap entries.
import { existsSync, fstatSync, mkdtempSync, promises as fsp, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readBundle } from './read.js';
import { Spill, spillLocation } from './spill.js';
import { closeBundle, entryBytes, entryPaths, hasEntry } from './entries.js';
import { writeBundleArchive } from './write.js';

const work = mkdtempSync(join(tmpdir(), 'netsnap-spill-test-'));
afterAll(() => fsp.rm(work, { recursive: true, force: true }));

const manifest = JSON.stringify({
  formatVersion: 1,
  collectorVersion: '0.1.0',
  createdAt: '2026-11-28T09:00:00Z',
  node: 'worker-1',
  sources: [],
});
const big = Buffer.from(`${'line of a large file\n'.repeat(2000)}no final newline`);

async function archive(name: string, entries: { path: string; data: Buffer | string }[]): Promise<string> {
  const out = join(work, name);
  await writeBundleArchive(
    out,
    entries.map((e) => ({ path: e.path, data: Buffer.from(e.data) })),
  );
  return out;
}

describe('the spill file', () => {
  it('is mode 0600, has no name left in the filesystem, and reads back what was written', () => {
    const s = Spill.create();
    try {
      const st = fstatSync(s.fd);
      expect(st.mode & 0o777).toBe(0o600);
      expect(st.nlink).toBe(0); // unlinked
      if (process.platform === 'linux') {
        const link = readlinkSync(`/proc/self/fd/${s.fd}`);
        expect(link).toMatch(/ \(deleted\)$/);
        expect(link.startsWith(tmpdir())).toBe(true);
        expect(existsSync(dirname(link.replace(/ \(deleted\)$/, '')))).toBe(false); // its directory is gone too
      }
      s.append(Buffer.from('abc'));
      const e = s.entry(s.size, big.length);
      s.append(big);
      expect(e.read().equals(big)).toBe(true);
      expect(e.read(5, 9).toString()).toBe(big.subarray(5, 9).toString());
      expect(s.entry(0, 3).read().toString()).toBe('abc');
    } finally {
      s.close();
    }
    expect(() => s.readRange(0, 1)).toThrow(/closed/);
  });
});

describe('reading large entries into the spill', () => {
  it('spills entries of spillMinBytes or more; the rest stay in files; bytes read back equal', async () => {
    const file = await archive('mixed.tar.gz', [
      { path: 'manifest.json', data: manifest },
      { path: 'host/small.txt', data: 'small\n' },
      { path: 'host/big.txt', data: big },
    ]);
    const raw = await readBundle(file, { limits: { spillMinBytes: 1024 } });
    expect([...raw.files.keys()].sort()).toEqual(['host/small.txt', 'manifest.json']);
    expect([...(raw.spilled?.keys() ?? [])]).toEqual(['host/big.txt']);
    expect(hasEntry(raw, 'host/big.txt')).toBe(true);
    expect(entryPaths(raw).sort()).toEqual(['host/big.txt', 'host/small.txt', 'manifest.json']);
    expect(entryBytes(raw, 'host/big.txt')?.equals(big)).toBe(true);
    expect(raw.problems).toEqual([]);
    closeBundle(raw);
    expect(() => raw.spilled?.get('host/big.txt')?.read()).toThrow(/closed/);
  });

  it('spills a large file of a bundle directory too', async () => {
    const dir = join(work, 'dir-bundle');
    await fsp.mkdir(join(dir, 'host'), { recursive: true });
    await fsp.writeFile(join(dir, 'manifest.json'), manifest);
    await fsp.writeFile(join(dir, 'host/big.txt'), big);
    const raw = await readBundle(dir, { limits: { spillMinBytes: 1024 } });
    expect(raw.files.has('host/big.txt')).toBe(false);
    expect(raw.spilled?.get('host/big.txt')?.read().equals(big)).toBe(true);
    expect(raw.manifest?.node).toBe('worker-1');
  });

  it('a failed spill write is a problem naming the entry; the rest of the bundle loads', async () => {
    const file = await archive('enospc.tar.gz', [
      { path: 'manifest.json', data: manifest },
      { path: 'host/big.txt', data: big },
      { path: 'host/small.txt', data: 'small\n' },
    ]);
    const spy = vi.spyOn(Spill.prototype, 'append').mockImplementation(() => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    try {
      const raw = await readBundle(file, { limits: { spillMinBytes: 1024 } });
      expect(hasEntry(raw, 'host/big.txt')).toBe(false);
      expect(raw.files.get('host/small.txt')?.toString()).toBe('small\n');
      expect(raw.problems).toHaveLength(1);
      expect(raw.problems[0]).toMatchObject({ file: 'host/big.txt', severity: 'error' });
      expect(raw.problems[0]?.message).toContain('ENOSPC');
      expect(raw.problems[0]?.message).toContain('not kept');
    } finally {
      spy.mockRestore();
    }
  });

  it('spilled bytes count for the bomb check: a bomb is stopped and its entry not kept', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    const file = await archive('bomb.tar.gz', [
      { path: 'manifest.json', data: manifest },
      { path: 'host/zeros.bin', data: zeros },
    ]);
    const raw = await readBundle(file, { limits: { spillMinBytes: 1024, ratioFromBytes: 1024 * 1024 } });
    expect(hasEntry(raw, 'host/zeros.bin')).toBe(false);
    const bomb = raw.problems.find((p) => p.file === 'host/zeros.bin');
    expect(bomb?.message).toContain('decompression bomb');
    expect(bomb?.message).toContain('not kept');
  });

  it('the total cap counts spilled entries', async () => {
    const file = await archive('cap.tar.gz', [
      { path: 'manifest.json', data: manifest },
      { path: 'host/a.txt', data: big },
      { path: 'host/b.txt', data: big },
    ]);
    const raw = await readBundle(file, { limits: { spillMinBytes: 1024, maxTotalBytes: big.length + 1000 } });
    expect(hasEntry(raw, 'host/a.txt')).toBe(true);
    expect(hasEntry(raw, 'host/b.txt')).toBe(false);
    expect(raw.problems.find((p) => p.file === 'host/b.txt')?.message).toContain('total cap');
  });
});

describe('the spill of a dropped bundle', () => {
  // the FinalizationRegistry in spill.ts closes the fd once the bundle is garbage; gc() made callable
  // here (vitest has no per-file node flags), as --expose-gc would
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const link = (fd: number): string | undefined => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return undefined; // closed
    }
  };

  /** read a bundle with a spilled entry and drop it; its spill's fd and what /proc says that fd is */
  async function readAndDrop(): Promise<{ fd: number; target: string }> {
    const file = await archive('dropped.tar.gz', [
      { path: 'manifest.json', data: manifest },
      { path: 'host/big.txt', data: big },
    ]);
    const raw = await readBundle(file, { limits: { spillMinBytes: 1024 } });
    const at = spillLocation(raw.spilled!.get('host/big.txt')!)!;
    return { fd: at.fd, target: link(at.fd)! };
  }

  it.skipIf(process.platform !== 'linux')('closes its fd once the bundle is garbage (no closeBundle)', async () => {
    const { fd, target } = await readAndDrop();
    expect(target).toMatch(/netsnap-spill-.*\/spill \(deleted\)$/);
    // finalizers run in a later task than the collection; bounded: 100 rounds
    for (let i = 0; i < 100 && link(fd) === target; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    // closed (or the number already reused for another file): no longer the spill
    expect(link(fd)).not.toBe(target);
  });
});
