// The bundle rules talk about other rules (which ones a missing source leaves unknown). Importing
// the catalog at module load would be an import cycle (catalog -> bundle/index -> here), so the
// catalog registers itself here when it loads.
import type { Rule } from '../types.js';

let rules: readonly Rule[] = [];

export function registerCatalog(all: readonly Rule[]): void {
  rules = all;
}

export function allRulesLazy(): readonly Rule[] {
  return rules;
}
