// The text report: fits 80 columns, root causes first as an indented tree with evidence and fix
// commands, then other findings by layer, then data completeness. Colour only when asked (the
// command decides: a TTY and no NO_COLOR); every status also has an icon and a word, so meaning
// never depends on colour. Bundle text is printed inert. Fix commands are listed once, in FIXES,
// grouped by where they run (analyzer/report/fix-places.ts): a node's iptables command pasted on
// a laptop would change the laptop.
import { subjectKey, type Chain, type Finding, type Status } from '../rules/types.js';
import { inert, inertLine } from '../text/inert.js';
import { buildReportModel, evidenceLocation, fixesOf, type ReportInput } from './model.js';
import { platformLine, platformSource } from './platform.js';

export interface TextOptions {
  readonly color?: boolean;
  readonly width?: number;
  /** evidence and fix commands for findings outside root chains too */
  readonly verbose?: boolean;
}

const LABEL: Record<Status, string> = { fail: '✗ FAIL', warn: '! WARN', unknown: '? UNKN', pass: '✓ PASS' };
const COLOR: Record<Status, string> = {
  fail: '\u001b[31m',
  warn: '\u001b[33m',
  unknown: '\u001b[36m',
  pass: '\u001b[32m',
};
const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** wrap to width, continuation lines indented by `indent`; words longer than a line are cut */
export function wrap(text: string, width: number, indent: string, first = indent): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = first === indent && out.length > 0 ? indent : out.length === 0 ? first : indent;
    let empty = true;
    for (const word of para.split(/ +/)) {
      let w = word;
      while (w.length > 0) {
        const room = width - line.length - (empty ? 0 : 1);
        if (w.length <= room) {
          line += (empty ? '' : ' ') + w;
          empty = false;
          w = '';
        } else if (!empty && line.trim().length > 1) {
          out.push(line);
          line = indent;
          empty = true;
        } else {
          line += w.slice(0, Math.max(1, room));
          w = w.slice(Math.max(1, room));
          out.push(line);
          line = indent;
        }
      }
    }
    if (!empty || out.length === 0) out.push(line);
  }
  return out;
}

function seenRoots(roots: readonly Chain[]): Finding[] {
  const out = new Set<Finding>();
  const walk = (ch: Chain) => {
    if (out.has(ch.finding) || ch.finding.status === 'pass') return;
    out.add(ch.finding);
    ch.explains.forEach(walk);
  };
  roots.forEach(walk);
  return [...out];
}

