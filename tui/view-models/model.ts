// The UI model: what the loader and the engine hand over, plus indexes built once so every
// keypress is a lookup, never a scan of all findings.
import type { Analysis, Chain, Finding } from '../../analyzer/rules/types.js';
import type { Snapshot } from '../../analyzer/model/types.js';
import type { Proto, TraceResult } from '../../analyzer/trace/types.js';
import { buildReportModel, type ReportModel } from '../../analyzer/report/model.js';
import { unexplainedSymptoms } from '../../analyzer/causal/link.js';

/** rule docs, when the caller has the catalog (optional: findings carry their own remediation) */
export interface RuleDoc {
  readonly id: string;
  readonly title: string;
  readonly docs: { readonly why: string; readonly fix: string };
}

/** what the Trace screen asks for; the same shape as analyzer/trace's TraceRequest */
export interface TraceRequest {
  readonly from: string;
  readonly to: string;
  readonly proto?: Proto;
  readonly node?: string;
}

/** injected by the caller (`(req) => traceFromSnapshot(snapshot, req)`); throws with a message a user can act on */
export type TraceFn = (
  req: TraceRequest,
) => TraceResult & { readonly label?: { readonly from: string; readonly to: string } };

export interface TuiLoadResult {
  snapshot: Snapshot;
  analysis: Analysis;
  rules?: readonly RuleDoc[];
  /** the packet tracer over this snapshot; without it the Trace screen says tracing is unavailable */
  trace?: TraceFn;
}

export interface UiModel {
  readonly snapshot: Snapshot;
  readonly analysis: Analysis;
  readonly findings: readonly Finding[];
  readonly indexOf: ReadonlyMap<Finding, number>;
  /** finding index -> indices it explains (the reverse of analysis.explainedBy) */
  readonly symptomsOf: ReadonlyMap<number, readonly number[]>;
  /** indices of root-cause findings, in analysis.roots order */
  readonly rootOrder: readonly number[];
  /**
   * the roots that are symptoms, not causes: probe failures no finding explains (the text report's
   * UNEXPLAINED SYMPTOMS, causal/link.ts unexplainedSymptoms); a subset of rootOrder
   */
  readonly unexplained: ReadonlySet<number>;
  readonly nodes: readonly string[];
  readonly rules: ReadonlyMap<string, RuleDoc>;
  readonly trace?: TraceFn;
  /** stable finding ids (analyzer/report/ids.ts), by finding index */
  readonly ids: readonly string[];
  /** what the text report shows (its data completeness and FIXES), so the screens agree with it */
  readonly report: Pick<ReportModel, 'unknown' | 'fixes' | 'tool'>;
}

/** the node a finding is about, if any */
export function nodeOf(f: Finding): string | undefined {
  return f.subject.kind === 'node' ? f.subject.name : f.subject.node;
}

export function buildModel(r: TuiLoadResult): UiModel {
  const findings = r.analysis.findings;
  const indexOf = new Map<Finding, number>();
  findings.forEach((f, i) => indexOf.set(f, i));
  const symptomsOf = new Map<number, number[]>();
  for (const [symptom, causes] of r.analysis.explainedBy) {
    for (const c of causes) {
      const list = symptomsOf.get(c) ?? [];
      list.push(symptom);
      symptomsOf.set(c, list);
    }
  }
  const rootOrder: number[] = [];
  const seen = new Set<number>();
  const addRoot = (c: Chain) => {
    const i = indexOf.get(c.finding);
    if (i !== undefined && !seen.has(i)) {
      seen.add(i);
      rootOrder.push(i);
    }
  };
  r.analysis.roots.forEach(addRoot);
  const nodes = new Set<string>(r.snapshot.hosts.keys());
  for (const b of r.snapshot.bundles) if (b.node) nodes.add(b.node);
  for (const f of findings) {
    const n = nodeOf(f);
    if (n) nodes.add(n);
  }
  // the report model (stable ids, fix groups) walks every finding: at 25,000 findings it was most
  // of the first frame, and only the fix writer needs it, so it is built on first use
  let full: ReportModel | undefined;
  const reportModel = () => (full ??= buildReportModel({ analysis: r.analysis, snapshot: r.snapshot }));
  let ids: readonly string[] | undefined;
  return {
    snapshot: r.snapshot,
    analysis: r.analysis,
    findings,
    indexOf,
    symptomsOf,
    rootOrder,
    unexplained: new Set(
      unexplainedSymptoms(r.analysis.roots)
        .map((c) => indexOf.get(c.finding))
        .filter((i) => i !== undefined),
    ),
    nodes: [...nodes].sort(),
    rules: new Map((r.rules ?? []).map((d) => [d.id, d])),
    ...(r.trace ? { trace: r.trace } : {}),
    get ids() {
      return (ids ??= findings.map((f) => reportModel().ids.get(f) ?? ''));
    },
    report: {
      // what buildReportModel's `unknown` is without a filter
      unknown: findings.filter((f) => f.status === 'unknown'),
      get fixes() {
        return reportModel().fixes;
      },
      get tool() {
        return reportModel().tool;
      },
    },
  };
}
