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
import { findListItems, parseSpan } from './json-items.js';
import { LARGE_JSON_BYTES } from './reader.js';

type PointerRef = FileRef & { readonly pointer?: string };

const NEWLINE = 0x0a;
const MANIFEST = 'manifest.json';
/** parsed JSON documents kept for pointer(); small, since a pods list can be huge */
const JSON_CACHE_SIZE = 4;

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

export function createFileIndex(raws: readonly RawBundle[], opts: { largeJsonBytes?: number } = {}): FileIndex {
  const largeJsonBytes = opts.largeJsonBytes ?? LARGE_JSON_BYTES;
  const byBundle = new Map<string, RawBundle>(raws.map((r) => [r.id, r]));
  const offsets = new Map<string, Uint32Array>();
  const embedded = new Map<string, string[] | null>();
  const jsonCache = new Map<string, unknown>();
  const itemSpans = new Map<string, ReturnType<typeof findListItems>>();

  const key = (ref: FileRef): string => `${ref.bundle}\u0000${ref.path}`;
  const manifests = new Map<string, Buffer>();
  for (const r of raws)
    if (r.manifest && !r.files.has(MANIFEST))
      manifests.set(r.id, Buffer.from(`${JSON.stringify(r.manifest, null, 2)}\n`, 'utf8'));
  const bufferOf = (ref: FileRef): Buffer | undefined =>
    byBundle.get(ref.bundle)?.files.get(ref.path) ?? (ref.path === MANIFEST ? manifests.get(ref.bundle) : undefined);

  function offsetsOf(ref: FileRef, buf: Buffer): Uint32Array {
    const k = key(ref);
    let table = offsets.get(k);
    if (!table) {
      table = lineOffsets(buf);
      offsets.set(k, table);
    }
    return table;
  }

  function json(ref: FileRef): unknown {
    const k = key(ref);
    if (jsonCache.has(k)) {
      const hit = jsonCache.get(k);
      jsonCache.delete(k); // re-insert: most recently used last
      jsonCache.set(k, hit);
      return hit;
    }
    const buf = bufferOf(ref);
    if (!buf) return undefined;
    let doc: unknown;
    try {
      doc = JSON.parse(buf.toString('utf8'));
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
        const paths = [...raw.files.keys(), ...(manifests.has(raw.id) ? [MANIFEST] : [])];
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
      return offsetsOf(ref, buf).length;
    },
    lines(ref: PointerRef, from: number, to: number): readonly string[] | undefined {
      const buf = bufferOf(ref);
      if (!buf) return undefined;
      const lo = Math.max(1, Math.floor(from));
      if (ref.pointer !== undefined) {
        const all = embeddedLines({ ...ref, pointer: ref.pointer });
        return all ? all.slice(lo - 1, Math.max(lo - 1, Math.floor(to))) : undefined;
      }
      const table = offsetsOf(ref, buf);
      const hi = Math.min(table.length, Math.floor(to));
      const out: string[] = [];
      for (let n = lo; n <= hi; n++) {
        const start = table[n - 1] as number;
        const next = n < table.length ? (table[n] as number) - 1 : buf.length;
        // the last line may or may not end in a newline
        const end = n === table.length && buf[buf.length - 1] === NEWLINE ? buf.length - 1 : next;
        out.push(stripCR(buf.toString('utf8', start, end)));
      }
      return out;
    },
    pointer(ref: FileRef, pointer: string): unknown {
      const buf = bufferOf(ref);
      if (!buf) return undefined;
      if (buf.length <= largeJsonBytes) return resolvePointer(json(ref), pointer);
      // a huge list: parse only the item the pointer names
      const m = /^\/items\/(0|[1-9][0-9]*)(\/.*)?$/.exec(pointer);
      if (!m) return undefined;
      const k = key(ref);
      if (!itemSpans.has(k)) itemSpans.set(k, findListItems(buf));
      const span = itemSpans.get(k)?.spans[Number(m[1])];
      return span ? resolvePointer(parseSpan(buf, span).value, m[2] ?? '') : undefined;
    },
  };
}
