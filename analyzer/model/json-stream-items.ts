// The items of a Kubernetes list kept in the spill file (bundle/spill.ts), found window by window:
// the same split as json-items.ts's byte-level scanner (strings, escapes, nesting, the top-level
// "items" array), but over windows read back with readSync, so a 775 MiB pods list is never one
// Buffer. The partial item at the end of a window is carried into the next. Item spans are kept
// in typed arrays so FileIndex.pointer(ref, "/items/N/...") reads only that item back.
import type { SpilledEntry } from '../bundle/spill.js';
import type { EntryBytes } from '../bundle/entries.js';
import { findListItems, parseSpan, rescanListItems } from './json-items.js';

// The byte constants repeat json-items.ts's on purpose: module-local consts in the hot scan loops;
// the same constants imported from one shared module measured 5-10% more CPU in the byte scan.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const ITEMS = Buffer.from('items');

/** bytes read back per window: large enough that readSync calls cost nothing, small for the heap */
export const WINDOW_BYTES = 8 * 1024 * 1024;

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** [start, end) byte offsets of each item, growing as the scan goes */
export class SpanTable {
  count = 0;
  private data = new Float64Array(1024);

  push(start: number, end: number): void {
    if (this.count * 2 + 2 > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.count * 2] = start;
    this.data[this.count * 2 + 1] = end;
    this.count++;
  }

  get(i: number): readonly [number, number] | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined;
    return [this.data[i * 2] as number, this.data[i * 2 + 1] as number];
  }
}

/** one item's bytes: valid only until the next item is asked for */
export interface ItemBytes {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
}

/** spans of a whole scan, shared by loading and later pointer lookups */
const scanned = new WeakMap<SpilledEntry, SpanTable | null>();

export class ListStream {
  readonly spans = new SpanTable();
  /** after items() is exhausted: true when the items array closed (else: not a list, or cut off) */
  ok = false;
  /**
   * line-guided (byLines): the file was not shaped as json-lines.ts expects; scan again with
   * byLines false. Spans found by lines are a guess until every item parses, as in json-lines.ts:
   * a caller meeting an item that does not parse must scan again byte by byte too.
   */
  notLineShaped = false;

  constructor(
    private readonly entry: SpilledEntry,
    private readonly window = WINDOW_BYTES,
    /** find items line by line (memchr speed) as json-lines.ts does; the byte scan is ~9x slower */
    readonly byLines = false,
  ) {}

