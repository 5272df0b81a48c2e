// Lists too large for one string are read item by item; forced here with a tiny threshold.
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from './build.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { kubeList, podJson, rawBundle } from './testing.js';
import { setLeanObjects } from './lists.js';
import { fullObject } from './lean-source.js';

const good = JSON.stringify(
  kubeList([podJson({ name: 'a', ip: '10.244.0.2' }), podJson({ name: 'b', ip: '10.244.0.3' })]),
  null,
  4,
);

describe('huge JSON lists', () => {
  it('loads the same pods item by item as with one JSON.parse', () => {
    const raw = rawBundle({ files: { 'cluster/pods.json': good } });
    const whole = buildSnapshot([raw]);
    // a list over largeJsonBytes is also kept lean (lists.ts leanMinBytes): compare whole objects here
    setLeanObjects({ full: true });
    let byItem: ReturnType<typeof buildSnapshot>;
    try {
      byItem = buildSnapshot([raw], { largeJsonBytes: 10 });
    } finally {
      setLeanObjects();
    }
    expect(byItem.cluster.pods).toEqual(whole.cluster.pods);
    expect(byItem.problems).toEqual([]);
    // by default the same list is lean (no apiVersion kept), and its full objects read back are the whole ones
    const lean = buildSnapshot([raw], { largeJsonBytes: 10 }).cluster.pods ?? [];
    expect(lean.map((p) => 'apiVersion' in p.obj)).toEqual([false, false]);
    expect(lean.map((p) => fullObject(p))).toEqual(whole.cluster.pods?.map((p) => p.obj));
    expect(byItem.files.pointer({ bundle: raw.id, path: 'cluster/pods.json' }, '/items/1/status/podIP')).toBe(
      '10.244.0.3',
    );
    expect(byItem.files.pointer({ bundle: raw.id, path: 'cluster/pods.json' }, '/items/7')).toBeUndefined();
  });

  it('an item that is not JSON is skipped with its pointer; the others load', () => {
    const broken = good.replace('"phase": "Running"', '"phase": Running');
    const s = buildSnapshot([rawBundle({ files: { 'cluster/pods.json': broken } })], { largeJsonBytes: 10 });
    expect(s.cluster.pods?.map((p) => p.obj.metadata.name)).toEqual(['b']);
    expect(s.problems).toEqual([
      expect.objectContaining({ file: 'cluster/pods.json', pointer: '/items/0', code: LOAD_PROBLEM_CODES.badJson }),
    ]);
  });

  it('a cut-off huge list is one problem, not a crash', () => {
    const s = buildSnapshot([rawBundle({ files: { 'cluster/pods.json': good.slice(0, good.length / 2) } })], {
      largeJsonBytes: 10,
    });
    expect(s.cluster.pods).toBeUndefined();
    expect(s.problems).toEqual([
      expect.objectContaining({ file: 'cluster/pods.json', code: LOAD_PROBLEM_CODES.badJson, severity: 'error' }),
    ]);
  });
});

describe('managedFields', () => {
  const managed = [{ manager: 'kubelet', operation: 'Update', fieldsV1: { 'f:status': {} } }];
  const withManaged = (() => {
    const pod = podJson({ name: 'a', ip: '10.244.0.2' }) as { metadata: Record<string, unknown> };
    pod.metadata.managedFields = managed;
    return JSON.stringify(kubeList([pod]), null, 4);
  })();

  for (const [how, largeJsonBytes] of [
    ['one JSON.parse', undefined],
    ['item by item', 10],
  ] as const) {
    it(`are dropped from loaded objects but still quoted from the bytes (${how})`, () => {
      const raw = rawBundle({ files: { 'cluster/pods.json': withManaged } });
      const s = buildSnapshot([raw], largeJsonBytes === undefined ? {} : { largeJsonBytes });
      const pod = s.cluster.pods?.[0]?.obj as { metadata: { name: string; managedFields?: unknown } } | undefined;
      expect(pod?.metadata.name).toBe('a');
      expect(pod?.metadata.managedFields).toBeUndefined();
      expect(s.files.pointer({ bundle: raw.id, path: 'cluster/pods.json' }, '/items/0/metadata/managedFields')).toEqual(
        managed,
      );
    });
  }
});
