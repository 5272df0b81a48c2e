// The FileIndex: read access to every bundle file's lines and JSON values, for evidence and the
// evidence browser. It keeps the reader's buffers (one copy of the bytes) and builds a line-offset
// table per file only when a line of that file is first asked for: a 100 MB iptables-save is never
// split into strings up front.
// manifest.json is a file like any other, so evidence can cite a source record
// (`manifest.json#/sources/7/stderrTail`: what a tool printed on stderr). A bundle built in memory
// (tests) has a parsed manifest but no bytes: it is served as the collector writes it.
import type { RawBundle } from '../bundle/types.js';
import type { FileIndex, FileRef } from './types.js';
import { resolvePointer } from './pointer.js';
import { jsonNestingExceeds } from '../core/json-depth.js';
import { LARGE_JSON_BYTES } from './reader.js';
import { entryOf, entryPaths, hasEntry, wholeBytes, type EntryBytes } from '../bundle/entries.js';
import type { SpilledEntry } from '../bundle/spill.js';
import { MAX_TEXT_BYTES } from './decode.js';
import { listItemAt } from './json-stream-items.js';

type PointerRef = FileRef & { readonly pointer?: string };

const NEWLINE = 0x0a;
const MANIFEST = 'manifest.json';
/** parsed JSON documents kept for pointer(); small, since a pods list can be huge */
const JSON_CACHE_SIZE = 4;
/**
 * JSON files up to this size are parsed whole for a pointer; a list item of a larger one is parsed
 * alone from its span: a few hundred quotes of an 81 MB pods.json then cost one scan, not a parse
 * of the whole file each time it falls out of the cache.
 */
const WHOLE_PARSE_BYTES = 4 * 1024 * 1024;

/** Start offset of every line; a final newline does not start another line. */
export function lineOffsets(buf: Buffer): Uint32Array {
  if (buf.length === 0) return new Uint32Array(0);
  let count = 1;
  for (let i = buf.indexOf(NEWLINE); i !== -1 && i < buf.length - 1; i = buf.indexOf(NEWLINE, i + 1)) count++;
  const out = new Uint32Array(count);
  let n = 1;
  for (let i = buf.indexOf(NEWLINE); i !== -1 && i < buf.length - 1; i = buf.indexOf(NEWLINE, i + 1)) out[n++] = i + 1;
  return out;
}

/** Split a string into lines the way the buffer index does (a final newline ends, not starts, a line). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map(stripCR);
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** the line table of a spilled file, by a windowed newline scan; `endsInNewline` for the last line */
function spilledLineOffsets(e: SpilledEntry, window: number): { table: LineTable; endsInNewline: boolean } {
  if (e.length === 0) return { table: new Uint32Array(0), endsInNewline: false };
  // offsets past 2^32 need doubles; the table grows by doubling as the line count is unknown
  const wide = e.length > 0xffffffff;
  let table: LineTable = wide ? new Float64Array(4096) : new Uint32Array(4096);
  let count = 1; // table[0] = 0
  let last = 0;
  const work = Buffer.allocUnsafe(Math.min(window, e.length)); // one window, reused
  for (let pos = 0; pos < e.length; pos += window) {
    const n = Math.min(window, e.length - pos);
    e.readInto(work, 0, pos, pos + n);
    const chunk = work.subarray(0, n);
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) {
      if (pos + i >= e.length - 1) continue; // a final newline does not start another line
      if (count === table.length) {
        const grown: LineTable = wide ? new Float64Array(count * 2) : new Uint32Array(count * 2);
        grown.set(table);
        table = grown;
      }
      table[count++] = pos + i + 1;
    }
    last = chunk[chunk.length - 1] as number;
  }
  return { table: table.slice(0, count), endsInNewline: last === NEWLINE };
}

type LineTable = Uint32Array | Float64Array;

/** window of spilled bytes read back per step when scanning for lines */
const LINE_SCAN_WINDOW = 8 * 1024 * 1024;

