// Spilled lists load and quote exactly like heap ones (issue 17 item 1): the same items, problems
// and pointers for odd lists parsed window by window from the spill (json-stream-items.ts), at
// every window size. test/bundle/spill-scenario.test.ts does the same for a whole scenario.
import { afterEach, describe, expect, it } from 'vitest';
import { Spill } from '../bundle/spill.js';
import type { RawBundle } from '../bundle/types.js';
import { createFileIndex } from './files.js';
import { BundleReader } from './reader.js';
import { loadList, setSpillWindowBytes } from './lists.js';
import { listSchemaOf } from './cluster.js';

afterEach(() => setSpillWindowBytes());

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
