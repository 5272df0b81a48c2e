// The whole analysis, composed by the floor above the rules: run the rules (analyzer/rules/engine.ts),
// then link their findings into root-cause chains (./link.ts). The rules never call the linker.
import type { Snapshot } from '../model/types.js';
import { allRules } from '../rules/catalog.js';
import { runRules } from '../rules/engine.js';
import type { Analysis, Rule } from '../rules/types.js';
import { linkFindings } from './link.js';

export interface AnalyzeOptions {
  /** the rules to run; default the built-in catalog */
  readonly rules?: readonly Rule[];
  /** rules compiled from rule packs (see analyzer/rules/packs), run after the built-in ones */
  readonly packs?: readonly Rule[];
  readonly now?: string;
}

/** Run the rules and link their findings into root-cause chains. */
export function analyze(snapshot: Snapshot, opts: AnalyzeOptions = {}): Analysis {
  const rules = [...(opts.rules ?? allRules), ...(opts.packs ?? [])];
  const findings = runRules(rules, snapshot, { now: opts.now });
  return linkFindings(findings, rules, snapshot);
}
