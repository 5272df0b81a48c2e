// The projector keeps exactly the schema's keys, in the source's order; records, unknown and
// unions are kept whole; arrays are projected in place.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditedView, compileProjector } from './project.js';

const Schema = z.looseObject({
  a: z.string(),
  list: z.array(z.looseObject({ k: z.number() })).optional(),
  strs: z.array(z.string()).optional(),
  rec: z.record(z.string(), z.string()).optional(),
  any: z.unknown().optional(),
  port: z.union([z.number(), z.string()]).optional(),
  inner: z.looseObject({ x: z.string().nullish() }).nullish(),
  dflt: z.array(z.looseObject({ k: z.number() })).default([]),
});

describe('compileProjector', () => {
  it('keeps the declared keys, in the order of the source', () => {
    const v = { z: 1, inner: { y: 2, x: 'x' }, a: 'a', extra: { deep: true }, port: 'http' };
    expect(JSON.stringify(compileProjector(Schema)(v))).toBe('{"inner":{"x":"x"},"a":"a","port":"http"}');
  });

  it('projects array elements in place and keeps records and unknown values whole', () => {
    const strs = ['s'];
    const rec = { 'app.kubernetes.io/name': 'x' };
    const any = { whatever: [1, { two: 2 }] };
    const list = [{ k: 1, drop: 'me' }, { k: 2 }];
    const out = compileProjector(Schema)({ a: 'a', list, strs, rec, any, dflt: [{ k: 3, q: 1 }] }) as Record<
      string,
      unknown
    >;
    expect(out.list).toBe(list); // the same array, elements replaced
    expect(list).toEqual([{ k: 1 }, { k: 2 }]);
    expect(out.strs).toBe(strs);
    expect(out.rec).toBe(rec);
    expect(out.any).toBe(any);
    expect(out.dflt).toEqual([{ k: 3 }]);
  });

  it("'copy' leaves the value as it was", () => {
    const v = { a: 'a', list: [{ k: 1, drop: 'me' }], extra: 1 };
    const before = structuredClone(v);
    expect(compileProjector(Schema, 'copy')(v)).toEqual({ a: 'a', list: [{ k: 1 }] });
    expect(v).toEqual(before);
  });

  it('keeps null and undefined as they are', () => {
    expect(compileProjector(Schema)({ a: 'a', inner: null })).toEqual({ a: 'a', inner: null });
    expect('inner' in (compileProjector(Schema)({ a: 'a' }) as object)).toBe(false);
  });
});

describe('auditedView', () => {
  it('records reads of undeclared keys with their path, not of declared ones', () => {
    const seen: string[] = [];
    const v = auditedView(Schema, { a: 'a', list: [{ k: 1 }], inner: { x: 'x' } }, (p) => seen.push(p)) as Record<
      string,
      Record<string, unknown>
    >;
    void v.a;
    void v.inner?.x;
    void v.inner?.y;
    void (v.list as unknown as Record<string, unknown>[])[0]?.nope;
    void ('hidden' in v);
    void JSON.stringify(v);
    expect(seen).toEqual(['inner.y', 'list[0].nope', 'hidden']);
  });
});
