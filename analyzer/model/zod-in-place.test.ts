// The in-place check must agree with zod's safeParse: same verdict on every value, and on success
// the checked value equals zod's output (defaults filled). Compared on real objects from a scenario
// bundle, mutated at random paths, and on hand-made edge cases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileInPlaceCheck } from '../zod/in-place.js';
import * as schemas from './schemas.js';
import { ManifestSchema } from '../bundle/manifest.js';

const BUNDLE = join(
  import.meta.dirname,
  '../../fixtures/scenarios/article-full-story/netsnap-control-plane-20241120T093000Z/cluster',
);

const LISTS: readonly [string, z.ZodType][] = [
  ['pods.json', schemas.PodSchema],
  ['nodes.json', schemas.KubeNodeSchema],
  ['services.json', schemas.ServiceSchema],
  ['endpoints.json', schemas.EndpointsSchema],
  ['endpointslices.json', schemas.EndpointSliceSchema],
  ['daemonsets.json', schemas.DaemonSetSchema],
  ['deployments.json', schemas.DeploymentSchema],
  ['events.json', schemas.KubeEventSchema],
  ['../manifest.json', ManifestSchema],
];

const itemsOf = (file: string): unknown[] => {
  const doc = JSON.parse(readFileSync(join(BUNDLE, file), 'utf8')) as { items?: unknown[] };
  return doc.items ?? [doc];
};

/** every path to a value inside v (objects and arrays), the root excluded */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const entries: [string | number, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : v !== null && typeof v === 'object'
      ? Object.entries(v)
      : [];
  for (const [k, x] of entries) {
    out.push([...prefix, k]);
    paths(x, [...prefix, k], out);
  }
  return out;
}

type Mutation = { kind: 'delete' } | { kind: 'set'; value: unknown };

function mutate(v: unknown, path: readonly (string | number)[], m: Mutation): unknown {
  const copy = structuredClone(v);
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (m.kind === 'set') cur[last] = m.value;
  else if (Array.isArray(cur)) cur.splice(Number(last), 1);
  else delete cur[last];
  return copy;
}

/** verdict and value of both ways, each on its own copy */
function both(
  schema: z.ZodType,
  value: unknown,
): { zod: { ok: boolean; data?: unknown }; fast: { ok: boolean; data?: unknown } } {
  const check = compileInPlaceCheck(schema);
  if (!check) throw new Error('schema did not compile');
  const parsed = schema.safeParse(structuredClone(value));
  const mine = structuredClone(value);
  const ok = check(mine);
  return {
    zod: { ok: parsed.success, ...(parsed.success ? { data: parsed.data } : {}) },
    fast: { ok, ...(ok ? { data: mine } : {}) },
  };
}

describe('compileInPlaceCheck', () => {
  for (const [file, schema] of LISTS) {
    const items = itemsOf(file);

    it(`accepts every ${file} item of the scenario as zod does, with zod's output`, () => {
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        const r = both(schema, item);
        expect(r.fast).toEqual(r.zod);
      }
    });

    it(`agrees with zod on ${file} items mutated at random paths`, () => {
      const arb = fc.integer({ min: 0, max: items.length - 1 }).chain((i) => {
        const all = paths(items[i]);
        return fc.tuple(
          fc.constant(i),
          fc.integer({ min: 0, max: Math.max(0, all.length - 1) }).map((j) => all[j] ?? []),
          fc.oneof(
            fc.constant<Mutation>({ kind: 'delete' }),
            fc.jsonValue({ maxDepth: 2 }).map((value): Mutation => ({ kind: 'set', value })),
            fc.constantFrom<Mutation>(
              { kind: 'set', value: null },
              { kind: 'set', value: [] },
              { kind: 'set', value: {} },
              { kind: 'set', value: '' },
              { kind: 'set', value: 0 },
            ),
          ),
        );
      });
      fc.assert(
        fc.property(arb, ([i, path, m]) => {
          if (path.length === 0) return;
          const r = both(schema, mutate(items[i], path, m));
          expect(r.fast).toEqual(r.zod);
        }),
        { numRuns: 300, seed: 7 },
      );
    });
  }

  it('agrees on edge cases of each compiled feature', () => {
    const s = z.looseObject({
      req: z.string(),
      opt: z.number().optional(),
      nul: z.string().nullable(),
      nish: z.string().nullish(),
      def: z.array(z.string()).default([]),
      rec: z.record(z.string(), z.string()).optional(),
      uni: z.union([z.number(), z.string()]).optional(),
      unk: z.unknown(),
      nest: z.looseObject({ b: z.boolean() }).optional(),
      int: z.number().int().nonnegative().optional(),
      en: z.enum(['a', 'b']).optional(),
      lit: z.literal(1).optional(),
      min: z.string().min(1).optional(),
    });
    const base = { req: 'a', nul: null, unk: 1 };
    const cases: unknown[] = [
      base,
      { ...base, extra: { x: 1 } },
      { ...base, opt: Infinity },
      { ...base, opt: Number.NaN },
      { ...base, opt: 1.5 },
      { req: 'a', unk: 1 }, // nullable but not optional: missing fails
      { req: 'a', nul: null }, // unknown key missing fails in zod 4
      { ...base, nish: null },
      { ...base, def: ['x'] },
      { ...base, def: [1] },
      { ...base, def: null },
      { ...base, rec: [] },
      { ...base, rec: { a: 'b', c: 1 } },
      { ...base, uni: true },
      { ...base, uni: '8080' },
      { ...base, nest: { b: 'yes' } },
      { ...base, nest: [] },
      { ...base, int: 3 },
      { ...base, int: 3.5 },
      { ...base, int: -1 },
      { ...base, int: 2 ** 60 },
      { ...base, en: 'b' },
      { ...base, en: 'c' },
      { ...base, lit: 1 },
      { ...base, lit: '1' },
      { ...base, min: '' },
      { ...base, min: 'x' },
      [],
      null,
      'x',
    ];
    for (const c of cases) {
      const r = both(s, c);
      expect({ case: c, ...r.fast }).toEqual({ case: c, ...r.zod });
    }
  });

  it('fills a default with a fresh value each time, as zod does', () => {
    const s = z.looseObject({ d: z.array(z.string()).default([]) });
    const check = compileInPlaceCheck(s);
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    expect(check?.(a)).toBe(true);
    expect(check?.(b)).toBe(true);
    expect(a.d).toEqual([]);
    expect(a.d).not.toBe(b.d);
  });

  it('leaves to zod the schemas it cannot check without changing the value', () => {
    expect(compileInPlaceCheck(z.object({ a: z.string() }))).toBeUndefined(); // strips unknown keys
    expect(compileInPlaceCheck(z.strictObject({ a: z.string() }))).toBeUndefined();
    expect(compileInPlaceCheck(z.looseObject({ a: z.string().regex(/x/) }))).toBeUndefined();
    expect(compileInPlaceCheck(z.looseObject({ a: z.string().transform((x) => x.length) }))).toBeUndefined();
    expect(compileInPlaceCheck(z.union([z.looseObject({ a: z.string() }), z.string()]))).toBeUndefined();
    expect(compileInPlaceCheck(schemas.PodSchema)).toBeDefined();
    expect(compileInPlaceCheck(ManifestSchema)).toBeDefined();
  });
});
