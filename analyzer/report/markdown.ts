// The markdown report, for pasting into a ticket (issue 20 item 7): a summary table first
// (collection time, nodes, platform, tool version, redaction), then the root causes with their
// chains, then the fix commands grouped by where they run (fix-places.ts), and everything else
// (evidence, other findings, data completeness, file problems) inside one <details> block, so the
// demo stays under 60 lines. Bundle and rule-pack text (subjects, messages, notes, quotes, names)
// only ever appears inside code spans or fences longer than any backtick run it holds
// (analyzer/text/inert.ts), so it never renders as HTML, a link, a heading, a table cell border or
// a closing </details>; the only HTML is netsnap's own <details>/<summary> lines.
import { subjectKey, type Chain, type Finding, type Status } from '../rules/types.js';
import { mdCell, mdCode, mdFence, mdText } from '../text/inert.js';
import type { FixGroup } from './fix-places.js';
import { hostGuard } from './fix-places.js';
import { buildReportModel, chainFindings, evidenceLocation, type ReportInput, type ReportModel } from './model.js';
import { platformLine, platformSource } from './platform.js';

const ICON: Record<Status, string> = { fail: '❌ fail', warn: '⚠️ warn', unknown: '❔ unknown', pass: '✅ pass' };
/** evidence lines per finding inside <details>; the JSON and HTML reports have them all */
const EVIDENCE_PER_FINDING = 1;
const MAX_LISTED = 50;

const findingLine = (f: Finding): string =>
  `${ICON[f.status]} ${mdCode(f.ruleId)} ${mdCode(subjectKey(f.subject))}: ${mdCode(f.message)}`;

function chainLines(c: Chain, depth: number, seen: Set<Finding>): string[] {
  const pad = '  '.repeat(depth);
  if (seen.has(c.finding))
    return [`${pad}- explains ${mdCode(c.finding.ruleId)} ${mdCode(subjectKey(c.finding.subject))} (above)`];
  seen.add(c.finding);
  const out = [`${pad}- ${findingLine(c.finding)}`];
  for (const x of c.explains) out.push(...chainLines(x, depth + 1, seen));
  return out;
}

function summary(m: ReportModel): string[] {
  const nodes = [...new Set(m.snapshot.bundles.map((b) => b.node).filter((n): n is string => !!n))];
  const n = m.snapshot.bundles.length;
  const source = platformSource(m.platform);
  return [
    '| | |',
    '| --- | --- |',
    `| collected | ${m.snapshot.now !== undefined ? mdCell(m.snapshot.now) : 'unknown'} |`,
    `| nodes | ${nodes.length > 0 ? nodes.map(mdCell).join(', ') : 'none named'} (${n} ${n === 1 ? 'bundle' : 'bundles'}) |`,
    // netsnap's own words from fixed sets (distribution and deployment names); the source is bundle text
    `| platform | ${platformLine(m.platform)}${source ? ` (from ${mdCell(source)})` : ''} |`,
    `| tool | ${mdCell(`${m.tool.name} ${m.tool.version}`)} |`,
    `| redaction | ${mdText(m.redaction).replace(/\|/g, '\\|')} |`,
  ];
}

const GROUP_INTRO: Record<FixGroup['place']['kind'], string> = {
  node: 'in a root shell on that node; the first line stops anywhere else',
  'each-node': 'in a root shell on each node these findings concern',
  kubectl: 'from any machine with cluster access; they change the cluster, not that machine',
  laptop: 'where netsnap and the bundles are',
};

function fixLines(groups: readonly FixGroup[]): string[] {
  const out: string[] = [];
  for (const g of groups) {
    const where =
      g.place.kind === 'node'
        ? `On node ${mdCode(g.place.node)}`
        : g.place.kind === 'each-node'
          ? 'On each node'
          : g.place.kind === 'kubectl'
            ? 'With kubectl'
            : 'On your laptop';
    const lines = g.place.kind === 'node' ? [hostGuard(g.place.node)] : [];
    // one command per line: a newline inside a command is shown as \n, never a second command
    lines.push(...g.items.map((i) => i.command.replace(/\n/g, '\\n')));
    out.push(`**${where}**, ${GROUP_INTRO[g.place.kind]}:`, ...mdFence(lines.join('\n'), 'sh'), '');
  }
  return out;
}

