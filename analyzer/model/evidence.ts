// Evidence a person can open. Three shapes of EvidenceRef (analyzer/core/evidence-ref.ts):
//   path + line[..endLine]            a line range of a text file (iptables-save, resolv.conf, a log)
//   path + pointer                    a JSON value (`cluster/pods.json#/items/3/status`)
//   path + pointer + line[..endLine]  lines of a text embedded in a JSON string, e.g. the Corefile
//                                     at `cluster/configmaps/kube-system/coredns.json#/data/Corefile`,
//                                     line numbers counted inside that string
// The quote is the cited text exactly (lines joined by "\n"; for a bare pointer JSON.stringify of
// the value), so a test can check that every quote is really at its place.
import type { EvidenceRef } from '../core/evidence-ref.js';
import type { FileIndex, FileRef, Located, Sourced } from './types.js';
import { fullObject } from './lean-source.js';

/** Walk an RFC 6901 pointer inside an already-parsed value. */
export function atPointer(value: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/')
    return pointer === '' ? value : (value as Record<string, unknown> | undefined)?.[''];
  let cur: unknown = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function escapePointerToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Evidence for a JSON value of a cluster object: `sub` is a pointer inside the object ("/status/phase"). */
export function objectEvidence<T>(loc: Located<T>, sub = '', note?: string): EvidenceRef {
  // the full object from the bundle bytes: the loaded one keeps only the schema's keys
  const v = atPointer(fullObject(loc), sub);
  return {
    bundle: loc.ref.bundle,
    path: loc.ref.path,
    pointer: loc.ref.pointer + sub,
    quote: JSON.stringify(v) ?? 'undefined',
    ...(note ? { note } : {}),
  };
}

/** Evidence for one already-known line (e.g. an iptables rule, whose text and line the parser kept). */
export function knownLineEvidence(
  ref: FileRef & { pointer?: string },
  line: number,
  text: string,
  note?: string,
): EvidenceRef {
  return {
    bundle: ref.bundle,
    path: ref.path,
    line,
    quote: text,
    ...(ref.pointer ? { pointer: ref.pointer } : {}),
    ...(note ? { note } : {}),
  };
}

/** Evidence for lines [from, to] of a text file, quoted from the file index. */
export function lineEvidence(
  files: FileIndex,
  ref: FileRef,
  from: number,
  to = from,
  note?: string,
): EvidenceRef | undefined {
  const lines = files.lines(ref, from, to);
  if (!lines || lines.length === 0) return undefined;
  return {
    bundle: ref.bundle,
    path: ref.path,
    line: from,
    ...(to !== from ? { endLine: to } : {}),
    quote: lines.join('\n'),
    ...(note ? { note } : {}),
  };
}

// The last embedded text split into lines: the DNS rules cite many lines of one Corefile, and
// splitting it again for each citation was quadratic (a Corefile of 20,000 server blocks never finished).
let splitText: string | undefined;
let splitLines: readonly string[] = [];
function linesOf(text: string): readonly string[] {
  if (text !== splitText) {
    splitLines = text.split(/\r?\n/);
    splitText = text;
  }
  return splitLines;
}

/** Evidence for lines of a text embedded in a JSON string (a ConfigMap's data key). */
export function embeddedLineEvidence(
  text: string,
  ref: FileRef & { pointer: string },
  from: number,
  to = from,
  note?: string,
): EvidenceRef | undefined {
  const lines = linesOf(text).slice(from - 1, to);
  if (lines.length === 0) return undefined;
  return {
    bundle: ref.bundle,
    path: ref.path,
    pointer: ref.pointer,
    line: from,
    ...(to !== from ? { endLine: to } : {}),
    quote: lines.join('\n'),
    ...(note ? { note } : {}),
  };
}

/** Evidence for a whole small parsed file's line (Sourced values carry only the file ref). */
export function sourcedLineEvidence(
  files: FileIndex,
  src: Sourced<unknown>,
  line: number,
  note?: string,
): EvidenceRef | undefined {
  return lineEvidence(files, src.ref, line, line, note);
}

export interface ResolvedEvidence {
  /** the cited lines with some context around them */
  readonly lines: readonly { readonly n: number; readonly text: string; readonly cited: boolean }[];
  /** true when the quote is exactly what is at the cited place */
  readonly matches: boolean;
}

/** Canonical JSON (object keys sorted), so a quote made from a schema-parsed object matches the file. */
function canonicalJson(v: unknown): string {
  return (
    JSON.stringify(v, (_k, x: unknown) =>
      x && typeof x === 'object' && !Array.isArray(x)
        ? Object.fromEntries(
            Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          )
        : x,
    ) ?? 'undefined'
  );
}

/** the quote of a bare-pointer ref is that JSON value; object key order carries no meaning (zod reorders keys) */
function sameJsonText(v: unknown, quote: string): boolean {
  if ((JSON.stringify(v) ?? 'undefined') === quote) return true;
  try {
    return canonicalJson(v) === canonicalJson(JSON.parse(quote));
  } catch {
    return false;
  }
}

/** Fetch what an EvidenceRef points at (with `context` lines around), for the UI and for tests. */
export function resolveEvidence(files: FileIndex, ev: EvidenceRef, context = 0): ResolvedEvidence | undefined {
  const ref = { bundle: ev.bundle, path: ev.path };
  if (!files.has(ref)) return undefined;
  const from = ev.line;
  const to = ev.endLine ?? ev.line;
  if (ev.pointer !== undefined) {
    const v = files.pointer(ref, ev.pointer);
    if (from === undefined || to === undefined) {
      const text = JSON.stringify(v, null, 2) ?? 'undefined';
      return {
        lines: text.split('\n').map((t, i) => ({ n: i + 1, text: t, cited: true })),
        matches: sameJsonText(v, ev.quote),
      };
    }
    if (typeof v !== 'string') return { lines: [], matches: false };
    const all = v.split(/\r?\n/);
    const lo = Math.max(1, from - context);
    const hi = Math.min(all.length, to + context);
    const lines = [];
    for (let n = lo; n <= hi; n++) lines.push({ n, text: all[n - 1] ?? '', cited: n >= from && n <= to });
    return { lines, matches: all.slice(from - 1, to).join('\n') === ev.quote };
  }
  if (from === undefined || to === undefined) return { lines: [], matches: false };
  const count = files.lineCount(ref) ?? 0;
  const lo = Math.max(1, from - context);
  const hi = Math.min(count, to + context);
  const got = files.lines(ref, lo, hi) ?? [];
  const lines = got.map((text, i) => ({ n: lo + i, text, cited: lo + i >= from && lo + i <= to }));
  const cited = lines
    .filter((l) => l.cited)
    .map((l) => l.text)
    .join('\n');
  return { lines, matches: cited === ev.quote };
}
