// A scenario read with every file spilled (issue 17 item 1) gives the same snapshot, report and
// FileIndex answers as read into the heap: in this thread, and through the reading worker (which
// exists only compiled, in dist/).
import { existsSync, mkdtempSync, promises as fsp, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../analyzer/causal/analyze.js';
import { buildJsonReport } from '../../analyzer/report/json.js';
import { readBundle } from '../../analyzer/bundle/read.js';
import { closeBundle, entryBytes, entryPaths } from '../../analyzer/bundle/entries.js';
import { writeBundleArchive } from '../../analyzer/bundle/write.js';
import type { RawBundle } from '../../analyzer/bundle/types.js';
import type { FileIndex, FileRef } from '../../analyzer/model/types.js';
import { createFileIndex } from '../../analyzer/model/files.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { summarize } from '../../analyzer/model/summary.js';

const SCENARIO = new URL('../../fixtures/scenarios/article-full-story/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'netsnap-spill-load-'));
let tarballs: string[] = [];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out.sort();
}

beforeAll(async () => {
  const dirs = readdirSync(SCENARIO)
    .filter((n) => n.startsWith('netsnap-'))
    .sort();
  tarballs = [];
  for (const d of dirs) {
    const root = join(SCENARIO, d);
    const out = join(work, `${d}.tar.gz`);
    const entries = await Promise.all(
      (await filesUnder(root)).map(async (f) => ({ path: relative(root, f), data: await fsp.readFile(f) })),
    );
    await writeBundleArchive(out, entries);
    tarballs.push(out);
  }
});
afterAll(() => fsp.rm(work, { recursive: true, force: true }));

/** every answer the FileIndex gives for a file, for comparing two indexes */
function answers(files: FileIndex, ref: FileRef): unknown {
  const n = files.lineCount(ref);
  return {
    has: files.has(ref),
    size: files.size(ref),
    lineCount: n,
    lines: n === undefined ? undefined : files.lines(ref, 1, n),
    middle: files.lines(ref, 2, 3),
    past: files.lines(ref, (n ?? 0) + 1, (n ?? 0) + 5),
    items: [0, 1, 7].map((i) => files.pointer(ref, `/items/${i}`)),
    name: files.pointer(ref, '/items/1/metadata/name'),
    kind: files.pointer(ref, '/kind'),
  };
}

function indexAnswers(files: FileIndex): Record<string, unknown> {
  return Object.fromEntries(files.list().map((ref) => [`${ref.bundle}:${ref.path}`, answers(files, ref)]));
}

describe('a scenario read with every file spilled', () => {
  for (const largeJsonBytes of [undefined, 1]) {
    it(`gives the same snapshot, report and FileIndex answers (largeJsonBytes ${largeJsonBytes ?? 'default'})`, async () => {
      const heap = await loadSnapshot(tarballs, { largeJsonBytes });
      const spilled = await loadSnapshot(tarballs, { largeJsonBytes, limits: { spillMinBytes: 1 } });
      // every non-empty file, the manifest included, went to the spill
      for (const raw of spilled.raws) {
        expect([...raw.files.values()].every((b) => b.length === 0)).toBe(true);
        expect(raw.spilled?.size).toBeGreaterThan(10);
      }
      expect(spilled.raws.map((r) => entryPaths(r).sort())).toEqual(heap.raws.map((r) => [...r.files.keys()].sort()));
      expect(spilled.snapshot.problems).toEqual(heap.snapshot.problems);
      expect(summarize(spilled.snapshot, spilled.raws)).toEqual(summarize(heap.snapshot, heap.raws));
      const report = (s: typeof heap) => buildJsonReport({ snapshot: s.snapshot, analysis: analyze(s.snapshot) });
      const heapReport = report(heap);
      expect((heapReport as { findings: unknown[] }).findings.length).toBeGreaterThan(5);
      expect(report(spilled)).toEqual(heapReport);
      expect(indexAnswers(spilled.snapshot.files)).toEqual(indexAnswers(heap.snapshot.files));
      // pointers into /items/N read only that item back from the spill
      const heapIdx = createFileIndex(heap.raws, { largeJsonBytes: 1 });
      const spillIdx = createFileIndex(spilled.raws, { largeJsonBytes: 1 });
      const pods = heapIdx.list().find((r) => r.path === 'cluster/pods.json') as FileRef;
      expect(heapIdx.pointer(pods, '/items/0/metadata/name')).toEqual(expect.any(String));
      expect(indexAnswers(spillIdx)).toEqual(indexAnswers(heapIdx));
      for (const raw of spilled.raws) closeBundle(raw);
    });
  }
});

// the reading worker exists only compiled
const DIST = new URL('../../dist/analyzer/', import.meta.url).pathname;
const built = existsSync(join(DIST, 'bundle/read-worker.js'));
describe.skipIf(!built)('through the reading worker (dist/)', () => {
  it('spilled entries written by the worker read back the same bytes and FileIndex answers', async () => {
    type Read = typeof import('../../analyzer/bundle/read.js');
    type Files = typeof import('../../analyzer/model/files.js');
    const distRead = (await import(join(DIST, 'bundle/read.js'))) as Read;
    const distFiles = (await import(join(DIST, 'model/files.js'))) as Files;
    const heap = await Promise.all(tarballs.map((t) => readBundle(t)));
    const spilled = await Promise.all(
      tarballs.map((t) => distRead.readBundle(t, { worker: true, limits: { spillMinBytes: 1 } })),
    );
    for (const [i, raw] of spilled.entries()) {
      const h = heap[i] as RawBundle;
      expect([...raw.files.values()].every((b) => b.length === 0)).toBe(true);
      expect(raw.spilled?.size).toBeGreaterThan(10);
      expect(entryPaths(raw).sort()).toEqual([...h.files.keys()].sort());
      for (const p of h.files.keys()) expect(entryBytes(raw, p)?.equals(h.files.get(p) as Buffer)).toBe(true);
      expect(raw.problems).toEqual(h.problems);
      expect(raw.manifest).toEqual(h.manifest);
    }
    await new Promise((r) => setTimeout(r, 50)); // the worker has exited: its fds would be closed now
    expect(indexAnswers(distFiles.createFileIndex(spilled, { largeJsonBytes: 1 }))).toEqual(
      indexAnswers(createFileIndex(heap, { largeJsonBytes: 1 })),
    );
  });
});
