// Where the installed package is, and its version: one version for the CLI, the collector and the
// kubectl plugin, read from package.json (never a literal). Light on purpose: `netsnap --version`
// loads only this.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** the package root: the nearest parent holding package.json named netsnap */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && /"name":\s*"netsnap"/.test(readFileSync(pj, 'utf8'))) return dir;
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

/** the package's version, from its package.json (one version for the CLI and the collector) */
export function packageVersion(root = packageRoot()): string {
  try {
    const v = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}
