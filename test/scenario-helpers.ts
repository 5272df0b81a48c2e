// Loading every fixtures/scenarios/<name>/ once per test file, analyzed with the built-in catalog.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot } from '../analyzer/model/load.js';
import type { Snapshot } from '../analyzer/model/types.js';
import { analyze } from '../analyzer/causal/analyze.js';
import type { Analysis } from '../analyzer/rules/types.js';

export const SCENARIOS_DIR = new URL('../fixtures/scenarios/', import.meta.url).pathname;

export interface Expected {
  readonly description: string;
  readonly rootCauses: readonly {
    rule: string;
    subject: string;
    symptoms: readonly { rule: string; subject: string }[];
  }[];
  readonly unknown?: readonly { rule: string; subject: string }[];
  readonly warnings?: readonly { rule: string; subject: string }[];
}

export function scenarioNames(): string[] {
  if (!existsSync(SCENARIOS_DIR)) return [];
  return readdirSync(SCENARIOS_DIR)
    .filter((n) => existsSync(join(SCENARIOS_DIR, n, 'expected.json')))
    .sort();
}

export function bundlePaths(name: string): string[] {
  const dir = join(SCENARIOS_DIR, name);
  return readdirSync(dir)
    .filter((n) => n !== 'expected.json' && (statSync(join(dir, n)).isDirectory() || /\.(tar\.gz|tgz|tar)$/.test(n)))
    .sort()
    .map((n) => join(dir, n));
}

export function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(join(SCENARIOS_DIR, name, 'expected.json'), 'utf8')) as Expected;
}

const cache = new Map<string, Promise<{ snapshot: Snapshot; analysis: Analysis }>>();

export function analyzed(name: string): Promise<{ snapshot: Snapshot; analysis: Analysis }> {
  let p = cache.get(name);
  if (!p) {
    p = loadSnapshot(bundlePaths(name)).then(({ snapshot }) => ({ snapshot, analysis: analyze(snapshot) }));
    cache.set(name, p);
  }
  return p;
}
