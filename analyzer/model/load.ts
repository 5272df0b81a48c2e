// loadSnapshot: the thin I/O shell around buildSnapshot. Expands each path (a bundle, or a folder
// of bundles: bundle/inputs.ts), reads each bundle with the bundle reader (unique ids), then builds
// the Snapshot. Whatever yields no bundle (a path that cannot be opened, random bytes, a tarball of
// unrelated files, an empty folder) becomes a LoadProblem with code "unreadable" naming the path
// and why, one per input, so the other bundles still load; callers decide whether an empty result
// is fatal. Parts of a folder of bundles that are skipped are "unreadable" warnings.
import { expandInputs, notABundle, type Candidate } from '../bundle/inputs.js';
import { BundleOpenError, readBundle, uniqueIds } from '../bundle/read.js';

export { uniqueIds };
import type { RawBundle, ReadLimits, ReadProgress } from '../bundle/types.js';
import type { LoadProblem } from '../core/problem.js';
import type { Snapshot } from './types.js';
import { basename } from 'node:path';
import { buildSnapshot, type BuildOptions } from './build.js';
import { findCollection, withCollection } from './collection.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { BundleReader } from './reader.js';
import { listSchemaOf } from './cluster.js';
import { loadListEarly } from './lists.js';

export interface LoadOptions extends BuildOptions {
  readonly limits?: Partial<ReadLimits>;
  readonly onProgress?: (p: ReadProgress) => void;
}

export interface Loaded {
  readonly snapshot: Snapshot;
  readonly raws: RawBundle[];
  /**
   * what yielded no bundle, code "unreadable" (also in snapshot.problems): one error per input
   * that gave none, one warning per skipped part of a folder of bundles that gave some
   */
  readonly unreadable: readonly LoadProblem[];
}

/** the reader's onFile: cluster lists go through loadListEarly (lists.ts) as soon as they are read */
function loadEarly(id: string, origin: string, opts: LoadOptions): (path: string, bytes: Buffer) => void {
  return (path, bytes) => {
    const schema = listSchemaOf(path);
    if (!schema) return;
    const one: RawBundle = { id, origin, files: new Map([[path, bytes]]), problems: [] };
    loadListEarly(new BundleReader(one, opts.largeJsonBytes), path, schema);
  };
}

const unreadableProblem = (file: string, why: string, severity: 'error' | 'warning'): LoadProblem => ({
  file,
  message: `${file}: ${why}`,
  severity,
  code: LOAD_PROBLEM_CODES.unreadable,
});

/** read one candidate; the reason it gave no bundle, or the bundle */
async function readCandidate(c: Candidate, id: string, opts: LoadOptions, early: boolean): Promise<RawBundle | string> {
  try {
    const raw = await readBundle(c.path, {
      limits: opts.limits,
      onProgress: opts.onProgress,
      id,
      // one bundle: its lists are parsed as they arrive, while the rest is still decompressing.
      // With several, the newest bundle's lists win and it is not known yet which one that is.
      ...(early ? { onFile: loadEarly(id, c.path, opts) } : {}),
    });
    return notABundle(raw) ?? raw;
  } catch (err) {
    if (!(err instanceof BundleOpenError)) throw err;
    const m = err.message.startsWith(`${c.path}: `) ? err.message.slice(c.path.length + 2) : err.message;
    return `${m}; check the path and permissions`;
  }
}

export async function loadSnapshot(paths: readonly string[], opts: LoadOptions = {}): Promise<Loaded> {
  const { candidates, notes } = await expandInputs(paths);
  const ids = uniqueIds(candidates.map((c) => c.path));
  const raws: RawBundle[] = [];
  const failed = new Map<string, { path: string; why: string }[]>();
  for (const [i, c] of candidates.entries()) {
    const got = await readCandidate(c, ids[i] as string, opts, candidates.length === 1);
    if (typeof got !== 'string') raws.push(got);
    else failed.set(c.input, [...(failed.get(c.input) ?? []), { path: c.path, why: got }]);
  }
  const gave = new Set(raws.map((r) => candidates.find((c) => c.path === r.origin)?.input));
  const unreadable: LoadProblem[] = [];
  for (const input of paths) {
    const fails = failed.get(input) ?? [];
    const skipped = notes.filter((n) => n.input === input);
    if (gave.has(input)) {
      for (const f of fails) unreadable.push(unreadableProblem(f.path, f.why, 'warning'));
      for (const n of skipped) unreadable.push(unreadableProblem(n.path, n.why, 'warning'));
      continue;
    }
    // nothing from this input: one problem naming it and why
    const only = fails.length === 1 && fails[0]?.path === input ? fails[0] : undefined;
    if (only) unreadable.push(unreadableProblem(input, only.why, 'error'));
    else if (fails.length === 0)
      unreadable.push(unreadableProblem(input, skipped[0]?.why ?? 'no bundle here', 'error'));
    else {
      const shown = fails.slice(0, 3).map((f) => `${basename(f.path)}: ${f.why}`);
      const more = fails.length > 3 ? `; and ${fails.length - 3} more` : '';
      unreadable.push(
        unreadableProblem(input, `no readable bundle in this folder (${shown.join('; ')}${more})`, 'error'),
      );
    }
  }
  const built = buildSnapshot(raws, opts);
  const snapshot: Snapshot = withCollection(
    unreadable.length ? { ...built, problems: [...unreadable, ...built.problems] } : built,
    findCollection(paths), // a `netsnap collect` folder's index (BND-905), given or beside the bundles
  );
  return { snapshot, raws, unreadable };
}
