// Root-cause chains flattened into indented lines (cause first, then what it explains).
import { subjectKey, type Chain, type Status } from '../../analyzer/rules/types.js';
import type { UiModel } from './model.js';

export interface ChainLine {
  readonly finding: number;
  readonly depth: number;
  readonly ruleId: string;
  readonly status: Status;
  readonly subject: string;
  readonly message: string;
}

export function chainLines(m: Pick<UiModel, 'indexOf'>, chain: Chain): ChainLine[] {
  const out: ChainLine[] = [];
  const onPath = new Set<Chain>();
  const walk = (c: Chain, depth: number) => {
    const i = m.indexOf.get(c.finding);
    if (i === undefined || onPath.has(c)) return; // a cycle would be an engine bug; never loop on it
    onPath.add(c);
    out.push({
      finding: i,
      depth,
      ruleId: c.finding.ruleId,
      status: c.finding.status,
      subject: subjectKey(c.finding.subject),
      message: c.finding.message,
    });
    for (const e of c.explains) walk(e, depth + 1);
    onPath.delete(c);
  };
  walk(chain, 0);
  return out;
}

/** every root chain, in the engine's order */
export function rootChains(m: Pick<UiModel, 'indexOf' | 'analysis'>): ChainLine[][] {
  return m.analysis.roots.map((c) => chainLines(m, c));
}
