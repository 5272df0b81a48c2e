// `netsnap diff` without I/O: two analysed snapshots in, a DiffResult out (types.ts). Findings are
// matched by stable id (match.ts); source changes (sources.ts) are tied to the findings that cite
// the same file on the same side, which is how a fixed SYS-104 on worker-1 points at the
// MASQUERADE rule that came back in that node's iptables-save.
import type { EvidenceRef } from '../core/evidence-ref.js';
import type { Snapshot } from '../model/types.js';
import { redactionNotice } from '../redact/notice.js';
import { exitCodeFor, type FailOn } from '../report/model.js';
import { nodeOf } from '../causal/link.js';
import type { Analysis, Finding } from '../rules/types.js';
import { findingsById, matchFindings, rootSummaries } from './match.js';
import { sourceChanges } from './sources.js';
import type { DiffResult, MatchedFinding, SideInfo, SourceChange } from './types.js';

export interface Side {
  readonly snapshot: Snapshot;
  readonly analysis: Analysis;
}

/** at most this many source changes are named under one finding */
const MAX_EXPLAINED = 20;

/** chains an iptables-save quote names: declared (`:X`), appended to (`-A X`) or jumped to (`-j X`) */
function chainsOf(quote: string): Set<string> {
  const out = new Set<string>();
  for (const line of quote.split('\n').slice(0, 200)) {
    const decl = /^:(\S+)/.exec(line);
    if (decl?.[1]) out.add(decl[1]);
    const rule = /^(?:\[\d+:\d+\]\s*)?-[AI] (\S+)/.exec(line);
    if (rule?.[1]) out.add(rule[1]);
    const jump = / -[jg] (\S+)/.exec(line);
    if (jump?.[1]) out.add(jump[1]);
  }
  return out;
}

/** `/items/4/status/...` -> `/items/4`: the cluster object a pointer is inside */
const objectOf = (pointer: string | undefined): string | undefined => /^\/items\/\d+/.exec(pointer ?? '')?.[0];

/**
 * does a finding's evidence on one side point at this change? Same file, and then: iptables the
 * same chain, Corefile the same ConfigMap key, Endpoints/pods the same object, sysctl the same line
 */
export function relates(c: SourceChange, ref: EvidenceRef | undefined, evidence: readonly EvidenceRef[]): boolean {
  if (!ref) return false;
  // a route that is missing is cited by what says it should exist (a node's podCIDR): the same
  // destination quoted anywhere in the evidence of a finding about that node
  if (c.kind === 'route' && evidence.some((e) => e.quote === c.where || e.quote.includes(`"${c.where}"`))) return true;
  const same = evidence.filter((e) => e.bundle === ref.bundle && e.path === ref.path);
  if (same.length === 0) return false;
  switch (c.kind) {
    case 'iptables':
      return c.chain !== undefined && same.some((e) => chainsOf(e.quote).has(c.chain as string));
    case 'corefile':
      return same.some((e) => e.pointer === ref.pointer);
    case 'route':
      // the route itself, or a finding citing the whole table
      return same.some((e) => e.pointer === ref.pointer || e.pointer === '' || e.pointer === undefined);
    case 'endpoints':
    case 'pod':
      return same.some((e) => objectOf(e.pointer) !== undefined && objectOf(e.pointer) === objectOf(ref.pointer));
    case 'sysctl':
      return same.some(
        (e) =>
          ref.line !== undefined && e.line !== undefined && e.line <= ref.line && ref.line <= (e.endLine ?? e.line),
      );
  }
}

function sideInfo(s: Snapshot): SideInfo {
  return {
    bundles: s.bundles.map((b) => ({
      id: b.id,
      ...(b.node !== undefined ? { node: b.node } : {}),
      ...(b.createdAt !== undefined ? { createdAt: b.createdAt } : {}),
    })),
    ...(s.now !== undefined ? { collectedAt: s.now } : {}),
    redaction: redactionNotice(s.bundles).summary,
  };
}

export function diffSides(before: Side, after: Side, opts: { node?: string } = {}): DiffResult {
  const b = findingsById(before.analysis);
  const a = findingsById(after.analysis);
  const sources = sourceChanges(before.snapshot, after.snapshot);
  const explain = (m: Omit<MatchedFinding, 'explainedBy'>): string[] => {
    // unchanged findings are explained by nothing: nothing about them moved
    if (m.category === 'unchanged') return [];
    const eb = m.before?.evidence ?? [];
    const ea = m.after?.evidence ?? [];
    const node = nodeOf((m.after ?? m.before) as Finding);
    return sources.changes
      .filter((c) => c.node === undefined || node === undefined || c.node === node)
      .filter((c) => relates(c, c.beforeRef, eb) || relates(c, c.afterRef, ea))
      .slice(0, MAX_EXPLAINED)
      .map((c) => c.key);
  };
  return {
    before: sideInfo(before.snapshot),
    after: sideInfo(after.snapshot),
    findings: matchFindings(b, a).map((m) => ({ ...m, explainedBy: explain(m) })),
    rootsBefore: rootSummaries(before.analysis, b),
    rootsAfter: rootSummaries(after.analysis, a),
    sources: sources.changes,
    sourcesOmitted: sources.omitted,
    ...(opts.node !== undefined ? { node: opts.node } : {}),
  };
}

/**
 * 0 when nothing still failing, new or changed to fail/warn reaches `failOn`, else 1: exactly the
 * after side's findings that are still a problem (a fixed one is pass by definition)
 */
export function diffExitCode(d: DiffResult, failOn: FailOn): number {
  const open = d.findings.filter((m) => m.category !== 'fixed').flatMap((m) => (m.after ? [m.after] : []));
  return exitCodeFor(open, failOn);
}

/** counts per category, for summaries */
export function categoryCounts(d: DiffResult): Record<MatchedFinding['category'], number> {
  const out = { fixed: 0, 'still-failing': 0, new: 0, 'changed-status': 0, unchanged: 0 };
  for (const m of d.findings) out[m.category]++;
  return out;
}
