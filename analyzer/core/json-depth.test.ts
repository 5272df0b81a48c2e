import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonNestingExceeds } from './json-depth.js';

const nestedArrays = (levels: number): unknown => {
  let v: unknown = [];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
};
const nestedObjects = (levels: number): unknown => {
  let v: unknown = {};
  for (let i = 1; i < levels; i++) v = { a: 1, b: [2], c: v };
  return v;
};

describe('jsonNestingExceeds', () => {
  it('is false for scalars and values exactly at the cap, true one level past it', () => {
    for (const v of [null, 1, 'x', true]) expect(jsonNestingExceeds(v)).toBe(false);
    expect(jsonNestingExceeds(nestedArrays(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds(nestedArrays(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestingExceeds(nestedObjects(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds(nestedObjects(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestingExceeds({ items: [{}, { x: nestedArrays(3) }] }, 6)).toBe(false);
    expect(jsonNestingExceeds({ items: [{}, { x: nestedArrays(3) }] }, 5)).toBe(true);
  });

  it('returns without overflowing the stack on a value nested 1,000,000 deep', () => {
    const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)) as unknown;
    expect(jsonNestingExceeds(deep)).toBe(true);
  });
});
