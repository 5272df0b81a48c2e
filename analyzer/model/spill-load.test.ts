// Spilled files load and quote exactly like heap ones (issue 17 item 1): the same snapshot, report
// and FileIndex answers for a scenario read with every file spilled, and the same items and
// problems for odd lists parsed window by window from the spill (json-stream-items.ts).
import { existsSync, mkdtempSync, promises as fsp, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../causal/analyze.js';
import { buildJsonReport } from '../report/json.js';
import { readBundle } from '../bundle/read.js';
import { Spill } from '../bundle/spill.js';
import { closeBundle, entryBytes, entryPaths } from '../bundle/entries.js';
import { writeBundleArchive } from '../bundle/write.js';
import type { RawBundle } from '../bundle/types.js';
import type { FileIndex, FileRef } from './types.js';
import { createFileIndex } from './files.js';
import { loadSnapshot } from './load.js';
import { BundleReader } from './reader.js';
import { loadList, setSpillWindowBytes } from './lists.js';
import { listSchemaOf } from './cluster.js';

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
afterEach(() => setSpillWindowBytes());

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
      expect(spilled.snapshot.summary).toEqual(heap.snapshot.summary);
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
    type Read = typeof import('../bundle/read.js');
    type Files = typeof import('./files.js');
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

/** one bundle holding `text` at cluster/pods.json, in the heap or spilled */
function rawWith(text: string, spilled: boolean): RawBundle {
  const bytes = Buffer.from(text);
  if (!spilled) return { id: 'b', origin: 'test', files: new Map([['cluster/pods.json', bytes]]), problems: [] };
  const s = Spill.create();
  s.append(Buffer.from('x')); // the entry does not start at offset 0
  const entry = s.entry(1, bytes.length);
  s.append(bytes);
  return { id: 'b', origin: 'test', files: new Map(), spilled: new Map([['cluster/pods.json', entry]]), problems: [] };
}

const pod = (name: string, extra = '') =>
  `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "${name}", "namespace": "default"${extra}}, "spec": {"containers": []}}`;

/** loadList through the streaming (largeJsonBytes 0) path */
function load(text: string, spilled: boolean) {
  const reader = new BundleReader(rawWith(text, spilled), 0);
  const items = loadList(reader, 'cluster/pods.json', listSchemaOf('cluster/pods.json')!);
  const index = createFileIndex([reader.raw], { largeJsonBytes: 0 });
  const ref = { bundle: 'b', path: 'cluster/pods.json' };
  return {
    items: items?.map((i) => ({ obj: i.obj, ref: i.ref })),
    problems: reader.problems,
    pointers: [0, 1, 2, 3].map((i) => index.pointer(ref, `/items/${i}/metadata`)),
    lines: index.lines(ref, 1, 1000),
  };
}

const tricky = [
  pod('a', ', "annotations": {"x": "] } \\" \\\\ \\\\\\" [ { , \\u005d"}'),
  pod('b', ', "labels": {"k\\"]": "}}}]]]"}'),
  pod('c'),
];

const cases: Record<string, string> = {
  'strings with brackets, quotes and escapes': `{"kind": "List", "items": [\n${tricky.join(',\n')}\n], "metadata": {}}`,
  'pretty-printed': `{\n    "apiVersion": "v1",\n    "items": [\n        ${tricky.join(',\n        ')}\n    ]\n}\n`,
  // the line-guided guess ends the first item at the inner `}`: it does not parse, so a byte rescan
  'pretty-printed with a misleading indent': `{\n  "items": [\n    {\n    "metadata": {\n    "name": "a", "namespace": "d"},\n    "spec": {"containers": []}\n    },\n    ${pod('b')}\n  ]\n}\n`,
  'a bad item': `{"items": [${pod('a')}, {"metadata": {"name": "b", "namespace": oops}}, ${pod('c')}]}`,
  'an item failing the schema': `{"items": [${pod('a')}, {"kind": "Pod", "metadata": {"name": 7}}]}`,
  'cut off mid-item': `{"items": [${pod('a')}, ${pod('b').slice(0, 40)}`,
  'cut off mid-string': `{"items": [${pod('a')}, {"metadata": {"name": "unterminat`,
  'zero items': `{"kind": "PodList", "items": [  ], "metadata": {"resourceVersion": "1"}}`,
  'not a list: an array at the top': `[${pod('a')}]`,
  'not a list: no items key': `{"kind": "PodList", "things": [${pod('a')}]}`,
  'items only nested deeper': `{"meta": {"items": [${pod('a')}]}}`,
  'a key that only starts with items': `{"itemsX": [${pod('a')}], "items": [${pod('b')}]}`,
  'an escaped quote in a top-level key': `{"it\\"ems": [1], "items": [${pod('c')}]}`,
};

describe('spilled lists parsed window by window', () => {
  for (const [name, text] of Object.entries(cases)) {
    it(`${name}: the same items, problems and pointers as in the heap, at every window size`, () => {
      const want = load(text, false);
      for (const window of [1, 2, 3, 7, 16, 64, 1 << 20]) {
        setSpillWindowBytes(window);
        expect({ window, ...load(text, true) }).toEqual({ window, ...want });
      }
    });
  }

  it('finds the items of the tricky list and reports the bad one', () => {
    setSpillWindowBytes(5);
    expect(load(cases['strings with brackets, quotes and escapes']!, true).items?.map((i) => i.ref.pointer)).toEqual([
      '/items/0',
      '/items/1',
      '/items/2',
    ]);
    const bad = load(cases['a bad item']!, true);
    expect(bad.items?.map((i) => i.ref.pointer)).toEqual(['/items/0', '/items/2']);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatchObject({ file: 'cluster/pods.json', pointer: '/items/1', code: 'bad-json' });
    const cut = load(cases['cut off mid-item']!, true);
    expect(cut.items).toBeUndefined();
    expect(cut.problems[0]?.message).toContain('cut off before its end');
    expect(load(cases['zero items']!, true)).toMatchObject({ items: [], problems: [] });
  });
});
