// What every diff renderer shows, in one order: the categories with their findings (unchanged ones
// only counted), the root chains of each side, the source changes grouped by where they happened.
// Strings here are raw (bundle text included); each renderer applies its own sink.
import type { EvidenceRef } from '../core/evidence-ref.js';
import type { Finding, Status } from '../rules/types.js';
import { categoryCounts } from './diff.js';
import type { ChainSummary, DiffCategory, DiffResult, SourceChange } from './types.js';

export const CATEGORY_TITLE: Readonly<Record<DiffCategory, string>> = {
  fixed: 'Fixed',
  'still-failing': 'Still failing',
  new: 'New',
  'changed-status': 'Changed status',
  unchanged: 'Unchanged',
};

export interface FindingRow {
  readonly id: string;
  readonly before?: Status;
  readonly after?: Status;
  readonly severity: Finding['severity'];
  readonly title: string;
  readonly message: string;
  readonly sources: readonly SourceChange[];
}

export interface SourceGroup {
  /** `iptables worker-1 nat POSTROUTING`, `corefile kube-system/coredns Corefile` */
  readonly heading: string;
  readonly changes: readonly SourceChange[];
}

export interface DiffView {
  readonly headline: string;
  readonly counts: Record<DiffCategory, number>;
  readonly sections: readonly { readonly category: DiffCategory; readonly rows: readonly FindingRow[] }[];
  readonly rootsBefore: readonly ChainSummary[];
  readonly rootsAfter: readonly ChainSummary[];
  readonly sources: readonly SourceGroup[];
  readonly omitted: readonly string[];
}

const statusOf = (f: Finding | undefined): Status | undefined => f?.status;

export const sideLine = (what: string, s: DiffResult['before']): string =>
  `${what}: ${s.bundles.length} bundle(s)${s.collectedAt ? `, collected ${s.collectedAt}` : ''}, ${s.redaction} (${s.bundles
    .map((b) => b.id)
    .join(', ')})`;

export function buildDiffView(d: DiffResult): DiffView {
  const byKey = new Map(d.sources.map((c) => [c.key, c]));
  const sections = (['fixed', 'still-failing', 'new', 'changed-status'] as const).map((category) => ({
    category,
    rows: d.findings
      .filter((m) => m.category === category)
      .map((m): FindingRow => {
        const f = (m.after ?? m.before) as Finding;
        return {
          id: m.id,
          ...(m.before ? { before: statusOf(m.before) } : {}),
          ...(m.after ? { after: statusOf(m.after) } : {}),
          severity: (m.before && m.before.status !== 'pass' ? m.before : f).severity,
          title: f.ruleId,
          // a fixed finding is told by what was wrong
          message: (m.category === 'fixed' ? (m.before ?? f) : f).message,
          sources: m.explainedBy.flatMap((k) => {
            const c = byKey.get(k);
            return c ? [c] : [];
          }),
        };
      }),
  }));
  const groups = new Map<string, SourceChange[]>();
  for (const c of d.sources) {
    const heading = sourceLabel(c);
    const list = groups.get(heading);
    if (list) list.push(c);
    else groups.set(heading, [c]);
  }
  const counts = categoryCounts(d);
  return {
    headline: `netsnap diff${d.node ? ` of node ${d.node}` : ''}: ${counts.fixed} fixed, ${counts['still-failing']} still failing, ${counts.new} new, ${counts['changed-status']} changed status, ${counts.unchanged} unchanged`,
    counts,
    sections,
    rootsBefore: d.rootsBefore,
    rootsAfter: d.rootsAfter,
    sources: [...groups].map(([heading, changes]) => ({ heading, changes })),
    omitted: Object.entries(d.sourcesOmitted).map(([k, n]) => `${n} more ${k} change(s) not listed`),
  };
}

/** `iptables worker-1 nat POSTROUTING`: the kind, node and place of a change */
export const sourceLabel = (c: SourceChange): string => `${c.kind}${c.node ? ` ${c.node}` : ''} ${c.where}`;

/** `-` removed, `+` added, `~` changed */
export const changeMark = (c: SourceChange): string =>
  c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';

/** the text of a change on one line: `+ rule`, `- line`, `~ before -> after` */
export function changeText(c: SourceChange): string {
  if (c.change === 'added') return c.after ?? '';
  if (c.change === 'removed') return c.before ?? '';
  return `${c.before ?? ''} -> ${c.after ?? ''}`;
}

/** `bundle:path:12` or `bundle:path#/items/3` */
export function refText(r: EvidenceRef): string {
  return `${r.bundle}:${r.path}${r.pointer !== undefined ? `#${r.pointer}` : ''}${r.line !== undefined ? `:${r.line}` : ''}`;
}

export const statusPair = (r: FindingRow): string => `${r.before ?? 'absent'} -> ${r.after ?? 'absent'}`;