export function renderText(input: ReportInput, opts: TextOptions = {}): string {
  const width = opts.width ?? 80;
  const c = (code: string, s: string) => (opts.color ? `${code}${s}${RESET}` : s);
  const m = buildReportModel(input);
  const out: string[] = [];
  // arrays are pushed one by one: a spread of a wrapped 2 MB bundle line (100,000s of lines) overflows the stack
  const push = (...items: (string | readonly string[])[]) => {
    for (const x of items) {
      if (typeof x === 'string') out.push(x);
      else for (const l of x) out.push(l);
    }
  };

  const headline = (f: Finding, indent: string) => {
    const lines = wrap(
      `${LABEL[f.status]} ${inertLine(f.ruleId)} ${inertLine(subjectKey(f.subject))}`,
      width,
      `${indent}       `,
      indent,
    );
    lines[0] = (lines[0] ?? '').replace(
      `${LABEL[f.status]} ${f.ruleId}`,
      `${c(COLOR[f.status], LABEL[f.status])} ${c(BOLD, f.ruleId)}`,
    );
    push(lines);
    push(wrap(inertLine(f.message), width, `${indent}  `));
  };
  const details = (f: Finding, indent: string) => {
    for (const e of f.evidence) {
      push(
        wrap(
          `${c(DIM, '@')} ${inertLine(e.bundle)}:${inertLine(evidenceLocation(e))}${e.note ? ` (${inertLine(e.note)})` : ''}`,
          width,
          `${indent}    `,
          `${indent}  `,
        ),
      );
      for (const q of e.quote.split('\n').slice(0, 6))
        push(wrap(inert(q), width, `${indent}    │ `, `${indent}    │ `));
    }
    if (f.remediation && f.status !== 'pass') {
      const n = f.remediation.commands.length;
      const more = n > 0 ? ` (${n === 1 ? 'command' : 'commands'} under FIXES)` : '';
      push(wrap(`fix: ${inertLine(f.remediation.explanation)}${more}`, width, `${indent}    `, `${indent}  `));
    }
  };
  const chain = (ch: Chain, indent: string, seen: Set<Finding>) => {
    headline(ch.finding, indent);
    details(ch.finding, indent);
    for (const x of ch.explains) {
      if (seen.has(x.finding)) {
        push(
          `${indent}  └─ explains ${inertLine(x.finding.ruleId)} ${inertLine(subjectKey(x.finding.subject))} (shown above)`,
        );
        continue;
      }
      seen.add(x.finding);
      push(`${indent}  └─ explains:`);
      chain(x, `${indent}     `, seen);
    }
  };

  const nodes = [...new Set(m.snapshot.bundles.map((b) => b.node).filter((n): n is string => !!n))];
  push(c(BOLD, 'netsnap analyze'));
  push(
    wrap(
      `${m.snapshot.bundles.length} bundle(s)${nodes.length ? ` from ${nodes.map(inertLine).join(', ')}` : ''}${m.snapshot.now ? `, collected ${inertLine(m.snapshot.now)}` : ''}`,
      width,
      '  ',
      '',
    ),
  );
  push(`  ${inertLine(m.redaction)}`);
  push(wrap(inertLine(platformLine(m.platform)), width, '    ', '  '));
  const source = platformSource(m.platform);
  if (source) push(wrap(`from ${inertLine(source)}`, width, '    ', '    '));
  const unexplained = new Set(m.unexplained);
  const causes = m.roots.filter((r) => !unexplained.has(r));
  push(
    `${causes.length} root cause(s)${unexplained.size > 0 ? `, ${unexplained.size} unexplained symptom(s)` : ''}: ${m.counts.fail} fail, ${m.counts.warn} warn, ${m.counts.unknown} unknown, ${m.counts.pass} pass`,
  );
  push('');
  push(c(BOLD, 'ROOT CAUSES'));
  if (causes.length === 0) push('  none found');
  const seen = new Set<Finding>();
  for (const r of causes) {
    push('');
    chain(r, '', seen);
  }
  if (unexplained.size > 0) {
    push('', c(BOLD, 'UNEXPLAINED SYMPTOMS'));
    push(
      wrap(
        'probe results no finding explains: the cause is a fault netsnap does not know, or lies outside what the bundles hold (another host, the network between nodes)',
        width,
        '  ',
      ),
    );
    for (const r of m.unexplained) {
      push('');
      chain(r, '', seen);
    }
  }
  const others = [...m.others.values()].flat().filter((f) => f.status !== 'pass');
  const fixes = opts.verbose ? fixesOf([...seenRoots(m.roots), ...others], m.ids) : m.fixes;
  if (fixes.length > 0) {
    push('', c(BOLD, 'FIXES'), '  by where they run; netsnap never runs them');
    for (const g of fixes) {
      push('', wrap(g.label, width, '    ', '  '));
      let last = '';
      for (const it of g.items) {
        if (it.findingId !== last) push(wrap(c(DIM, `# for ${inertLine(it.findingId)}`), width, '      ', '    '));
        last = it.findingId;
        push(wrap(inertLine(it.command), width, '      ', '    $ '));
      }
    }
  }
  if (m.others.size > 0) {
    push('', c(BOLD, 'OTHER FINDINGS'));
    for (const [layer, fs] of m.others) {
      push(`  ${layer}`);
      for (const f of fs) {
        headline(f, '    ');
        if (opts.verbose) details(f, '    ');
      }
    }
  }
  push('', c(BOLD, 'DATA COMPLETENESS'));
  if (m.unknown.length === 0) push('  every check had its inputs');
  for (const f of m.unknown) {
    const why = f.missing?.length ? `missing ${f.missing.map(inertLine).join(', ')}` : inertLine(f.message);
    push(
      wrap(
        `${c(COLOR.unknown, LABEL.unknown)} ${inertLine(f.ruleId)} ${inertLine(subjectKey(f.subject))}: ${why}`,
        width,
        '      ',
        '  ',
      ),
    );
  }
  const problems = m.snapshot.problems.filter((p) => p.severity === 'error');
  if (problems.length) {
    push(`  ${problems.length} file problem(s):`);
    for (const p of problems.slice(0, 20))
      push(
        wrap(
          `${inertLine(p.bundle ?? '')}:${inertLine(p.file)}${p.line ? `:${p.line}` : ''}: ${inertLine(p.message)}`,
          width,
          '      ',
          '    ',
        ),
      );
  }
  return `${out.join('\n')}\n`;
}
