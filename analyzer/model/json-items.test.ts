import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findListItems, parseSpan } from './json-items.js';

const items = (text: string): unknown[] | undefined => {
  const buf = Buffer.from(text);
  return findListItems(buf)?.spans.map((s) => parseSpan(buf, s).value);
};

describe('findListItems', () => {
  it('finds the items of a kubectl list, whatever the key order and spacing', () => {
    expect(items('{"apiVersion":"v1","items":[{"a":1},{"b":[1,{"c":"]"}]}],"kind":"List"}')).toEqual([
      { a: 1 },
      { b: [1, { c: ']' }] },
    ]);
    expect(
      items('{\n  "kind": "List",\n  "metadata": {"items": [9]},\n  "items": [\n    {"s": "x\\"}, {"}\n  ]\n}\n'),
    ).toEqual([{ s: 'x"}, {' }]);
    expect(items('{"items": []}')).toEqual([]);
    expect(items('{"items": [ "é", 3 ]}')).toEqual(['é', 3]);
  });

  it('is undefined for what is not a list object or is cut off', () => {
    expect(items('[1,2]')).toBeUndefined();
    expect(items('{"kind":"List"}')).toBeUndefined();
    expect(items('{"items": [{"a": 1}, {"b"')).toBeUndefined();
  });

  it('agrees with JSON.parse on any list', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 6 }),
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
        (list, extra) => {
          const { items: _drop, ...rest } = extra as Record<string, unknown>;
          const doc = JSON.stringify({ ...rest, items: list }, null, 2);
          expect(items(doc)).toEqual(JSON.parse(doc).items);
        },
      ),
    );
  });
});
