// The worker-thread reader (analyzer/bundle/read-in-worker.ts) must read exactly what the
// in-thread reader reads: same files, same bytes, same problems, on good and hostile archives.
// The worker only exists compiled, so this test runs the built reader in dist/ (npm test builds
// it first).
import { existsSync, mkdtempSync, promises as fsp, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '../../dist/analyzer/bundle/read.js');
const WORKER = join(import.meta.dirname, '../../dist/analyzer/bundle/read-worker.js');
const built = existsSync(DIST) && existsSync(WORKER);
if (!built) console.log('skipped: dist/ is not built (run `npx tsc -p tsconfig.json` or `npm test`)');

type Read = typeof import('../../analyzer/bundle/read.js');
const work = mkdtempSync(join(tmpdir(), 'netsnap-readw-'));
afterAll(() => fsp.rm(work, { recursive: true, force: true }));

const manifest = JSON.stringify({
  formatVersion: 1,
  collectorVersion: '1.0.0',
  createdAt: '2026-11-28T09:00:00Z',
  node: 'worker-1',
  sources: [],
});

async function pack(
  file: string,
  entries: { name: string; data: string | Buffer; type?: tar.Header['type'] }[],
  cut = 0,
): Promise<string> {
  const p = tar.pack();
  const out = join(work, file);
  const done = pipeline(p, createGzip(), createWriteStream(out));
  for (const e of entries) {
    const data = Buffer.from(e.data);
    await new Promise<void>((res, rej) =>
      p.entry({ name: e.name, type: e.type ?? 'file', size: data.length }, data, (err) => (err ? rej(err) : res())),
    );
  }
  p.finalize();
  await done;
  if (cut > 0) await fsp.truncate(out, (await fsp.stat(out)).size - cut);
  return out;
}

const view = (b: Awaited<ReturnType<Read['readBundle']>>) => ({
  files: [...b.files].map(([p, buf]) => [p, buf.toString('base64')]).sort(),
  problems: b.problems,
  node: b.manifest?.node,
});

describe.skipIf(!built)('reading a .tar.gz in a worker thread', () => {
  it('finds its compiled worker, so `worker: true` below really reads in a worker', async () => {
    const { workerAvailable } = (await import(
      join(import.meta.dirname, '../../dist/analyzer/bundle/read-in-worker.js')
    )) as typeof import('../../analyzer/bundle/read-in-worker.js');
    expect(workerAvailable()).toBe(true);
  });

  const many = Array.from({ length: 600 }, (_, i) => ({
    name: `cluster/logs/ns/pod-${i}/c.log`,
    data: `line ${i}\n`.repeat(i % 7),
  }));
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
  // incompressible, so cutting the end of the archive cuts into this file
  let seed = 7;
  const noise = Buffer.from(
    Array.from({ length: 256 * 1024 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24),
  );
  const cases: [string, () => Promise<string>][] = [
    [
      'a bundle with many small files and a large one',
      () =>
        pack('good.tar.gz', [
          { name: 'manifest.json', data: manifest },
          ...many,
          { name: 'host/iptables-save.txt', data: big },
          { name: 'host/empty.txt', data: '' },
        ]),
    ],
    [
      'a duplicate entry and a path traversal',
      () =>
        pack('hostile.tar.gz', [
          { name: 'manifest.json', data: manifest },
          { name: 'host/a.txt', data: 'one' },
          { name: 'host/a.txt', data: 'two' },
          { name: '../../etc/passwd', data: 'x' },
          { name: 'host/link', data: '', type: 'symlink' },
        ]),
    ],
    [
      'a truncated archive',
      () =>
        pack(
          'cut.tar.gz',
          [
            { name: 'manifest.json', data: manifest },
            { name: 'host/early.txt', data: 'early' },
            { name: 'host/noise.bin', data: noise },
            { name: 'host/after.txt', data: 'after' },
          ],
          5000,
        ),
    ],
  ];
  for (const [name, make] of cases) {
    it(`${name}: the same files, bytes and problems as in this thread`, async () => {
      const { readBundle } = (await import(DIST)) as Read;
      const file = await make();
      const seen: string[] = [];
      const inWorker = await readBundle(file, { worker: true, onFile: (p) => seen.push(p) });
      const here = await readBundle(file, { worker: false });
      expect(view(inWorker)).toEqual(view(here));
      expect(seen.sort()).toEqual([...inWorker.files.keys()].sort());
      expect(inWorker.files.size).toBeGreaterThan(0);
    });
  }

  it('keeps the per-entry cap in the worker', async () => {
    const { readBundle } = (await import(DIST)) as Read;
    const file = await pack('cap.tar.gz', [
      { name: 'manifest.json', data: manifest },
      { name: 'host/big.txt', data: big },
    ]);
    const b = await readBundle(file, { worker: true, limits: { maxEntryBytes: 1024 * 1024 } });
    expect(b.files.has('host/big.txt')).toBe(false);
    expect(b.problems).toEqual([expect.objectContaining({ file: 'host/big.txt', severity: 'error' })]);
  });
});
