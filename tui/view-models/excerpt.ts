// Evidence excerpts: the cited lines plus a few lines of context, fetched by range from the
// FileIndex (never the whole file), so a 100 MB iptables-save opens as fast as a small one.
import type { FileIndex } from '../../analyzer/model/types.js';
import type { EvidenceRef } from '../../analyzer/rules/types.js';
import { cellWidth, truncate } from './text.js';

export interface ExcerptLine {
  readonly n: number;
  readonly text: string;
  readonly cited: boolean;
}

export interface Excerpt {
  readonly ref: EvidenceRef;
  /** where it is: `path:12-14` or `path#/pointer` */
  readonly where: string;
  /** the line the viewer should open at */
  readonly openLine?: number;
  readonly lines: readonly ExcerptLine[];
  /** cited lines not shown because the range is long */
  readonly more: number;
  /** why nothing can be shown (file missing from the bundle) */
  readonly problem?: string;
}

const MAX_CITED = 6;
/** pointer-only evidence: how far to look for the quoted text before giving up */
const LOCATE_LIMIT = 20_000;

export function whereOf(ref: EvidenceRef): string {
  if (ref.line !== undefined) return `${ref.path}:${ref.line}${ref.endLine && ref.endLine !== ref.line ? `-${ref.endLine}` : ''}`;
  return ref.pointer ? `${ref.path}#${ref.pointer}` : ref.path;
}

/** best-effort line of a pointer-only citation: the first line holding the start of its quote */
export function locateQuote(files: FileIndex, ref: EvidenceRef): number | undefined {
  const fr = { bundle: ref.bundle, path: ref.path };
  const needle = ref.quote.replace(/^[\s{["]+/, '').slice(0, 40);
  if (!needle) return undefined;
  const count = Math.min(files.lineCount(fr) ?? 0, LOCATE_LIMIT);
  for (let from = 1; from <= count; from += 1000) {
    const chunk = files.lines(fr, from, Math.min(count, from + 999)) ?? [];
    const i = chunk.findIndex((l) => l.includes(needle));
    if (i >= 0) return from + i;
  }
  return undefined;
}

export function excerpt(files: FileIndex, ref: EvidenceRef, context: number): Excerpt {
  const fr = { bundle: ref.bundle, path: ref.path };
  const where = whereOf(ref);
  if (!files.has(fr)) return { ref, where, lines: [], more: 0, problem: `${ref.path} is not in bundle ${ref.bundle}` };
  const count = files.lineCount(fr) ?? 0;
  const start = ref.line ?? locateQuote(files, ref);
  if (start === undefined) return { ref, where, lines: [], more: 0 };
  const end = Math.max(start, ref.endLine ?? start);
  const shownEnd = Math.min(end, start + MAX_CITED - 1);
  const from = Math.max(1, start - context);
  const to = Math.min(count, shownEnd + context);
  const text = files.lines(fr, from, to) ?? [];
  const lines = text.map((t, i) => ({ n: from + i, text: t, cited: from + i >= start && from + i <= end }));
  return { ref, where, openLine: start, lines, more: end - shownEnd };
}

/**
 * Cut a line to `width` cells, keeping `needle` in view: a cited JSON line such as a whole
 * Corefile string is long, and the part that matters may be far to the right.
 */
export function focusSlice(text: string, needle: string | undefined, width: number): string {
  if (cellWidth(text) <= width || !needle) return truncate(text, width);
  const at = text.indexOf(needle);
  if (at < 0 || at + needle.length <= width - 1) return truncate(text, width);
  const start = Math.max(0, at - Math.floor(width / 4));
  return truncate(`…${text.slice(start + 1)}`, width);
}