export function createFileIndex(raws: readonly RawBundle[], opts: { largeJsonBytes?: number } = {}): FileIndex {
  const largeJsonBytes = opts.largeJsonBytes ?? LARGE_JSON_BYTES;
  const byBundle = new Map<string, RawBundle>(raws.map((r) => [r.id, r]));
  const offsets = new Map<string, { table: LineTable; endsInNewline: boolean }>();
  const embedded = new Map<string, string[] | null>();
  const jsonCache = new Map<string, unknown>();

  const key = (ref: FileRef): string => `${ref.bundle}\u0000${ref.path}`;
  const manifests = new Map<string, Buffer>();
  for (const r of raws)
    if (r.manifest && !hasEntry(r, MANIFEST))
      manifests.set(r.id, Buffer.from(`${JSON.stringify(r.manifest, null, 2)}\n`, 'utf8'));
  // a Buffer, or a spilled file whose ranges are read back on demand
  const bufferOf = (ref: FileRef): EntryBytes | undefined => {
    const raw = byBundle.get(ref.bundle);
    return (raw && entryOf(raw, ref.path)) ?? (ref.path === MANIFEST ? manifests.get(ref.bundle) : undefined);
  };

  function offsetsOf(ref: FileRef, buf: EntryBytes): { table: LineTable; endsInNewline: boolean } {
    const k = key(ref);
    let got = offsets.get(k);
    if (!got) {
      got = Buffer.isBuffer(buf)
        ? { table: lineOffsets(buf), endsInNewline: buf[buf.length - 1] === NEWLINE }
        : spilledLineOffsets(buf, LINE_SCAN_WINDOW);
      offsets.set(k, got);
    }
    return got;
  }

  function json(ref: FileRef): unknown {
    const k = key(ref);
    if (jsonCache.has(k)) {
      const hit = jsonCache.get(k);
      jsonCache.delete(k); // re-insert: most recently used last
      jsonCache.set(k, hit);
      return hit;
    }
    const entry = bufferOf(ref);
    if (!entry) return undefined;
    let doc: unknown;
    try {
      // a spilled file past one string's size is never read back only to fail
      if (entry.length > MAX_TEXT_BYTES) throw new Error('too large');
      doc = JSON.parse((wholeBytes(entry) as Buffer).toString('utf8'));
      // a value nested past the cap is never quoted: JSON.stringify of it would overflow the stack
      if (jsonNestingExceeds(doc)) doc = undefined;
    } catch {
      doc = undefined; // not JSON, or too large for one string
    }
    jsonCache.set(k, doc);
    if (jsonCache.size > JSON_CACHE_SIZE) jsonCache.delete(jsonCache.keys().next().value as string);
    return doc;
  }

  /** lines of the string at ref.pointer; null when that is not a string */
  function embeddedLines(ref: PointerRef & { pointer: string }): string[] | null {
    const k = `${key(ref)}\u0000${ref.pointer}`;
    let lines = embedded.get(k);
    if (lines === undefined) {
      const value = resolvePointer(json(ref), ref.pointer);
      lines = typeof value === 'string' ? splitLines(value) : null;
      embedded.set(k, lines);
    }
    return lines;
  }

  return {
    list(bundle?: string): readonly FileRef[] {
      const out: FileRef[] = [];
      for (const raw of raws) {
        if (bundle !== undefined && raw.id !== bundle) continue;
        const paths = [...entryPaths(raw), ...(manifests.has(raw.id) ? [MANIFEST] : [])];
        for (const path of paths.sort()) out.push({ bundle: raw.id, path });
      }
      return out;
    },
    has: (ref) => bufferOf(ref) !== undefined,
    size: (ref) => bufferOf(ref)?.length,
    lineCount(ref: PointerRef): number | undefined {
      const buf = bufferOf(ref);
      if (!buf) return undefined;
      if (ref.pointer !== undefined) return embeddedLines({ ...ref, pointer: ref.pointer })?.length;
      return offsetsOf(ref, buf).table.length;
    },
    lines(ref: PointerRef, from: number, to: number): readonly string[] | undefined {
      const buf = bufferOf(ref);
      if (!buf) return undefined;
      const lo = Math.max(1, Math.floor(from));
      if (ref.pointer !== undefined) {
        const all = embeddedLines({ ...ref, pointer: ref.pointer });
        return all ? all.slice(lo - 1, Math.max(lo - 1, Math.floor(to))) : undefined;
      }
      const { table, endsInNewline } = offsetsOf(ref, buf);
      const hi = Math.min(table.length, Math.floor(to));
      const out: string[] = [];
      if (hi < lo) return out;
      const lineEnd = (n: number): number => {
        const next = n < table.length ? (table[n] as number) - 1 : buf.length;
        // the last line may or may not end in a newline
        return n === table.length && endsInNewline ? buf.length - 1 : next;
      };
      // a spilled file: the asked lines' bytes are read back in one read
      const base = Buffer.isBuffer(buf) ? 0 : (table[lo - 1] as number);
      const bytes = Buffer.isBuffer(buf) ? buf : buf.read(base, lineEnd(hi));
      for (let n = lo; n <= hi; n++)
        out.push(stripCR(bytes.toString('utf8', (table[n - 1] as number) - base, lineEnd(n) - base)));
      return out;
    },
    pointer(ref: FileRef, pointer: string): unknown {
      const buf = bufferOf(ref);
      if (!buf) return undefined;
      const m = /^\/items\/(0|[1-9][0-9]*)(\/.*)?$/.exec(pointer);
      // a small file is parsed whole once (and kept); a list item of a larger one is parsed alone
      if (buf.length <= Math.min(WHOLE_PARSE_BYTES, largeJsonBytes) || (!m && buf.length <= largeJsonBytes))
        return resolvePointer(json(ref), pointer);
      if (!m) return undefined;
      const item = listItemAt(buf, Number(m[1]));
      if (item.found) return resolvePointer(item.value, m[2] ?? '');
      // not a list by the scan (or an item that does not parse): as JSON.parse of the whole file sees it
      return buf.length <= largeJsonBytes ? resolvePointer(json(ref), pointer) : undefined;
    },
  };
}
