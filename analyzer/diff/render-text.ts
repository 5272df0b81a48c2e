// The diff for a terminal: categories, root chains before and after, source changes with a place to
// open on each side. Bundle text goes through inertLine (analyzer/text/inert.ts).
import { inertLine } from '../text/inert.js';
import type { ChainSummary, DiffResult } from './types.js';
import {
  buildDiffView,
  CATEGORY_TITLE,
  changeMark,
  changeText,
  sourceLabel,
  refText,
  sideLine,
  statusPair,
} from './view.js';

export interface DiffTextOptions {
  /** list unchanged findings too */
  readonly verbose?: boolean;
}

function chains(title: string, roots: readonly ChainSummary[], out: string[]): void {
  out.push('', title);
  if (roots.length === 0) out.push('  (none)');
  for (const r of roots) {
    out.push(`  ${inertLine(r.id)} (${r.status})`);
    for (const s of r.symptoms) out.push(`    <- ${inertLine(s)}`);
  }
}

export function renderDiffText(d: DiffResult, opts: DiffTextOptions = {}): string {
  const v = buildDiffView(d);
  const out: string[] = [
    inertLine(v.headline),
    inertLine(sideLine('before', d.before)),
    inertLine(sideLine('after', d.after)),
  ];
  for (const s of v.sections) {
    if (s.rows.length === 0) continue;
    out.push('', `${CATEGORY_TITLE[s.category].toUpperCase()} (${s.rows.length})`);
    for (const r of s.rows) {
      out.push(`  ${inertLine(r.id)}  ${statusPair(r)}  [${r.severity}]`);
      out.push(`      ${inertLine(r.message)}`);
      for (const c of r.sources)
        out.push(`      because ${changeMark(c)} ${inertLine(sourceLabel(c))}: ${inertLine(changeText(c))}`);
    }
  }
  if (opts.verbose) {
    const unchanged = d.findings.filter((m) => m.category === 'unchanged');
    out.push('', `UNCHANGED (${unchanged.length})`);
    for (const m of unchanged) out.push(`  ${inertLine(m.id)}  ${m.after?.status ?? m.before?.status ?? ''}`);
  }
  chains('ROOT CAUSES BEFORE', v.rootsBefore, out);
  chains('ROOT CAUSES AFTER', v.rootsAfter, out);
  out.push('', `SOURCE CHANGES (${d.sources.length})`);
  if (v.sources.length === 0) out.push('  (none)');
  for (const g of v.sources) {
    out.push(`  ${inertLine(g.heading)}`);
    for (const c of g.changes) {
      out.push(`    ${changeMark(c)} ${inertLine(changeText(c))}`);
      if (c.beforeRef) out.push(`        before: ${inertLine(refText(c.beforeRef))}`);
      if (c.afterRef) out.push(`        after:  ${inertLine(refText(c.afterRef))}`);
    }
  }
  for (const o of v.omitted) out.push(`  ${o}`);
  return `${out.join('\n')}\n`;
}