  /** each item's bytes in order; stops early (ok false) at the first sign that this is no list */
  *items(): Generator<ItemBytes> {
    const e = this.entry;
    let base = 0; // absolute offset of buf[0]
    let buf: Buffer = Buffer.alloc(0);
    let next = 0; // absolute offset of the next byte to read from the spill
    let i = 0; // scan position in buf
    // before the items array: the object's nesting and the last top-level key seen
    let phase: 'head' | 'items' = 'head';
    let depth = 0;
    let inString = false;
    let escaped = false;
    let key: number[] | undefined; // raw bytes of a depth-1 string, up to 6 (enough to tell "items")
    let keyPending: number[] | undefined; // a depth-1 string waiting to see if a colon follows
    let lastKey: number[] | undefined;
    // in the items array: nesting inside the current item, its start, and where its last non-space byte ends
    let itemDepth = 0;
    let start = -1;
    let lastEnd = -1;
    /** make buf hold absolute offset `at`; false at the end of the file */
    const need = (at: number): boolean => {
      while (base + buf.length <= at) if (!more()) return false;
      return true;
    };
    // one working buffer, reused window after window (fresh 8 MiB buffers would each be page
    // faults to touch, the cost the spill is there to avoid); it doubles when an item outgrows it
    let work = Buffer.allocUnsafe(0);
    const more = (): boolean => {
      if (next >= e.length) return false;
      // keep the unfinished item (or string) of the old window
      const keep = phase === 'items' ? (start >= 0 ? start : base + i) : base + buf.length;
      const tailLength = base + buf.length - keep;
      // an item longer than a window doubles the read, so a huge item is copied O(n), not O(n²)
      const read = Math.min(e.length - next, Math.max(this.window, tailLength));
      if (work.length < tailLength + read) {
        const grown = Buffer.allocUnsafe(Math.max(tailLength + read, 2 * work.length));
        buf.copy(grown, 0, keep - base);
        work = grown;
      } else buf.copy(work, 0, keep - base); // copy() handles the overlap of a buffer with itself
      e.readInto(work, tailLength, next, next + read);
      next += read;
      buf = work.subarray(0, tailLength + read);
      i -= keep - base;
      base = keep;
      return true;
    };
    for (;;) {
      if (i >= buf.length && !more()) return; // ended before the items array closed
      if (phase === 'head') {
        for (; i < buf.length; i++) {
          const b = buf[i] as number;
          if (inString) {
            if (escaped) escaped = false;
            else if (b === BACKSLASH) escaped = true;
            else if (b === QUOTE) {
              inString = false;
              keyPending = key;
              key = undefined;
              continue;
            }
            if (key && key.length < 6) key.push(b);
            continue;
          }
          if (keyPending && !isSpace(b)) {
            // a top-level key is followed by a colon
            if (b === COLON) lastKey = keyPending;
            keyPending = undefined;
          }
          if (b === QUOTE) {
            inString = true;
            key = depth === 1 ? [] : undefined;
            continue;
          }
          if (b === OPEN_OBJ || b === OPEN_ARR) {
            if (depth === 1 && b === OPEN_ARR && isItems(lastKey)) {
              phase = 'items';
              if (this.byLines) start = base + i; // the line scan looks back from the first item to `[`
              i++;
              break;
            }
            depth++;
          } else if (b === CLOSE_OBJ || b === CLOSE_ARR) depth--;
          else if (depth === 0 && !isSpace(b)) return; // not an object at the top
        }
        continue;
      }
      if (this.byLines) {
        yield* lineItemsOf.call(this, base + i - 1, {
          need,
          at: (abs) => buf[abs - base] as number,
          indexOf: (needle, from) => {
            // newline by newline (memchr), then the indent: faster than a multi-byte search here
            const last = buf.length - needle.length;
            for (let k = buf.indexOf(NL, from - base); k >= 0 && k <= last; k = buf.indexOf(NL, k + 1)) {
              if (buf[k + needle.length - 1] !== CLOSE_OBJ) continue; // most lines: one look
              let m = 1;
              while (m < needle.length && buf[k + m] === needle[m]) m++;
              if (m === needle.length) return base + k;
            }
            return -1;
          },
          end: () => base + buf.length,
          keepFrom: (abs) => {
            start = abs;
          },
          cursor: (abs) => {
            i = abs - base;
          },
          item: (s0, e0) => ({ buf, start: s0 - base, end: e0 - base }),
        });
        return;
      }
      // the items array: each item ends at a comma or the closing bracket at nesting 0
      while (i < buf.length) {
        const b = buf[i] as number;
        if (b === QUOTE) {
          const end = stringEnd(buf, i);
          if (end < 0) break; // the string goes on in the next window: rescan it from its quote
          if (start < 0) start = base + i;
          lastEnd = base + end;
          i = end;
          continue;
        }
        if (itemDepth === 0 && (b === COMMA || b === CLOSE_ARR)) {
          if (start >= 0) {
            this.spans.push(start, lastEnd);
            yield { buf, start: start - base, end: lastEnd - base };
          }
          start = -1;
          if (b === CLOSE_ARR) {
            this.ok = true;
            return;
          }
          i++;
          continue;
        }
        if (b === OPEN_OBJ || b === OPEN_ARR) itemDepth++;
        else if (b === CLOSE_OBJ || b === CLOSE_ARR) itemDepth--;
        if (!isSpace(b)) {
          if (start < 0) start = base + i;
          lastEnd = base + i + 1;
        }
        i++;
      }
      // out of bytes (or mid-string): read the next window, or the list was cut off
      if (!more()) return;
    }
  }
}

