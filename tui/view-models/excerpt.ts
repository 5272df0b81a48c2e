// Evidence excerpts: the cited lines plus a few lines of context, fetched by range from the
// FileIndex (never the whole file), so a 100 MB iptables-save opens as fast as a small one.
// The three EvidenceRef shapes (see analyzer/model/evidence.ts): path+line, path+pointer (a JSON
// value), path+pointer+line (lines inside a JSON string, e.g. the Corefile in its ConfigMap).
import type { FileIndex } from '../../analyzer/model/types.js';
import type { EvidenceRef } from '../../analyzer/rules/types.js';
import type { FileTarget } from '../state/route.js';
import { cellWidth, truncate } from './text.js';

export interface ExcerptLine {
  readonly n: number;
  readonly text: string;
  readonly cited: boolean;
}

export interface Excerpt {
  readonly ref: EvidenceRef;
  /** where it is: `path:12-14`, `path#/pointer` or `path#/pointer:3` */
  readonly where: string;
  /** where the evidence browser should open */
  readonly open: FileTarget;
  readonly lines: readonly ExcerptLine[];
  /** cited lines not shown because the range is long */
  readonly more: number;
  /** why nothing can be shown (file missing from the bundle) */
  readonly problem?: string;
}

const MAX_CITED = 6;
/** pointer-only evidence: how far into the file to look for the value's line */
const LOCATE_LIMIT = 200_000;

export function whereOf(ref: EvidenceRef): string {
  const range =
    ref.line !== undefined ? `:${ref.line}${ref.endLine && ref.endLine !== ref.line ? `-${ref.endLine}` : ''}` : '';
  return `${ref.path}${ref.pointer !== undefined ? `#${ref.pointer}` : ''}${range}`;
}

/**
 * Best-effort line of a JSON value in a pretty-printed file (kubectl -o json): walk the pointer's
 * keys in order (`"status":` after `"items":` ...), then look for the value's first scalar.
 * Array indexes are not counted, so the answer can be an earlier sibling; the excerpt itself always
 * shows the true value.
 */
export function locatePointer(
  files: FileIndex,
  bundle: string,
  path: string,
  pointer: string,
  value: unknown,
): number | undefined {
  const fr = { bundle, path };
  const count = Math.min(files.lineCount(fr) ?? 0, LOCATE_LIMIT);
  const keys = pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .filter((t) => !/^\d+$/.test(t));
  const needles = keys.map((k) => `${JSON.stringify(k)}:`);
  const first = firstScalar(value);
  if (first) needles.push(`${JSON.stringify(first[0])}: ${JSON.stringify(first[1])}`);
  let at = 0;
  let found: number | undefined;
  for (const needle of needles) {
    let hit: number | undefined;
    for (let from = at + 1; from <= count && hit === undefined; from += 2000) {
      const chunk = files.lines(fr, from, Math.min(count, from + 1999)) ?? [];
      const i = chunk.findIndex((l) => l.includes(needle));
      if (i >= 0) hit = from + i;
    }
    if (hit === undefined) break;
    at = found = hit;
  }
  return found;
}

/** the first `key: scalar` pair inside a value (into arrays and nested objects) */
function firstScalar(value: unknown): [string, unknown] | undefined {
  if (Array.isArray(value)) return value.length ? firstScalar(value[0]) : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  const scalar = entries.find(([, v]) => v === null || typeof v !== 'object');
  if (scalar) return scalar;
  for (const [, v] of entries) {
    const inner = firstScalar(v);
    if (inner) return inner;
  }
  return undefined;
}

export function excerpt(files: FileIndex, ref: EvidenceRef, context: number): Excerpt {
  const fr = { bundle: ref.bundle, path: ref.path };
  const where = whereOf(ref);
  const base: FileTarget = { bundle: ref.bundle, path: ref.path };
  if (!files.has(fr))
    return { ref, where, open: base, lines: [], more: 0, problem: `${ref.path} is not in bundle ${ref.bundle}` };
  if (ref.line === undefined && ref.pointer !== undefined) {
    // a JSON value: show it pretty-printed, open the file near where it sits
    const value = files.pointer(fr, ref.pointer);
    const text = (JSON.stringify(value, null, 2) ?? 'undefined').split('\n');
    const shown = text.slice(0, MAX_CITED * 2).map((t, i) => ({ n: i + 1, text: t, cited: true }));
    const line = locatePointer(files, ref.bundle, ref.path, ref.pointer, value);
    return {
      ref,
      where,
      open: { ...base, ...(line !== undefined ? { line } : {}) },
      lines: shown,
      more: text.length - shown.length,
    };
  }
  const src = ref.pointer !== undefined ? { ...fr, pointer: ref.pointer } : fr;
  const open: FileTarget = {
    ...base,
    ...(ref.pointer !== undefined ? { pointer: ref.pointer } : {}),
    ...(ref.line !== undefined ? { line: ref.line } : {}),
    ...(ref.endLine !== undefined ? { endLine: ref.endLine } : {}),
  };
  if (ref.line === undefined) return { ref, where, open, lines: [], more: 0 };
  const count = files.lineCount(src) ?? 0;
  const start = ref.line;
  const end = Math.max(start, ref.endLine ?? start);
  const shownEnd = Math.min(end, start + MAX_CITED - 1);
  const from = Math.max(1, start - context);
  const to = Math.min(count, shownEnd + context);
  const text = files.lines(src, from, to) ?? [];
  const lines = text.map((t, i) => ({ n: from + i, text: t, cited: from + i >= start && from + i <= end }));
  return { ref, where, open, lines, more: end - shownEnd };
}

/**
 * Cut a line to `width` cells, keeping `needle` in view: a cited line may be long, and the part
 * that matters may be far to the right.
 */
export function focusSlice(text: string, needle: string | undefined, width: number): string {
  if (cellWidth(text) <= width || !needle) return truncate(text, width);
  const at = text.indexOf(needle);
  if (at < 0 || at + needle.length <= width - 1) return truncate(text, width);
  const start = Math.max(0, at - Math.floor(width / 4));
  return truncate(`…${text.slice(start + 1)}`, width);
}
