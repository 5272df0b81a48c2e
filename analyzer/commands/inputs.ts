// What every command that takes bundles does with its paths: --demo, load, then decide which of
// what was read is a bundle at all. A path that yields no readable bundle (an empty folder, random
// bytes, a tarball of unrelated files, /etc/hostname) is named on one line with the reason; when
// nothing is left the command exits 2 before any report (or the TUI) starts; when some is left
// it analyzes that and says on stderr what it skipped.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RawBundle } from '../bundle/types.js';
import { entryCount } from '../bundle/entries.js';
import type { LoadProblem } from '../core/problem.js';
import { buildSnapshot } from '../model/build.js';
import { loadSnapshot, type Loaded, type LoadOptions } from '../model/load.js';
import type { Snapshot } from '../model/types.js';
import { inertLine } from '../text/inert.js';
import { packageRoot } from './package-root.js';

export { packageRoot, packageVersion } from './package-root.js';

export const DEMO_DIR = join('fixtures', 'scenarios', 'article-full-story');

/** the demo bundles shipped with the package: the field write-up's three nodes */
export function demoBundles(root = packageRoot()): string[] {
  const dir = join(root, DEMO_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory() || /\.(tar\.gz|tgz|tar)$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * a bundle named by its id (what reports and fix commands print, e.g. `netsnap inspect
 * netsnap-worker-1-20241120T093047Z`) is its archive when only that exists
 */
function byId(p: string): string {
  if (existsSync(p)) return p;
  return ['.tar.gz', '.tgz', '.tar'].map((ext) => p + ext).find((f) => existsSync(f)) ?? p;
}

/** the bundle paths a command was given: its positionals plus the demo's with --demo; usage error text when none */
export function bundlePaths(positionals: readonly string[], demo: boolean | undefined): string[] | string {
  const extra = demo ? demoBundles() : [];
  if (demo && extra.length === 0) return `the demo bundles (${DEMO_DIR}) are not installed`;
  const paths = [...positionals.map(byId), ...extra].map((p) => resolve(p));
  return paths.length ? paths : 'no bundle given';
}

export interface Skipped {
  /** the path as read (the archive or folder) */
  readonly path: string;
  readonly why: string;
}

export interface Inputs extends Loaded {
  /** what was read but is not a bundle, and what could not be opened */
  readonly skipped: readonly Skipped[];
}

/** a message without the path it is about in front (the path is printed once, before it) */
function reason(path: string, message: string): string {
  let m = message;
  for (const p of [path, basename(path)]) if (p && m.startsWith(`${p}: `)) m = m.slice(p.length + 2);
  return m;
}

/**
 * a raw is a bundle when netsnap-collect.sh's manifest was read, or when some of its files gave
 * host or cluster data (an unpacked bundle without its manifest still counts)
 */
function notABundle(raw: RawBundle, s: Snapshot): string | undefined {
  if (raw.manifest) return undefined;
  const host = [...s.hosts.values()].some((h) => h.bundle === raw.id);
  const cluster = [...(s.cluster.fileOwners?.values() ?? [])].includes(raw.id);
  if (host || cluster) return undefined;
  const err = raw.problems.find((p) => p.severity === 'error' && p.file !== 'manifest.json');
  if (err) return reason(raw.origin, err.message);
  if (entryCount(raw) === 0) return 'no bundle here: no manifest.json and no files netsnap reads';
  return `not a bundle: no manifest.json and none of its ${entryCount(raw)} file(s) is one netsnap reads`;
}

/** load `paths` and sort out what is not a bundle; the snapshot holds only the bundles */
export async function loadInputs(paths: readonly string[], opts: LoadOptions = {}): Promise<Inputs> {
  const loaded = await loadSnapshot(paths, opts);
  const skipped: Skipped[] = loaded.unreadable.map((p) => ({ path: p.file, why: reason(p.file, p.message) }));
  const keep: RawBundle[] = [];
  for (const raw of loaded.raws) {
    const why = notABundle(raw, loaded.snapshot);
    if (why === undefined) keep.push(raw);
    else skipped.push({ path: raw.origin, why });
  }
  if (keep.length === loaded.raws.length) return { ...loaded, skipped };
  const problems: LoadProblem[] = [...loaded.unreadable];
  const built = keep.length ? buildSnapshot(keep, opts) : loaded.snapshot;
  const snapshot = problems.length ? { ...built, problems: [...problems, ...built.problems] } : built;
  return { snapshot, raws: keep, unreadable: loaded.unreadable, skipped };
}

/**
 * print what was skipped, one line each; returns 2 when no bundle is left (the lines are then the
 * error), undefined when the command goes on
 */
export function reportSkipped(cmd: string, inputs: Inputs): 2 | undefined {
  const none = inputs.raws.length === 0;
  for (const s of inputs.skipped)
    process.stderr.write(`netsnap ${cmd}: ${none ? '' : 'skipped '}${inertLine(s.path)}: ${inertLine(s.why)}\n`);
  if (none && inputs.skipped.length === 0) process.stderr.write(`netsnap ${cmd}: no bundle could be read\n`);
  return none ? 2 : undefined;
}