/** access to the window for the line-guided scan, in absolute offsets */
interface Cursor {
  need(at: number): boolean;
  at(abs: number): number;
  indexOf(needle: Buffer, from: number): number;
  end(): number;
  /** keep bytes from here on when the next window is read (-1: only from the cursor) */
  keepFrom(abs: number): void;
  cursor(abs: number): void;
  item(start: number, end: number): ItemBytes;
}

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/** json-lines.ts's lineItemSpans over windows; sets notLineShaped where that returns undefined */
function* lineItemsOf(this: ListStream, open: number, c: Cursor): Generator<ItemBytes> {
  const skip = (from: number): number => {
    let k = from;
    for (;;) {
      c.cursor(k);
      if (!c.need(k)) return -1;
      const b = c.at(k);
      if (b !== SPACE && b !== NL && b !== CR && b !== 0x09) return k;
      k++;
    }
  };
  const fail = (): void => {
    this.notLineShaped = true;
  };
  c.keepFrom(open);
  let start = skip(open + 1);
  if (start < 0) return fail();
  if (c.at(start) === CLOSE_ARR) {
    this.ok = true;
    return;
  }
  if (c.at(start) !== OPEN_OBJ) return fail();
  // the first item's line: after a newline, indented by spaces only
  let lineStart = start;
  while (lineStart > open + 1 && c.at(lineStart - 1) !== NL) lineStart--;
  if (lineStart <= open + 1) return fail(); // first item on the `[` line: not pretty-printed
  for (let k = lineStart; k < start; k++) if (c.at(k) !== SPACE) return fail();
  const indent = start - lineStart;
  const needle = Buffer.from(`\n${' '.repeat(indent)}}`);
  for (;;) {
    c.keepFrom(start);
    if (!c.need(start + 1)) return fail();
    let end: number;
    if (c.at(start + 1) === CLOSE_OBJ) end = start + 2;
    else {
      let from = start;
      for (;;) {
        const nl = c.indexOf(needle, from);
        if (nl >= 0) {
          end = nl + needle.length;
          break;
        }
        from = Math.max(start, c.end() - needle.length + 1);
        if (!c.need(c.end())) return fail();
      }
    }
    if (!c.need(end)) return fail();
    this.spans.push(start, end);
    yield c.item(start, end);
    const after = c.at(end);
    c.keepFrom(-1);
    if (after === COMMA) {
      start = skip(end + 1);
      if (start < 0 || c.at(start) !== OPEN_OBJ) return fail();
      continue;
    }
    if (after !== NL && after !== CR) return fail();
    const close = skip(end);
    if (close < 0 || c.at(close) !== CLOSE_ARR) return fail();
    this.ok = true;
    return;
  }
}

function isItems(key: number[] | undefined): boolean {
  return key !== undefined && key.length === ITEMS.length && key.every((b, k) => b === ITEMS[k]);
}

/** end (exclusive) of the string opened at buf[i], or -1 when it does not close in buf */
function stringEnd(buf: Buffer, i: number): number {
  let q = buf.indexOf(QUOTE, i + 1);
  while (q >= 0) {
    // an odd run of backslashes before the quote escapes it
    let k = q - 1;
    while (k > i && buf[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    q = buf.indexOf(QUOTE, q + 1);
  }
  return -1;
}

/** the item spans of a spilled list (scanned once, then kept); undefined when it is not a list */
export function spilledListSpans(entry: SpilledEntry, window = WINDOW_BYTES): SpanTable | undefined {
  const hit = scanned.get(entry);
  if (hit !== undefined) return hit ?? undefined;
  // line-guided first, like findListItems for a heap list; byte by byte when not line-shaped
  let s = new ListStream(entry, window, true);
  for (const _ of s.items());
  if (s.notLineShaped) {
    s = new ListStream(entry, window, false);
    for (const _ of s.items());
  }
  rememberSpans(entry, s);
  return s.ok ? s.spans : undefined;
}

/** keep a finished scan's spans for pointer lookups */
export function rememberSpans(entry: SpilledEntry, s: ListStream): void {
  scanned.set(entry, s.ok ? s.spans : null);
}

/**
 * Item i of a list file parsed from its span alone (FileIndex.pointer, lean objects' read-back):
 * a heap buffer's spans from one scan (kept per buffer by findListItems; spans found line by line
 * are a guess until they parse, then the byte scan), a spilled list's from loading or one windowed
 * scan. `found` is false when the scan finds no such item or its bytes do not parse.
 */
export function listItemAt(entry: EntryBytes, i: number): { found: boolean; value?: unknown } {
  if (!Buffer.isBuffer(entry)) {
    const span = spilledListSpans(entry)?.get(i);
    if (!span) return { found: false };
    const r = parseSpan(entry.read(span[0], span[1]), [0, span[1] - span[0]]);
    return { found: r.error === undefined, value: r.value };
  }
  const found = findListItems(entry);
  let span = found?.spans[i];
  if (!span) return { found: false };
  let r = parseSpan(entry, span);
  if (r.error !== undefined && found?.fromLines) {
    span = rescanListItems(entry)?.spans[i];
    if (!span) return { found: false };
    r = parseSpan(entry, span);
  }
  return { found: r.error === undefined, value: r.value };
}
