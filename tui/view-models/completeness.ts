// What the bundles did not contain, and which checks that leaves unknown.
import type { UiModel } from './model.js';

export interface MissingSource {
  readonly bundle: string;
  readonly node?: string;
  readonly source: string;
  readonly path: string;
  readonly status: string;
  /** rule ids whose findings are unknown because of this source */
  readonly leavesUnknown: readonly string[];
}

export interface NodeRow {
  readonly node: string;
  readonly bundles: readonly string[];
  readonly createdAt?: string;
  readonly findings: number;
  readonly failing: number;
}

export interface Completeness {
  readonly missing: readonly MissingSource[];
  readonly problems: readonly { file: string; line?: number; bundle?: string; message: string; severity: string }[];
  /** unknown findings that name no source we could match (still worth listing) */
  readonly otherUnknown: readonly string[];
}

export function completeness(m: UiModel): Completeness {
  const unknown = m.findings.filter((f) => f.status === 'unknown' && f.layer !== 'bundle');
  const matched = new Set<string>();
  const missing: MissingSource[] = [];
  for (const b of m.snapshot.bundles) {
    for (const s of b.manifest?.sources ?? []) {
      if (s.status === 'ok') continue;
      const leaves = unknown.filter((f) => f.missing?.some((x) => x === s.id || x === s.path)).map((f) => f.ruleId);
      leaves.forEach((id) => matched.add(id));
      missing.push({
        bundle: b.id,
        ...(b.node !== undefined ? { node: b.node } : {}),
        source: s.id,
        path: s.path,
        status: s.status,
        leavesUnknown: [...new Set(leaves)].sort(),
      });
    }
  }
  const otherUnknown = [...new Set(unknown.map((f) => f.ruleId).filter((id) => !matched.has(id)))].sort();
  return { missing, problems: m.snapshot.problems, otherUnknown };
}

export function nodeRows(m: UiModel): NodeRow[] {
  // one pass over findings and bundles, then a lookup per node (5,000 nodes x 20,000 findings
  // took seconds before the first frame)
  const counts = new Map<string, { findings: number; failing: number }>();
  for (const f of m.findings) {
    const node = f.subject.kind === 'node' ? f.subject.name : f.subject.node;
    if (node === undefined) continue;
    const c = counts.get(node) ?? { findings: 0, failing: 0 };
    c.findings++;
    if (f.status === 'fail') c.failing++;
    counts.set(node, c);
  }
  const bundlesOf = new Map<string, (typeof m.snapshot.bundles)[number][]>();
  for (const b of m.snapshot.bundles)
    if (b.node !== undefined) bundlesOf.set(b.node, [...(bundlesOf.get(b.node) ?? []), b]);
  return m.nodes.map((node) => {
    const bundles = bundlesOf.get(node) ?? [];
    const { findings, failing } = counts.get(node) ?? { findings: 0, failing: 0 };
    const createdAt = bundles
      .map((b) => b.createdAt)
      .filter(Boolean)
      .sort()
      .at(-1);
    return { node, bundles: bundles.map((b) => b.id), ...(createdAt ? { createdAt } : {}), findings, failing };
  });
}
