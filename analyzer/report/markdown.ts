// The markdown report, for pasting into a ticket: a summary table, each root cause with its chain
// as nested lists, evidence and commands in fenced blocks (bundle text never renders as markdown).
import { subjectKey, type Chain, type Finding, type Status } from '../rules/types.js';
import { buildReportModel, evidenceLocation, inert, type ReportInput } from './model.js';
import { platformLine, platformSource } from './platform.js';

const ICON: Record<Status, string> = { fail: '❌ fail', warn: '⚠️ warn', unknown: '❔ unknown', pass: '✅ pass' };

/** inline text: escape what markdown would interpret */
const md = (s: string): string => inert(s).replace(/([\\`*_{}[\]<>#|])/g, '\\$1');

function fence(text: string, lang = ''): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return [`${f}${lang}`, ...inert(text).split('\n'), f];
}

function findingBlock(f: Finding, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const out = [`${pad}- **${ICON[f.status]} ${f.ruleId}** \`${inert(subjectKey(f.subject))}\`: ${md(f.message)}`];
  for (const e of f.evidence) {
    out.push(`${pad}  - evidence \`${inert(e.bundle)}:${inert(evidenceLocation(e))}\`${e.note ? ` (${md(e.note)})` : ''}`, '', ...fence(e.quote).map((l) => `${pad}    ${l}`), '');
  }
  if (f.remediation && f.status !== 'pass') {
    out.push(`${pad}  - fix: ${md(f.remediation.explanation)}`, '', ...fence(f.remediation.commands.join('\n'), 'sh').map((l) => `${pad}    ${l}`), '');
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
  out.push(`| ${m.snapshot.bundles.map((b) => md(b.node ?? b.id)).join(', ')} | ${m.roots.length} | ${m.counts.fail} | ${m.counts.warn} | ${m.counts.unknown} | ${m.counts.pass} |`, '');
  out.push(`Redaction: ${md(m.redaction)}`, '');
  const source = platformSource(m.platform);
  out.push(`Platform: ${md(platformLine(m.platform))}${source ? ` (from ${md(source)})` : ''}`, '');
  out.push('### Root causes', '');
  if (m.roots.length === 0) out.push('None found.', '');
  m.roots.forEach((r, i) => out.push(`#### ${i + 1}. ${r.finding.ruleId} ${md(subjectKey(r.finding.subject))}`, '', ...chainBlock(r, 0), ''));
  if (m.others.size > 0) {
    out.push('### Other findings', '');
    for (const [layer, fs] of m.others) out.push(`**${layer}**`, '', ...fs.map((f) => `- ${ICON[f.status]} ${f.ruleId} \`${inert(subjectKey(f.subject))}\`: ${md(f.message)}`), '');
  }
  out.push('### Data completeness', '');
  if (m.unknown.length === 0) out.push('Every check had its inputs.', '');
  else out.push(...m.unknown.map((f) => `- ${f.ruleId} \`${inert(subjectKey(f.subject))}\`: ${f.missing?.length ? `missing ${f.missing.map((x) => `\`${inert(x)}\``).join(', ')}` : md(f.message)}`), '');
  return `${out.join('\n')}\n`;
}
