// The diff view's lines, as a pure function of the view model, the tab, the cursor and the width:
// the component only slices them to the screen. Long messages wrap (never cut mid-word at 80
// columns); every bundle string passes through inertLine first.
import type { DiffView, FindingRow } from '../../analyzer/diff/view.js';
import { CATEGORY_TITLE, changeText, sourceLabel, statusPair } from '../../analyzer/diff/view.js';
import { inertLine } from '../../analyzer/text/inert.js';

export interface DiffLine {
  readonly text: string;
  readonly tone: 'heading' | 'ok' | 'danger' | 'warning' | 'muted' | 'plain';
  /** index among the selectable rows (findings or source groups) */
  readonly row?: number;
  readonly selected?: boolean;
}

const CATEGORY_TONE = {
  fixed: 'ok',
  'still-failing': 'danger',
  new: 'danger',
  'changed-status': 'warning',
  unchanged: 'muted',
} as const;

const MARK = { fixed: '✓', 'still-failing': '✗', new: '+', 'changed-status': '~', unchanged: '=' } as const;

/** words of `text` in lines of at most `width` columns; a word longer than the line is split */
export function wrap(text: string, width: number, indent = ''): string[] {
  const w = Math.max(8, width - indent.length);
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > w) {
      if (cur) {
        out.push(cur);
        cur = '';
      }
      out.push(rest.slice(0, w));
      rest = rest.slice(w);
    }
    if (!cur) cur = rest;
    else if (cur.length + 1 + rest.length <= w) cur += ` ${rest}`;
    else {
      out.push(cur);
      cur = rest;
    }
  }
  if (cur) out.push(cur);
  return out.map((l, i) => (i === 0 ? l : indent + l));
}

function findingLines(r: FindingRow, category: keyof typeof MARK, width: number, selected: boolean): string[] {
  const head = `${MARK[category]} ${inertLine(r.id)}  ${statusPair(r)}`;
  const lines = [...wrap(head, width, '    '), ...wrap(`  ${inertLine(r.message)}`, width, '  ')];
  if (selected)
    for (const c of r.sources.slice(0, 8))
      lines.push(...wrap(`    ← ${inertLine(sourceLabel(c))}: ${inertLine(changeText(c))}`, width, '      '));
  return lines;
}

export function diffLines(view: DiffView, tab: 'findings' | 'sources', cursor: number, width: number): DiffLine[] {
  const out: DiffLine[] = [];
  let row = 0;
  if (tab === 'findings') {
    for (const s of view.sections) {
      out.push({ text: `${CATEGORY_TITLE[s.category]} (${s.rows.length})`, tone: 'heading' });
      if (s.rows.length === 0) out.push({ text: '  none', tone: 'muted' });
      for (const r of s.rows) {
        const selected = row === cursor;
        const tone = CATEGORY_TONE[s.category];
        findingLines(r, s.category, width, selected).forEach((text, i) =>
          out.push({ text, tone: i === 0 ? tone : 'plain', ...(i === 0 ? { row } : {}), selected }),
        );
        row++;
      }
    }
    out.push({ text: `Unchanged: ${view.counts.unchanged}`, tone: 'muted' });
    return out;
  }
  out.push({ text: `Source changes (${view.sources.length} places)`, tone: 'heading' });
  if (view.sources.length === 0) out.push({ text: '  none', tone: 'muted' });
  for (const g of view.sources) {
    const selected = row === cursor;
    out.push({ text: inertLine(g.heading), tone: 'heading', row, selected });
    for (const c of g.changes.slice(0, selected ? 50 : 3))
      for (const text of wrap(`  ${inertLine(changeText(c))}`, width, '    '))
        out.push({ text, tone: 'plain', selected });
    if (!selected && g.changes.length > 3)
      out.push({ text: `  … ${g.changes.length - 3} more (select to see)`, tone: 'muted' });
    row++;
  }
  for (const o of view.omitted) out.push({ text: inertLine(o), tone: 'muted' });
  return out;
}
