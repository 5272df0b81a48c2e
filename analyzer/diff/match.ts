// Findings of two analyses matched by stable id (analyzer/report/ids.ts), never by position: the
// same rule about the same subject gets the same id on both sides, whatever else changed.
import { stableFindingIds } from '../report/ids.js';
import type { Analysis, Chain, Finding, Status } from '../rules/types.js';
import type { ChainSummary, DiffCategory, MatchedFinding } from './types.js';

const PROBLEM: ReadonlySet<Status> = new Set(['fail', 'warn']);
const isProblem = (f: Finding | undefined): boolean => f !== undefined && PROBLEM.has(f.status);

/** the category of one id seen before and/or after */
export function categoryOf(before: Finding | undefined, after: Finding | undefined): DiffCategory {
  if (isProblem(before)) {
    if (after === undefined || after.status === 'pass') return 'fixed';
    if (after.status === before?.status) return 'still-failing';
    return 'changed-status';
  }
  if (isProblem(after)) return 'new';
  if (before && after && before.status !== after.status) return 'changed-status';
  return 'unchanged';
}

/** id -> finding over the whole analysis */
export function findingsById(analysis: Analysis): Map<string, Finding> {
  const ids = stableFindingIds(analysis.findings);
  const out = new Map<string, Finding>();
  analysis.findings.forEach((f, i) => out.set(ids[i] ?? `${f.ruleId}/#${i}`, f));
  return out;
}

const ORDER: Readonly<Record<DiffCategory, number>> = {
  fixed: 0,
  'still-failing': 1,
  new: 2,
  'changed-status': 3,
  unchanged: 4,
};

export function matchFindings(
  before: ReadonlyMap<string, Finding>,
  after: ReadonlyMap<string, Finding>,
): Omit<MatchedFinding, 'explainedBy'>[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  const out = [...ids].map((id) => {
    const b = before.get(id);
    const a = after.get(id);
    return { id, category: categoryOf(b, a), ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) };
  });
  return out.sort((x, y) => ORDER[x.category] - ORDER[y.category] || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/** a bound on chain walks: linker chains are acyclic, but a report must not trust that */
const MAX_SYMPTOMS = 200;

/** the failing/warning root causes, each with the ids of what it explains */
export function rootSummaries(analysis: Analysis, ids: ReadonlyMap<string, Finding>): ChainSummary[] {
  const idOf = new Map<Finding, string>();
  for (const [id, f] of ids) idOf.set(f, id);
  const out: ChainSummary[] = [];
  for (const root of analysis.roots) {
    if (!isProblem(root.finding)) continue;
    const symptoms: string[] = [];
    const seen = new Set<Finding>([root.finding]);
    const stack: Chain[] = [...root.explains].reverse();
    while (stack.length > 0 && symptoms.length < MAX_SYMPTOMS) {
      const c = stack.pop() as Chain;
      if (seen.has(c.finding)) continue;
      seen.add(c.finding);
      const id = idOf.get(c.finding);
      if (id !== undefined) symptoms.push(id);
      stack.push(...[...c.explains].reverse());
    }
    out.push({ id: idOf.get(root.finding) ?? root.finding.ruleId, status: root.finding.status, symptoms });
  }
  return out;
}
