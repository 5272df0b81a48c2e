// A lean list item's full value is read back from the bundle bytes, exactly as loading saw it
// (zod defaults filled in, managedFields dropped): from one JSON.parse of the file, from item
// spans, and from a spill.
import { afterEach, describe, expect, it } from 'vitest';
import { Spill } from '../bundle/spill.js';
import type { RawBundle } from '../bundle/types.js';
import { BundleReader } from './reader.js';
import { loadList, setLeanObjects } from './lists.js';
import { PodSchema } from './schemas.js';
import { fullObject } from './lean-source.js';
import { compileProjector } from '../zod/project.js';
import { objectEvidence } from './evidence.js';

afterEach(() => setLeanObjects());

const pods = [
  {
    metadata: { name: 'a', namespace: 'ns', managedFields: [{ manager: 'kubectl' }], uid: 'u1' },
    spec: { nodeName: 'n1', volumes: [{ name: 'v' }] }, // no containers: zod's default [] is filled in
    status: { phase: 'Running', hostIP: '10.0.0.1', qosClass: 'BestEffort' },
    extra: { kept: 'in the bytes' },
  },
  {
    metadata: { name: 'b', namespace: 'ns' },
    spec: { containers: [{ name: 'c', image: 'i', args: ['--x'] }] },
  },
];

function rawWith(text: string, spilled: boolean): RawBundle {
  const bytes = Buffer.from(text);
  if (!spilled) return { id: 'b', origin: 'test', files: new Map([['cluster/pods.json', bytes]]), problems: [] };
  const s = Spill.create();
  const entry = s.entry(0, bytes.length);
  s.append(bytes);
  return { id: 'b', origin: 'test', files: new Map(), spilled: new Map([['cluster/pods.json', entry]]), problems: [] };
}

function load(text: string, opts: { spilled?: boolean; largeJsonBytes?: number; full?: boolean } = {}) {
  setLeanObjects({ full: opts.full, minBytes: 0 });
  const reader = new BundleReader(rawWith(text, opts.spilled === true), opts.largeJsonBytes);
  const items = loadList(reader, 'cluster/pods.json', PodSchema) ?? [];
  expect(reader.problems).toEqual([]);
  return items;
}

const text = JSON.stringify({ kind: 'PodList', items: pods }, null, 2);

describe('projected pods', () => {
  it('drops what rules never read from a pod (managedFields, env, volumes)', () => {
    const pod = {
      metadata: { name: 'p', namespace: 'ns', managedFields: [{ manager: 'kubectl' }], labels: { a: 'b' } },
      spec: {
        containers: [{ name: 'c', image: 'i', env: [{ name: 'X', value: '1' }], volumeMounts: [] }],
        volumes: [],
      },
      status: { phase: 'Running', podIP: '10.0.0.1' },
    };
    expect(PodSchema.safeParse(pod).success).toBe(true);
    const lean = compileProjector(PodSchema)(structuredClone(pod)) as typeof pod;
    expect(lean.metadata).toEqual({ name: 'p', namespace: 'ns', labels: { a: 'b' } });
    expect(lean.spec).toEqual({ containers: [{ name: 'c', image: 'i', env: [{ name: 'X', value: '1' }] }] });
    expect(lean.status).toEqual({ phase: 'Running', podIP: '10.0.0.1' });
  });
});

describe('fullObject', () => {
  for (const [how, opts] of [
    ['one JSON.parse', {}],
    ['item spans', { largeJsonBytes: 0 }],
    ['a spill read whole', { spilled: true }],
    ['a spill item by item', { spilled: true, largeJsonBytes: 0 }],
  ] as const)
    it(`gives back what loading saw, from ${how}`, () => {
      const full = load(text, { full: true });
      const lean = load(text, opts);
      expect(lean[0]?.obj).not.toHaveProperty('extra');
      expect(lean[0]?.obj.status).toEqual({ phase: 'Running', hostIP: '10.0.0.1' });
      for (const [i, loc] of lean.entries()) {
        expect(JSON.stringify(fullObject(loc))).toBe(JSON.stringify(full[i]?.obj));
        for (const sub of ['', '/spec', '/extra', '/metadata', '/spec/containers'])
          expect(objectEvidence(loc, sub)).toEqual(objectEvidence(full[i]!, sub));
      }
      expect(fullObject(lean[0]!)).toMatchObject({ extra: { kept: 'in the bytes' }, spec: { containers: [] } });
      expect(JSON.stringify(fullObject(lean[0]!))).not.toContain('managedFields');
    });

  it('a file whose "items" key comes twice is read as JSON.parse read it (the last), not by the span scan', () => {
    const decoy = JSON.stringify({ metadata: { name: 'decoy' }, spec: { containers: [] }, extra: 'decoy' });
    const twice = `{"items": [${decoy}], "items": ${JSON.stringify(pods)}}`;
    const full = load(twice, { full: true });
    const lean = load(twice);
    expect(lean.map((l) => l.obj.metadata.name)).toEqual(['a', 'b']);
    expect(objectEvidence(lean[0]!, '/extra')).toEqual(objectEvidence(full[0]!, '/extra'));
  });

  it('an object that was never projected is its own full value', () => {
    const loc = {
      obj: { metadata: { name: 'x' } },
      ref: { bundle: 'b', path: 'cluster/pods.json', pointer: '/items/0' },
    };
    expect(fullObject(loc)).toBe(loc.obj);
  });
});
