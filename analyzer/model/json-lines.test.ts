import { describe, expect, it } from 'vitest';
import { findListItems, rescanListItems } from './json-items.js';
import { lineItemSpans } from './json-lines.js';

const list = (items: unknown[], indent = 4) =>
  Buffer.from(`${JSON.stringify({ apiVersion: 'v1', items, kind: 'List' }, null, indent)}\n`);
const texts = (buf: Buffer, spans: readonly (readonly [number, number])[]) =>
  spans.map(([a, b]) => JSON.parse(buf.toString('utf8', a, b)) as unknown);
const open = (buf: Buffer) => buf.indexOf('"items": [') + '"items": '.length;

describe('line-shaped item spans', () => {
  const items = [{ a: 1, b: { c: [1, 2, { d: '}\\n},' }] } }, { e: 'x' }, {}];

  it('finds the same items as the byte scanner in kubectl-style output', () => {
    for (const indent of [2, 4]) {
      const buf = list(items, indent);
      const lines = lineItemSpans(buf, open(buf));
      expect(lines).toBeDefined();
      expect(texts(buf, lines!)).toEqual(items);
      expect(lines).toEqual(rescanListItems(buf)?.spans);
      expect(findListItems(Buffer.from(buf))?.fromLines).toBe(true);
    }
  });

  it('an empty list has no items', () => {
    const buf = list([]);
    expect(lineItemSpans(buf, open(buf))).toEqual([]);
  });

  it('gives up on compact JSON and on items that share a line', () => {
    const compact = Buffer.from(JSON.stringify({ items }));
    expect(lineItemSpans(compact, compact.indexOf('['))).toBeUndefined();
    const shared = Buffer.from('{\n  "items": [\n    {"a": 1}, {"b": 2}\n  ]\n}\n');
    expect(lineItemSpans(shared, shared.indexOf('['))).toBeUndefined();
    expect(findListItems(shared)?.fromLines).toBeUndefined();
  });

  it('a misleading indentation makes a span that does not parse (the caller then rescans)', () => {
    const buf = Buffer.from('{\n  "items": [\n    {\n      "a": {\n    },\n      "b": 1\n    }\n  ]\n}\n');
    const lines = lineItemSpans(buf, buf.indexOf('['));
    if (lines) expect(() => texts(buf, lines)).toThrow();
    expect(texts(buf, rescanListItems(buf)!.spans)).toEqual([{ a: {}, b: 1 }]);
  });
});
