// What every report shows, independent of format: root causes with their chains, the other
// findings by layer, and data completeness. Filters (--layer, --node) and the exit code live here.
// Finding ids (analyzer/report/ids.ts) are computed over the full analysis before any filter, so a
// finding has the same id with or without --layer/--node.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactionNotice } from '../redact/notice.js';
import type { Snapshot } from '../model/types.js';
import { nodeOf, unexplainedSymptoms } from '../causal/link.js';
import { LAYERS, type Analysis, type Chain, type Finding, type Layer } from '../rules/types.js';
import { platformOf, type Platform } from './platform.js';
import { stableFindingIds } from './ids.js';
import { groupFixes, type FixGroup } from './fix-places.js';

export type FailOn = 'critical' | 'warning' | 'never';

export interface ReportFilter {
  readonly layers?: readonly Layer[];
  /** keep findings about this node, and cluster-wide ones (they affect every node) */
  readonly node?: string;
}

export interface ReportInput {
  readonly analysis: Analysis;
  readonly snapshot: Snapshot;
  readonly filter?: ReportFilter;
  /** the tool named in report headers; default: netsnap and the version in package.json */
  readonly tool?: ToolInfo;
}

export interface ToolInfo {
  readonly name: string;
  readonly version: string;
}

export interface ReportModel {
  readonly snapshot: Snapshot;
  readonly findings: readonly Finding[];
  readonly roots: readonly Chain[];
  /**
   * the roots that are symptoms no rule explains (probe findings, causal/link.ts unexplainedSymptoms): also in
   * `roots`; the text report lists them apart, as what the catalog could not explain
   */
  readonly unexplained: readonly Chain[];
  /** fail/warn findings that are neither a root nor beneath one after filtering, by layer */
  readonly others: ReadonlyMap<Layer, readonly Finding[]>;
  readonly unknown: readonly Finding[];
  readonly counts: Readonly<Record<'fail' | 'warn' | 'unknown' | 'pass', number>>;
  /** one line on the bundles' redaction state, for every report header */
  readonly redaction: string;
  /** the detected distribution and component deployment styles, for every report header */
  readonly platform: Platform;
  /** stable id of every finding of the full analysis (also those filtered out) */
  readonly ids: ReadonlyMap<Finding, string>;
  /** the fix commands of the findings in root chains (not pass), by where they run */
  readonly fixes: readonly FixGroup[];
  readonly tool: ToolInfo;
}

let version: string | undefined;
/** netsnap's version from the nearest package.json named netsnap above this file (read once) */
export function toolVersion(): string {
  if (version !== undefined) return version;
  version = 'unknown';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        const j = JSON.parse(readFileSync(pj, 'utf8')) as { name?: unknown; version?: unknown };
        if (j.name === 'netsnap' && typeof j.version === 'string') return (version = j.version);
      } catch {
        // not ours or unreadable: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return version;
}

export function keeps(f: Finding, filter: ReportFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.layers && filter.layers.length > 0 && !filter.layers.includes(f.layer)) return false;
  if (filter.node !== undefined) {
    const n = nodeOf(f);
    if (n !== undefined && n !== filter.node) return false;
  }
  return true;
}

function pruneChain(c: Chain, filter: ReportFilter | undefined): Chain {
  return {
    finding: c.finding,
    explains: c.explains.filter((x) => keeps(x.finding, filter)).map((x) => pruneChain(x, filter)),
  };
}

function collect(c: Chain, into: Set<Finding>): void {
  into.add(c.finding);
  for (const x of c.explains) collect(x, into);
}

/** the findings of root chains, each once, in chain order */
export function chainFindings(roots: readonly Chain[]): Finding[] {
  const seen = new Set<Finding>();
  for (const r of roots) collect(r, seen);
  return [...seen];
}

export function buildReportModel({ analysis, snapshot, filter, tool }: ReportInput): ReportModel {
  const all = stableFindingIds(analysis.findings);
  const ids = new Map<Finding, string>(analysis.findings.map((f, i) => [f, all[i] ?? '']));
  const findings = analysis.findings.filter((f) => keeps(f, filter));
  const roots = analysis.roots.filter((r) => keeps(r.finding, filter)).map((r) => pruneChain(r, filter));
  const shown = new Set<Finding>();
  for (const r of roots) collect(r, shown);
  const others = new Map<Layer, Finding[]>();
  for (const f of findings) {
    if ((f.status !== 'fail' && f.status !== 'warn') || shown.has(f)) continue;
    // appended in place: copying the list per finding was quadratic (25,000 findings at L)
    const list = others.get(f.layer);
    if (list) list.push(f);
    else others.set(f.layer, [f]);
  }
  const ordered = new Map(
    [...LAYERS]
      .reverse()
      .filter((l) => others.has(l))
      .map((l) => [l, others.get(l) as Finding[]]),
  );
  const counts = { fail: 0, warn: 0, unknown: 0, pass: 0 };
  for (const f of findings) counts[f.status]++;
  const redaction = redactionNotice(snapshot.bundles).summary;
  return {
    snapshot,
    findings,
    roots,
    unexplained: unexplainedSymptoms(roots),
    others: ordered,
    unknown: findings.filter((f) => f.status === 'unknown'),
    counts,
    redaction,
    platform: platformOf(snapshot.derived),
    ids,
    fixes: fixesOf(
      [...shown].filter((f) => f.status !== 'pass'),
      ids,
    ),
    tool: tool ?? { name: 'netsnap', version: toolVersion() },
  };
}

/** groupFixes over findings whose ids come from the full analysis */
export function fixesOf(findings: readonly Finding[], ids: ReadonlyMap<Finding, string>): FixGroup[] {
  return groupFixes(
    findings,
    findings.map((f) => ids.get(f) ?? ''),
  );
}

/** 1 when a finding reaches --fail-on, else 0 */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): number {
  if (failOn === 'never') return 0;
  const hit = findings.some((f) => {
    if (f.status === 'fail') return f.severity === 'critical' || (failOn === 'warning' && f.severity === 'warning');
    if (f.status === 'warn') return failOn === 'warning' && f.severity !== 'info';
    return false;
  });
  return hit ? 1 : 0;
}

/** Bundle text is untrusted: the terminal sink lives in analyzer/text/inert.ts (re-exported for callers). */
export { inert, inertLine } from '../text/inert.js';

export function evidenceLocation(e: { path: string; line?: number; endLine?: number; pointer?: string }): string {
  const lines =
    e.line !== undefined ? `:${e.line}${e.endLine !== undefined && e.endLine !== e.line ? `-${e.endLine}` : ''}` : '';
  return `${e.path}${e.pointer !== undefined ? `#${e.pointer}` : ''}${lines}`;
}
