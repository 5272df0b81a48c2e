// Root-cause linking. Each rule declares which rules' findings its own can explain (RuleMeta.explains);
// a cause finding explains a symptom finding when
//   - both are fail or warn (a pass or unknown finding is evidence of nothing),
//   - the symptom's rule is named in the cause rule's explains and the match says their subjects belong together,
//   - the cause sits in the same or a lower layer (LAYER_DEPTH; bundle findings count as lowest), unless
//     the symptom's rule is a cross-check (RuleMeta.crossLayer: SYS-108 sees any layer's fault on a node),
//   - the edge closes no cycle (edges are added in the stable findings order, so the result is stable).
// A rule may also declare the links from the symptom's side (RuleMeta.explainedBy: probe findings).
// Roots are the fail/warn findings nothing explains: fail before warn, then bottom layer first, rule id, subject.
import type { Snapshot } from '../model/types.js';
import {
  LAYER_DEPTH,
  subjectKey,
  type Analysis,
  type Chain,
  type Explains,
  type Finding,
  type Rule,
} from '../rules/types.js';
import { pushAll } from '../core/arrays.js';

const isProblem = (f: Finding): boolean => f.status === 'fail' || f.status === 'warn';

/** the node a finding is about: subject.node, or the name of a node subject */
export function nodeOf(f: Finding): string | undefined {
  return f.subject.node ?? (f.subject.kind === 'node' ? f.subject.name : undefined);
}

function matches(e: Explains, cause: Finding, symptom: Finding, s: Snapshot): boolean {
  if (e.match === 'cluster') return true;
  if (e.match === 'same-subject') return subjectKey(cause.subject) === subjectKey(symptom.subject);
  if (e.match === 'same-node') {
    const n = nodeOf(cause);
    return n !== undefined && n === nodeOf(symptom);
  }
  return e.match(cause, symptom, s);
}

export function linkFindings(findings: readonly Finding[], rules: readonly Rule[], snapshot: Snapshot): Analysis {
  const byRule = new Map<string, number[]>();
  findings.forEach((f, i) => {
    if (!isProblem(f)) return;
    const list = byRule.get(f.ruleId) ?? [];
    list.push(i);
    byRule.set(f.ruleId, list);
  });
  const explainsOf = new Map<string, Explains[]>(rules.map((r) => [r.id, [...(r.explains ?? [])]]));
  // links declared on the symptom's side (RuleMeta.explainedBy) become the cause rule's explains
  for (const r of rules)
    for (const e of r.explainedBy ?? []) explainsOf.get(e.rule)?.push({ rule: r.id, match: e.match });
  const crossLayer = new Set(rules.filter((r) => r.crossLayer).map((r) => r.id));
  // per-rule indexes by subject key and by node, so same-subject/same-node links are not O(n²)
  const keyed = new Map<string, Map<string, number[]>>();
  const indexed = (rule: string, kind: 'subject' | 'node'): Map<string, number[]> => {
    const cacheKey = `${kind}\0${rule}`;
    let m = keyed.get(cacheKey);
    if (!m) {
      m = new Map();
      for (const i of byRule.get(rule) ?? []) {
        const f = findings[i] as Finding;
        const k = kind === 'subject' ? subjectKey(f.subject) : nodeOf(f);
        if (k === undefined) continue;
        const list = m.get(k);
        if (list) list.push(i);
        else m.set(k, [i]);
      }
      keyed.set(cacheKey, m);
    }
    return m;
  };
  const candidates = (e: Explains, cause: Finding): readonly number[] => {
    if (e.match === 'same-subject') return indexed(e.rule, 'subject').get(subjectKey(cause.subject)) ?? [];
    if (e.match === 'same-node') {
      const n = nodeOf(cause);
      return n === undefined ? [] : (indexed(e.rule, 'node').get(n) ?? []);
    }
    return byRule.get(e.rule) ?? [];
  };
  const children = new Map<number, number[]>();
  const parents = new Map<number, number[]>();

  const reaches = (from: number, to: number): boolean => {
    const seen = new Set<number>();
    const stack = [from];
    while (stack.length > 0) {
      const n = stack.pop() as number;
      if (n === to) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      pushAll(stack, children.get(n) ?? []);
    }
    return false;
  };

  findings.forEach((cause, ci) => {
    if (!isProblem(cause)) return;
    for (const e of explainsOf.get(cause.ruleId) ?? []) {
      for (const si of candidates(e, cause)) {
        const symptom = findings[si] as Finding;
        if (si === ci || (LAYER_DEPTH[cause.layer] > LAYER_DEPTH[symptom.layer] && !crossLayer.has(symptom.ruleId)))
          continue;
        if ((children.get(ci) ?? []).includes(si)) continue;
        if (!matches(e, cause, symptom, snapshot)) continue;
        if (reaches(si, ci)) continue; // would close a cycle
        children.set(ci, [...(children.get(ci) ?? []), si]);
        parents.set(si, [...(parents.get(si) ?? []), ci]);
      }
    }
  });

  const build = (i: number): Chain => ({
    finding: findings[i] as Finding,
    explains: [...(children.get(i) ?? [])].sort((a, b) => a - b).map(build),
  });
  const rootIdx = findings.map((f, i) => [f, i] as const).filter(([f, i]) => isProblem(f) && !parents.has(i));
  rootIdx.sort(([a, ai], [b, bi]) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1) || ai - bi);
  const explainedBy = new Map<number, readonly number[]>(
    [...parents].map(([k, v]) => [k, [...v].sort((a, b) => a - b)]),
  );
  return { findings, roots: rootIdx.map(([, i]) => build(i)), explainedBy };
}

/** every finding beneath a chain, depth first, each once */
export function symptomsOf(chain: Chain): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<Finding>();
  const walk = (c: Chain): void => {
    for (const child of c.explains) {
      if (seen.has(child.finding)) continue;
      seen.add(child.finding);
      out.push(child.finding);
      walk(child);
    }
  };
  walk(chain);
  return out;
}

/**
 * Roots that are symptoms, not causes: a probe finding (layer `probe`, what packets really did) that no
 * rule's finding explains. The analysis cannot name its cause: the catalog is missing this fault, or it
 * lies outside what a bundle holds. Reports show them apart from root causes.
 */
export function unexplainedSymptoms(roots: readonly Chain[]): Chain[] {
  return roots.filter((r) => r.finding.layer === 'probe');
}
