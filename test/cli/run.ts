// Runs the BUILT netsnap (dist/analyzer/cli.js, `npx tsc -p tsconfig.json` first) as a user would:
// a child process with its own cwd and env, stdout and stderr kept apart, the exit code.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

/** folders tmp() made, removed when the test process exits (they used to pile up in /tmp) */
const made: string[] = [];
process.once('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `netsnap-cli-${prefix}-`));
  made.push(d);
  return d;
}

/** netsnap() without blocking, for tests that run side by side (it.concurrent) */
export function netsnapAsync(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out, err, errLines: err.split('\n').filter((l, i, a) => l || i < a.length - 1) });
    });
  });
}