function evidenceLines(fs: readonly Finding[]): string[] {
  const out: string[] = [];
  for (const f of fs) {
    const shown = f.evidence.slice(0, EVIDENCE_PER_FINDING);
    shown.forEach((e, i) => {
      const more = i === shown.length - 1 && f.evidence.length > shown.length;
      out.push(
        `- ${mdCode(f.ruleId)} ${mdCode(`${e.bundle}:${evidenceLocation(e)}`)}: ${mdCode(e.quote.split('\n')[0] ?? '')}` +
          (more ? ` (+${f.evidence.length - shown.length} more)` : ''),
      );
    });
  }
  return out;
}

export function renderMarkdown(input: ReportInput): string {
  const m = buildReportModel(input);
  const c = m.counts;
  // probe failures no finding explains are roots of the analysis but not causes: listed apart, as
  // in the text report's UNEXPLAINED SYMPTOMS
  const unexplained = new Set(m.unexplained);
  const causes = m.roots.filter((r) => !unexplained.has(r));
  const also =
    unexplained.size > 0 ? `, ${unexplained.size} unexplained ${unexplained.size === 1 ? 'symptom' : 'symptoms'}` : '';
  const out: string[] = [
    `## netsnap: ${causes.length} root ${causes.length === 1 ? 'cause' : 'causes'}${also} (${c.fail} fail, ${c.warn} warn, ${c.unknown} unknown, ${c.pass} pass)`,
    '',
    ...summary(m),
    '',
    '### Root causes',
  ];
  if (causes.length === 0) out.push('', 'None found.');
  const seen = new Set<Finding>();
  const rootLines = (r: Chain, i: number) => {
    out.push(
      `${i + 1}. **${r.finding.ruleId}** ${mdCode(subjectKey(r.finding.subject))}: ${mdCode(r.finding.message)}`,
    );
    if (r.finding.remediation) out.push(`   - fix: ${mdCode(r.finding.remediation.explanation)}`);
    seen.add(r.finding);
    for (const x of r.explains) out.push(...chainLines(x, 1, seen).map((l) => ` ${l}`));
  };
  causes.forEach(rootLines);
  if (unexplained.size > 0) {
    out.push(
      '',
      '### Unexplained symptoms',
      '',
      'Probe results no finding explains: the cause is a fault netsnap does not know, or lies outside what the bundles hold (another host, the network between nodes).',
      '',
    );
    m.unexplained.forEach(rootLines);
  }
  out.push('');
  if (m.fixes.length > 0)
    out.push('### Fixes by where they run (not a script: run each block where it says)', '', ...fixLines(m.fixes));

  const others = [...m.others.values()].flat();
  const problems = m.snapshot.problems.filter((p) => p.severity === 'error');
  const inChains = chainFindings(m.roots).filter((f) => f.evidence.length > 0);
  const parts = [
    inChains.length > 0 ? 'evidence' : '',
    others.length > 0 ? 'other findings' : '',
    'data completeness',
    problems.length > 0 ? 'file problems' : '',
  ].filter((p) => p !== '');
  out.push(`<details><summary>${parts.join(', ')}</summary>`, '');
  if (inChains.length > 0) out.push('**Evidence**', ...evidenceLines(inChains), '');
  if (others.length > 0) {
    out.push(
      '**Other findings**',
      ...others.slice(0, MAX_LISTED).map((f) => `- ${mdText(f.layer)}: ${findingLine(f)}`),
    );
    if (others.length > MAX_LISTED) out.push(`- and ${others.length - MAX_LISTED} more (see the JSON report)`);
    out.push('');
  }
  out.push('**Data completeness**');
  if (m.unknown.length === 0) out.push('', 'Every check had its inputs.');
  for (const f of m.unknown.slice(0, MAX_LISTED))
    out.push(
      `- ${mdCode(f.ruleId)} ${mdCode(subjectKey(f.subject))}: ${f.missing?.length ? `missing ${f.missing.map(mdCode).join(', ')}` : mdCode(f.message)}`,
    );
  if (m.unknown.length > MAX_LISTED) out.push(`- and ${m.unknown.length - MAX_LISTED} more (see the JSON report)`);
  out.push('');
  if (problems.length > 0) {
    out.push(
      '**File problems**',
      ...problems
        .slice(0, MAX_LISTED)
        .map((p) => `- ${mdCode(`${p.bundle ?? ''}:${p.file}${p.line ? `:${p.line}` : ''}`)}: ${mdCode(p.message)}`),
      '',
    );
  }
  out.push('</details>');
  return `${out.join('\n')}\n`;
}
