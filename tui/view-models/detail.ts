// One finding as a doc: what, why it matters, evidence excerpts (cited lines marked), the chain
// up and down, and the fix commands.
import { placeLabel, placeOf } from '../../analyzer/report/fix-places.js';
import { subjectKey, type Finding } from '../../analyzer/rules/types.js';
import { SEVERITY_GLYPH, STATUS_GLYPH } from '../theme.js';
import { DocBuilder, type Doc } from './doc.js';
import { excerpt, focusSlice } from './excerpt.js';
import { truncate, wrap, wrapKeep } from './text.js';
import { nodeOf, type UiModel } from './model.js';

export const DETAIL_SECTIONS = ['evidence', 'causes', 'symptoms', 'fix'] as const;

function needleOf(quote: string): string | undefined {
  const first = quote
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  return first ? first.slice(0, 30) : undefined;
}

export function fixCommands(f: Finding): readonly string[] {
  return f.remediation?.commands ?? [];
}

function linkLine(d: DocBuilder, m: UiModel, i: number, section: string, width: number): void {
  const f = m.findings[i];
  if (!f) return;
  const g = STATUS_GLYPH[f.status];
  const head = `${g.icon} ${f.ruleId}  `;
  d.item(
    { section, finding: i, target: { screen: 'detail', finding: i } },
    { text: head, tone: g.tone, bold: true },
    { text: truncate(`${subjectKey(f.subject)}  ${f.message}`, Math.max(0, width - 4 - head.length)) },
  );
}

export function detailDoc(m: UiModel, index: number, width: number, context = 2): Doc {
  const d = new DocBuilder();
  const f = m.findings[index];
  if (!f) return d.line({ text: `no finding #${index}` }).build();
  const st = STATUS_GLYPH[f.status];
  const sev = SEVERITY_GLYPH[f.severity];
  const causes = m.analysis.explainedBy.get(index) ?? [];
  const symptoms = m.symptomsOf.get(index) ?? [];
  const role = m.unexplained.has(index)
    ? 'unexplained symptom'
    : causes.length === 0 && f.status === 'fail'
      ? 'root cause'
      : causes.length
        ? 'symptom'
        : '';
  d.line(
    { text: `${st.icon} ${st.label}`, tone: st.tone, bold: true },
    { text: `  ${sev.icon} ${sev.label}`, tone: sev.tone },
    { text: `  ${f.ruleId}`, bold: true },
    { text: `  ${f.layer} layer${role ? `  · ${role}` : ''}`, dim: true },
  );
  d.line({ text: truncate(subjectKey(f.subject), width), bold: true });
  for (const l of wrap(f.message, width)) d.line({ text: l });
  if (f.missing?.length) d.line({ text: truncate(`missing: ${f.missing.join(', ')}`, width), tone: 'muted' });

  const doc = m.rules.get(f.ruleId);
  const why = doc?.docs.why ?? f.remediation?.explanation;
  if (why) {
    d.blank().line({ text: 'Why it matters', bold: true });
    for (const l of wrap(why, width)) d.line({ text: l });
  }

  d.blank().line(
    { text: `Evidence (${f.evidence.length})`, bold: true },
    { text: f.evidence.length ? '  enter opens the file at the cited line' : '', dim: true },
  );
  for (const ref of f.evidence) {
    const ex = excerpt(m.snapshot.files, ref, context);
    const node = m.snapshot.bundles.find((b) => b.id === ref.bundle)?.node ?? nodeOf(f);
    const target = { screen: 'evidence' as const, ...(node ? { node } : {}), file: ex.open };
    d.item(
      { section: 'evidence', target },
      { text: truncate(ex.where, width - 4), tone: 'accent', bold: true },
      {
        text: truncate(`  ${ref.bundle}${ref.note ? ` · ${ref.note}` : ''}`, Math.max(0, width - 4 - ex.where.length)),
        dim: true,
      },
    );
    if (ex.problem) d.line({ text: `    ${ex.problem}`, tone: 'warning' });
    const numWidth = String(ex.lines.at(-1)?.n ?? 1).length;
    const needle = needleOf(ref.quote);
    for (const l of ex.lines) {
      const gutter = `  ${l.cited ? '▶' : ' '} ${String(l.n).padStart(numWidth)} │ `;
      d.line(
        { text: gutter, dim: !l.cited, bold: l.cited },
        { text: focusSlice(l.text, l.cited ? needle : undefined, Math.max(0, width - gutter.length)), mark: l.cited },
      );
    }
    if (ex.more) d.line({ text: `      … ${ex.more} more cited lines`, dim: true });
    if (!ex.lines.length && !ex.problem) d.line({ text: `    ${truncate(ref.quote, width - 4)}`, mark: true });
  }

  d.blank().line(
    { text: `Explained by (${causes.length})`, bold: true },
    { text: causes.length ? '  the cause of this finding' : '  nothing: this is where the chain starts', dim: true },
  );
  for (const c of causes) linkLine(d, m, c, 'causes', width);
  d.blank().line(
    { text: `Explains (${symptoms.length})`, bold: true },
    { text: symptoms.length ? '  symptoms this finding causes' : '', dim: true },
  );
  for (const s of symptoms) linkLine(d, m, s, 'symptoms', width);

  const cmds = fixCommands(f);
  d.blank().item(
    { section: 'fix' },
    { text: 'Fix', bold: true },
    { text: cmds.length ? '  suggestions only; netsnap never runs them' : '', dim: true },
  );
  if (cmds.length)
    for (const l of wrap('w writes them to the fix file (netsnap-fix.md), grouped by where each command runs.', width))
      d.line({ text: l, dim: true });
  const fixText =
    doc?.docs.fix ?? (f.remediation && f.remediation.explanation !== why ? f.remediation.explanation : undefined);
  if (fixText) for (const l of wrap(fixText, width)) d.line({ text: l });
  // commands wrap (continuation rows indented) so nothing of a command is hidden at 80 columns
  let place = '';
  for (const c of cmds) {
    // where each command runs, as in netsnap-fix.md: a node's iptables line is not for the laptop
    const label = placeLabel(placeOf(c, f));
    if (label !== place)
      for (const l of wrapKeep(label, Math.max(10, width - 2))) d.line({ text: `  ${l}`, dim: true });
    place = label;
    const rows = wrapKeep(c, Math.max(10, width - 4));
    d.line({ text: '  $ ', dim: true }, { text: rows[0] ?? '', bold: true });
    for (const r of rows.slice(1)) d.line({ text: '    ' }, { text: r, bold: true });
  }
  if (!cmds.length && !fixText) d.line({ text: '  no fix needed or known', dim: true });
  return d.build();
}
