// The markdown report, for pasting into a ticket: a summary table, each root cause with its chain
// as nested lists, evidence and commands in fenced blocks. Bundle and rule-pack text (subjects,
// messages, notes, explanations, names) only ever appears inside code spans or fences longer than
// any backtick run it holds (analyzer/text/inert.ts), so it never renders as HTML, a link, a
// heading or emphasis.
import { subjectKey, type Chain, type Finding, type Status } from '../rules/types.js';
import { mdCell, mdCode, mdFence, mdText } from '../text/inert.js';
import { buildReportModel, evidenceLocation, type ReportInput } from './model.js';
import { platformLine, platformSource } from './platform.js';

const ICON: Record<Status, string> = { fail: '❌ fail', warn: '⚠️ warn', unknown: '❔ unknown', pass: '✅ pass' };

function findingBlock(f: Finding, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const out = [
    `${pad}- **${ICON[f.status]} ${mdCode(f.ruleId)}** ${mdCode(subjectKey(f.subject))}: ${mdCode(f.message)}`,
  ];
  for (const e of f.evidence) {
    out.push(
      `${pad}  - evidence ${mdCode(`${e.bundle}:${evidenceLocation(e)}`)}${e.note ? ` (${mdCode(e.note)})` : ''}`,
      '',
      ...mdFence(e.quote).map((l) => `${pad}    ${l}`),
      '',
    );
  }
  if (f.remediation && f.status !== 'pass') {
    out.push(
      `${pad}  - fix: ${mdCode(f.remediation.explanation)}`,
      '',
      ...mdFence(f.remediation.commands.map((c) => c.replace(/\n/g, '\\n')).join('\n'), 'sh').map(
        (l) => `${pad}    ${l}`,
      ),
      '',
    );
  }
  return out;
}

function chainBlock(c: Chain, depth: number): string[] {
  return [...findingBlock(c.finding, depth), ...c.explains.flatMap((x) => chainBlock(x, depth + 1))];
}

export function renderMarkdown(input: ReportInput): string {
  const m = buildReportModel(input);
  const out: string[] = ['## netsnap analysis', ''];
  out.push('| bundles | root causes | fail | warn | unknown | pass |', '| --- | --- | --- | --- | --- | --- |');
  out.push(
    `| ${m.snapshot.bundles.map((b) => mdCell(b.node ?? b.id)).join(', ')} | ${m.roots.length} | ${m.counts.fail} | ${m.counts.warn} | ${m.counts.unknown} | ${m.counts.pass} |`,
    '',
  );
  out.push(`Redaction: ${mdText(m.redaction)}`, '');
  const source = platformSource(m.platform);
  // netsnap's own words from fixed sets (distribution and deployment names); the source is bundle text
  out.push(`Platform: ${platformLine(m.platform)}${source ? ` (from ${mdCode(source)})` : ''}`, '');
  out.push('### Root causes', '');
  if (m.roots.length === 0) out.push('None found.', '');
  m.roots.forEach((r, i) =>
    out.push(
      `#### ${i + 1}. ${r.finding.ruleId} ${mdCode(subjectKey(r.finding.subject))}`,
      '',
      ...chainBlock(r, 0),
      '',
    ),
  );
  if (m.others.size > 0) {
    out.push('### Other findings', '');
    for (const [layer, fs] of m.others)
      out.push(
        `**${layer}**`,
        '',
        ...fs.map(
          (f) => `- ${ICON[f.status]} ${mdCode(f.ruleId)} ${mdCode(subjectKey(f.subject))}: ${mdCode(f.message)}`,
        ),
        '',
      );
  }
  out.push('### Data completeness', '');
  if (m.unknown.length === 0) out.push('Every check had its inputs.', '');
  else
    out.push(
      ...m.unknown.map(
        (f) =>
          `- ${mdCode(f.ruleId)} ${mdCode(subjectKey(f.subject))}: ${f.missing?.length ? `missing ${f.missing.map(mdCode).join(', ')}` : mdCode(f.message)}`,
      ),
      '',
    );
  return `${out.join('\n')}\n`;
}
