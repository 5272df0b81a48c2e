// The overview screen as a doc: layer stack, root causes with their chains, nodes, completeness.
import { STATUS_GLYPH } from '../theme.js';
import { DocBuilder, type Doc } from './doc.js';
import { layerStack } from './layers.js';
import { rootChains, type ChainLine } from './chains.js';
import { subjectKey } from '../../analyzer/rules/types.js';
import { completeness, nodeRows } from './completeness.js';
import { padEnd, truncate } from './text.js';
import type { UiModel } from './model.js';

export function overviewDoc(m: UiModel, width: number): Doc {
  const d = new DocBuilder();
  d.line({ text: 'Layers', bold: true }, { text: '  symptoms show top-down, causes flow bottom-up', dim: true });
  for (const row of layerStack(m)) {
    const g = STATUS_GLYPH[row.status];
    const counts = `${row.counts.fail} fail  ${row.counts.warn} warn  ${row.counts.pass} pass  ${row.counts.unknown} unknown`;
    const roots = row.rootCauses ? `  ${row.rootCauses} root cause${row.rootCauses > 1 ? 's' : ''}` : '';
    d.item(
      { section: 'layers', target: { screen: 'findings', filter: { layer: row.layer, text: '' } } },
      { text: `${g.icon} ${g.label}  `, tone: g.tone, bold: row.status === 'fail' },
      { text: padEnd(row.layer, 9), bold: true },
      { text: truncate(counts + roots, Math.max(0, width - 22)) },
    );
  }
  d.blank();
  // probe failures nothing explains are roots but not causes: listed apart, as in the text report
  const all = rootChains(m);
  const isUnexplained = (chain: readonly ChainLine[]) => m.unexplained.has(chain[0]?.finding ?? -1);
  const chains = all.filter((c) => !isUnexplained(c));
  const unexplained = all.filter(isUnexplained);
  d.line(
    { text: `Root causes (${chains.length})`, bold: true },
    {
      text: chains.length
        ? '  each with the symptoms it explains'
        : unexplained.length
          ? '  none found'
          : '  none: no failing finding',
      dim: true,
    },
  );
  const chainItems = (section: string, chain: readonly ChainLine[]) => {
    for (const c of chain) {
      const g = STATUS_GLYPH[c.status];
      const indent = c.depth === 0 ? '' : `${'   '.repeat(c.depth - 1)}└─ `;
      const head = `${indent}${g.icon} ${c.ruleId}  `;
      const rest = `${c.subject}  ${c.message}`;
      d.item(
        { section, finding: c.finding, target: { screen: 'detail', finding: c.finding } },
        { text: head, tone: g.tone, bold: c.depth === 0 },
        { text: truncate(rest, Math.max(0, width - 4 - head.length)) },
      );
    }
  };
  for (const chain of chains) chainItems('roots', chain);
  if (unexplained.length) {
    d.blank();
    d.item(
      { section: 'unexplained', target: { screen: 'findings', filter: { role: 'unexplained', text: '' } } },
      { text: `◇ Unexplained symptoms (${unexplained.length})`, bold: true, tone: 'warning' },
      {
        text: truncate(
          '  probe failures no finding explains: a fault netsnap does not know, or outside the bundles',
          Math.max(0, width - 30),
        ),
        dim: true,
      },
    );
    for (const chain of unexplained) chainItems('unexplained', chain);
  }
  d.blank();
  const nodes = nodeRows(m);
  d.line({ text: `Nodes (${nodes.length})`, bold: true });
  for (const n of nodes) {
    // counts first: at 80 columns the long bundle ids are what gets cut
    const info = `${n.failing} failing of ${n.findings}  ${n.bundles.length ? n.bundles.join(', ') : 'no bundle (cluster view only)'}${n.createdAt ? `  ${n.createdAt}` : ''}`;
    d.item(
      { section: 'nodes', target: { screen: 'findings', filter: { node: n.node, text: '' } } },
      { text: padEnd(n.node, 14), bold: true },
      { text: truncate(info, Math.max(0, width - 18)) },
    );
  }
  d.blank();
  // the same notion as the text report's DATA COMPLETENESS (analyzer/report/text.ts): a check is
  // incomplete when its finding is unknown; sources the collector skipped that no check needed
  // are a footnote, not a gap
  const unknown = m.report.unknown;
  const errors = m.snapshot.problems.filter((p) => p.severity === 'error');
  const gaps = [
    unknown.length ? `${unknown.length} check${unknown.length > 1 ? 's' : ''} unknown` : '',
    errors.length ? `${errors.length} file problem${errors.length > 1 ? 's' : ''}` : '',
  ].filter(Boolean);
  d.line(
    { text: 'Data completeness', bold: true },
    { text: `  ${gaps.length ? gaps.join(', ') : 'every check had its inputs'}`, dim: true },
  );
  const u = STATUS_GLYPH.unknown;
  for (const f of unknown) {
    const i = m.indexOf.get(f);
    const why = f.missing?.length ? `missing ${f.missing.join(', ')}` : f.message;
    const head = `${u.icon} ${u.label} ${f.ruleId}  `;
    d.item(
      { section: 'completeness', ...(i !== undefined ? { target: { screen: 'detail', finding: i } } : {}) },
      { text: head, tone: u.tone },
      { text: truncate(`${subjectKey(f.subject)}  ${why}`, Math.max(0, width - 4 - head.length)) },
    );
  }
  const bundleFindings = { screen: 'findings', filter: { layer: 'bundle', text: '' } } as const;
  for (const p of errors) {
    const g = STATUS_GLYPH.fail;
    const where = `${p.bundle ? `${p.bundle}:` : ''}${p.file}${p.line ? `:${p.line}` : ''}`;
    d.item(
      { section: 'completeness', target: bundleFindings },
      { text: `${g.icon} `, tone: g.tone },
      { text: truncate(`${where}  ${p.message}`, Math.max(0, width - 6)) },
    );
  }
  const c = completeness(m);
  const skipped = c.missing.filter((x) => x.leavesUnknown.length === 0).length;
  const warnings = m.snapshot.problems.length - errors.length;
  const notes = [
    skipped ? `${skipped} source${skipped > 1 ? 's' : ''} not collected that no check needed` : '',
    warnings ? `${warnings} file warning${warnings > 1 ? 's' : ''}` : '',
  ].filter(Boolean);
  if (notes.length)
    d.item(
      { section: 'completeness', target: bundleFindings },
      { text: truncate(`  ${notes.join(', ')} (enter: the bundle layer)`, width - 2), dim: true },
    );
  return d.build();
}
