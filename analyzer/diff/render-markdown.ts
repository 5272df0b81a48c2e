// The diff as markdown for a ticket: a summary table, one section per category, the root chains and
// the source changes. Bundle text only inside code spans (mdCode/mdCell, analyzer/text/inert.ts).
import { mdCell, mdCode, mdText } from '../text/inert.js';
import type { ChainSummary, DiffResult } from './types.js';
import { buildDiffView, CATEGORY_TITLE, changeMark, changeText, sourceLabel, refText, statusPair } from './view.js';

function chains(title: string, roots: readonly ChainSummary[], out: string[]): void {
  out.push('', `## ${title}`, '');
  if (roots.length === 0) out.push('None.');
  for (const r of roots) {
    out.push(`- ${mdCode(r.id)} (${r.status})`);
    for (const s of r.symptoms) out.push(`  - explains ${mdCode(s)}`);
  }
}

export function renderDiffMarkdown(d: DiffResult): string {
  const v = buildDiffView(d);
  const out: string[] = [`# netsnap diff${d.node ? ` of node ${mdCode(d.node)}` : ''}`, ''];
  out.push('| | bundles | collected | redaction |', '|---|---|---|---|');
  for (const [name, s] of [['before', d.before] as const, ['after', d.after] as const])
    out.push(
      `| ${name} | ${s.bundles.map((b) => mdCell(b.id)).join(', ')} | ${s.collectedAt ? mdCell(s.collectedAt) : ''} | ${mdCell(s.redaction)} |`,
    );
  out.push('', '| category | findings |', '|---|---|');
  for (const [k, n] of Object.entries(v.counts))
    out.push(`| ${CATEGORY_TITLE[k as keyof typeof CATEGORY_TITLE]} | ${n} |`);
  for (const s of v.sections) {
    if (s.rows.length === 0) continue;
    out.push('', `## ${CATEGORY_TITLE[s.category]} (${s.rows.length})`, '');
    for (const r of s.rows) {
      out.push(`- ${mdCode(r.id)}: ${statusPair(r)} (${r.severity}): ${mdText(r.message)}`);
      for (const c of r.sources)
        out.push(`  - because ${changeMark(c)} ${mdCode(sourceLabel(c))}: ${mdCode(changeText(c))}`);
    }
  }
  chains('Root causes before', v.rootsBefore, out);
  chains('Root causes after', v.rootsAfter, out);
  out.push('', `## Source changes (${d.sources.length})`, '');
  if (v.sources.length === 0) out.push('None.');
  for (const g of v.sources) {
    out.push(`- ${mdCode(g.heading)}`);
    for (const c of g.changes) {
      out.push(`  - ${changeMark(c)} ${mdCode(changeText(c))}`);
      if (c.beforeRef) out.push(`    - before: ${mdCode(refText(c.beforeRef))}`);
      if (c.afterRef) out.push(`    - after: ${mdCode(refText(c.afterRef))}`);
    }
  }
  for (const o of v.omitted) out.push('', o);
  return `${out.join('\n')}\n`;
}
