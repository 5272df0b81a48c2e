// Shared by the diff tests: the article scenario (before), its fixed collection (after), copies
// of bundles to damage, and an in-process `netsnap diff` with stdout/stderr captured.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { run } from '../../analyzer/commands/diff.js';
import { bundlePaths, SCENARIOS_DIR } from '../scenario-helpers.js';

export const BEFORE = 'article-full-story';
export const AFTER = 'article-fixes-applied';
export const before = (): string[] => bundlePaths(BEFORE);
export const after = (): string[] => bundlePaths(AFTER);

/** a temporary copy of a scenario's bundles; remove it with the returned cleanup */
export function copyScenario(name: string): { dir: string; paths: string[]; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-diff-'));
  for (const b of readdirSync(join(SCENARIOS_DIR, name)).filter((n) => n.startsWith('netsnap-')))
    cpSync(join(SCENARIOS_DIR, name, b), join(dir, b), { recursive: true });
  const paths = readdirSync(dir)
    .sort()
    .map((n) => join(dir, n));
  return { dir, paths, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** edit one file of a copied bundle; throws when the edit changes nothing (the test would prove nothing) */
export function editFile(bundleDir: string, path: string, edit: (text: string) => string): void {
  const p = join(bundleDir, path);
  const text = readFileSync(p, 'utf8');
  const next = edit(text);
  if (next === text) throw new Error(`edit of ${path} changed nothing`);
  writeFileSync(p, next);
}

export async function diffCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await run(args);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

export interface DiffJson {
  schema: string;
  node?: string;
  before: { bundles: { id: string }[]; collectedAt?: string };
  after: { bundles: { id: string }[]; collectedAt?: string };
  summary: Record<string, number>;
  exitCode: number;
  findings: {
    id: string;
    category: string;
    before: { status: string; ruleId: string } | null;
    after: { status: string; ruleId: string } | null;
    explainedBy: string[];
  }[];
  rootsBefore: { id: string; symptoms: string[] }[];
  rootsAfter: { id: string; symptoms: string[] }[];
  sources: {
    key: string;
    kind: string;
    change: string;
    node?: string;
    chain?: string;
    before?: string;
    after?: string;
    beforeRef?: { bundle: string; path: string; line?: number; pointer?: string; quote: string };
    afterRef?: { bundle: string; path: string; line?: number; pointer?: string; quote: string };
  }[];
}

/** ids per category, sorted */
export function byCategory(j: DiffJson): Record<string, string[]> {
  const out: Record<string, string[]> = {
    fixed: [],
    'still-failing': [],
    new: [],
    'changed-status': [],
    unchanged: [],
  };
  for (const f of j.findings) (out[f.category] ??= []).push(f.id);
  for (const k of Object.keys(out)) out[k]?.sort();
  return out;
}
