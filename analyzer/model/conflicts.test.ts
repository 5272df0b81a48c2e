// With several bundles, the node list that is used is parsed once: conflicts.ts compares it and
// cluster.ts then takes the same load (loadListEarly), instead of a second parse of the whole list.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildSnapshot } from './build.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { kubeList, nodeJson, rawBundle } from './testing.js';

afterEach(() => vi.restoreAllMocks());

const nodesA = kubeList([nodeJson({ name: 'w1', uid: 'u-1' }), nodeJson({ name: 'w2', uid: 'u-2' })]);

/** how often JSON.parse was handed a text holding the node named `marker` (the whole list or an item) */
function countParses(marker: string): () => number {
  const real = JSON.parse;
  let n = 0;
  vi.spyOn(JSON, 'parse').mockImplementation((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    if (typeof text === 'string' && text.includes(`"${marker}"`)) n++;
    return real(text, reviver) as unknown;
  });
  return () => n;
}

function twoBundles(older: object, newer: object = nodesA) {
  const a = rawBundle({
    id: 'a',
    node: 'w1',
    createdAt: '2025-01-15T12:00:00Z',
    files: { 'cluster/nodes.json': newer },
  });
  const b = rawBundle({
    id: 'b',
    node: 'w2',
    createdAt: '2025-01-15T11:59:00Z',
    files: { 'cluster/nodes.json': older },
  });
  return [a, b];
}

describe('cluster data of several bundles', () => {
  it('parses the used node list once, and still finds a bundle of another cluster', () => {
    const parses = countParses('u-1');
    const s = buildSnapshot(twoBundles(kubeList([nodeJson({ name: 'w1', uid: 'u-9' })])));
    // bundle a's list (the only text holding u-1): once, not once for the comparison and once to load
    expect(parses()).toBe(1);
    expect(s.cluster?.nodes.map((n) => [n.obj.metadata.name, n.ref.bundle])).toEqual([
      ['w1', 'a'],
      ['w2', 'a'],
    ]);
    const conflict = s.problems.filter((p) => p.code === LOAD_PROBLEM_CODES.clusterConflict);
    expect(conflict).toEqual([
      expect.objectContaining({ bundle: 'b', file: 'cluster/nodes.json', severity: 'warning' }),
    ]);
    expect(conflict[0]?.message).toContain('node w1 has uid u-9 there but u-1 here: another cluster');
  });

  it('a used node list with an item its schema skips: compared on every raw item, the problem reported once', () => {
    const bad = {
      ...nodesA,
      items: [...(nodesA as { items: object[] }).items, { kind: 'Node', metadata: { name: 'w3', uid: 7 } }],
    };
    const s = buildSnapshot(twoBundles(bad, bad));
    // w3 is in both raw lists: same node sets, no conflict (the skipped item still counts as a node)
    expect(s.problems.filter((p) => p.code === LOAD_PROBLEM_CODES.clusterConflict)).toEqual([]);
    expect(s.problems.filter((p) => p.file === 'cluster/nodes.json').map((p) => [p.bundle, p.pointer, p.code])).toEqual(
      [['a', '/items/2', LOAD_PROBLEM_CODES.schema]],
    );
    expect(s.cluster?.nodes.map((n) => n.obj.metadata.name)).toEqual(['w1', 'w2']);
  });
});
