// Runs the BUILT netsnap (dist/analyzer/cli.js, `npx tsc -p tsconfig.json` first) as a user would:
// a child process with its own cwd and env, stdout and stderr kept apart, the exit code.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'analyzer', 'cli.js');
export const DEMO = join(ROOT, 'fixtures', 'scenarios', 'article-full-story');

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`);

export interface Ran {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  /** stderr's lines without the trailing empty one */
  readonly errLines: string[];
}

export function netsnap(args: readonly string[], opts: SpawnSyncOptions & { bin?: string } = {}): Ran {
  const { bin, ...rest } = opts;
  const r = spawnSync(bin ?? process.execPath, bin ? [...args] : [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    ...rest,
    env: { ...process.env, NO_COLOR: '1', ...rest.env },
  });
  const err = String(r.stderr ?? '');
  return {
    code: r.status,
    out: String(r.stdout ?? ''),
    err,
    errLines: err.split('\n').filter((l, i, a) => l || i < a.length - 1),
  };
}

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `netsnap-cli-${prefix}-`));
}
