// Find the elements of a Kubernetes list's "items" array in the raw bytes, without turning the
// whole file into one string. A 150,000-pod `kubectl get pods -A -o json` is ~1.5 GB: more than
// V8's string limit, so JSON.parse of the whole file cannot work; each item alone is a few KB.
// The scan is byte-level: every byte of a multi-byte UTF-8 character is >= 0x80, so it can never
// be mistaken for a quote, bracket or comma.

import { jsonNestingExceeds, jsonTooDeepMessage } from '../core/json-depth.js';
import { lineItemSpans } from './json-lines.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export interface ItemSpans {
  /** [start, end) byte offsets of each element of the top-level "items" array */
  readonly spans: readonly (readonly [number, number])[];
  /** found line by line (json-lines.ts): right only if every span parses; else call rescanListItems */
  readonly fromLines?: boolean;
}

/** one scan per buffer: loading and later pointer lookups share it */
const scanned = new WeakMap<Buffer, ItemSpans | null>();

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** end offset (exclusive) of the string starting at buf[i] === '"' */
function skipString(buf: Buffer, i: number): number {
  for (let j = i + 1; j < buf.length; j++) {
    const b = buf[j];
    if (b === BACKSLASH) j++;
    else if (b === QUOTE) return j + 1;
  }
  return -1;
}

/**
 * Spans of the items of `{"...": ..., "items": [ {...}, {...} ], ...}`; undefined when the bytes
 * are not such an object (the caller then reports the file as not a list).
 */
export function findListItems(buf: Buffer): ItemSpans | undefined {
  const hit = scanned.get(buf);
  if (hit !== undefined) return hit ?? undefined;
  const found = scanList(buf, true);
  scanned.set(buf, found ?? null);
  return found;
}

/** the byte-level scan, for when a line-found span did not parse */
export function rescanListItems(buf: Buffer): ItemSpans | undefined {
  const found = scanList(buf, false);
  scanned.set(buf, found ?? null);
  return found;
}

function scanList(buf: Buffer, byLines: boolean): ItemSpans | undefined {
  let depth = 0;
  let i = 0;
  let lastKey: string | undefined;
  while (i < buf.length) {
    const b = buf[i] as number;
    if (b === QUOTE) {
      const end = skipString(buf, i);
      if (end < 0) return undefined;
      if (depth === 1) {
        // a key at the top level is followed by a colon
        let k = end;
        while (k < buf.length && isSpace(buf[k] as number)) k++;
        if (buf[k] === COLON) lastKey = buf.toString('utf8', i + 1, end - 1);
      }
      i = end;
      continue;
    }
    if (b === OPEN_OBJ || b === OPEN_ARR) {
      if (depth === 1 && b === OPEN_ARR && lastKey === 'items') {
        const lines = byLines ? lineItemSpans(buf, i) : undefined;
        return lines ? { spans: lines, fromLines: true } : scanItems(buf, i);
      }
      depth++;
    } else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
      depth--;
    } else if (depth === 0 && !isSpace(b)) {
      return undefined; // not an object at the top
    }
    i++;
  }
  return undefined;
}

function scanItems(buf: Buffer, open: number): ItemSpans | undefined {
  const spans: [number, number][] = [];
  let depth = 0;
  let start = -1;
  for (let i = open + 1; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b === QUOTE) {
      const end = skipString(buf, i);
      if (end < 0) return undefined;
      if (start < 0) start = i;
      i = end - 1;
      continue;
    }
    if (depth === 0 && (b === COMMA || b === CLOSE_ARR)) {
      if (start >= 0) spans.push([start, trimEnd(buf, i)]);
      start = -1;
      if (b === CLOSE_ARR) return { spans };
      continue;
    }
    if (b === OPEN_OBJ || b === OPEN_ARR) depth++;
    else if (b === CLOSE_OBJ || b === CLOSE_ARR) depth--;
    if (start < 0 && !isSpace(b)) start = i;
  }
  return undefined; // the array never closes: a cut-off file
}

function trimEnd(buf: Buffer, end: number): number {
  let e = end;
  while (e > 0 && isSpace(buf[e - 1] as number)) e--;
  return e;
}

/** JSON.parse of one span; undefined with the error message when it does not parse */
export function parseSpan(buf: Buffer, span: readonly [number, number]): { value?: unknown; error?: string } {
  try {
    const value = JSON.parse(buf.toString('utf8', span[0], span[1])) as unknown;
    return jsonNestingExceeds(value) ? { error: jsonTooDeepMessage() } : { value };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
