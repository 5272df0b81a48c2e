// What "analyzes to the same findings" means: the same rule ids, statuses and subjects (after
// renaming the original's subjects the way the pseudonyms did) and the same root-cause chains.
import { loadSnapshot } from '../../analyzer/model/load.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { subjectKey, type Analysis, type Chain, type Finding, type Subject } from '../../analyzer/rules/types.js';
import { replaceNames } from '../../analyzer/redact/names.js';

export interface AnalysisShape {
  readonly findings: string[];
  readonly chains: string[];
}

function renamed(s: Subject, names: ReadonlyMap<string, string>): Subject {
  const r = (x: string | undefined) => (x === undefined ? undefined : replaceNames(x, names));
  return {
    kind: s.kind,
    name: r(s.name)!,
    ...(s.namespace !== undefined ? { namespace: r(s.namespace) } : {}),
    ...(s.node !== undefined ? { node: r(s.node) } : {}),
  };
}

export function shapeOf(a: Analysis, names: ReadonlyMap<string, string> = new Map()): AnalysisShape {
  const key = (f: Finding) => `${f.ruleId} ${f.status} ${subjectKey(renamed(f.subject, names))}`;
  const chain = (c: Chain): string =>
    `${key(c.finding)}${c.explains.length ? ` -> [${c.explains.map(chain).sort().join(', ')}]` : ''}`;
  return { findings: a.findings.map(key).sort(), chains: a.roots.map(chain).sort() };
}

export async function analyzePaths(paths: readonly string[]): Promise<Analysis> {
  const { snapshot } = await loadSnapshot(paths);
  return analyze(snapshot);
}
