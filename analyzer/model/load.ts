// loadSnapshot: the thin I/O shell around buildSnapshot. Reads each path with the bundle reader
// (unique ids), then builds the Snapshot. A path that cannot be opened at all becomes a
// LoadProblem (code "unreadable") so the other bundles still load; callers decide whether an
// empty result is fatal.
import { BundleOpenError, readBundle, uniqueIds } from '../bundle/read.js';

export { uniqueIds };
import type { RawBundle, ReadLimits, ReadProgress } from '../bundle/types.js';
import type { LoadProblem } from '../core/problem.js';
import type { Snapshot } from './types.js';
import { buildSnapshot, type BuildOptions } from './build.js';
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
  /** paths that could not be opened (also in snapshot.problems) */
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

export async function loadSnapshot(paths: readonly string[], opts: LoadOptions = {}): Promise<Loaded> {
  const ids = uniqueIds(paths);
  const raws: RawBundle[] = [];
  const unreadable: LoadProblem[] = [];
  for (const [i, path] of paths.entries()) {
    try {
      // one bundle: its lists are parsed as they arrive, while the rest is still decompressing.
      // With several, the newest bundle's lists win and it is not known yet which one that is.
      const onFile = paths.length === 1 ? loadEarly(ids[i] as string, path, opts) : undefined;
      raws.push(
        await readBundle(path, {
          limits: opts.limits,
          onProgress: opts.onProgress,
          id: ids[i],
          ...(onFile ? { onFile } : {}),
        }),
      );
    } catch (err) {
      if (!(err instanceof BundleOpenError)) throw err;
      unreadable.push({
        file: path,
        message: `${err.message}; check the path and permissions`,
        severity: 'error',
        code: LOAD_PROBLEM_CODES.unreadable,
      });
    }
  }
  const built = buildSnapshot(raws, opts);
  const snapshot: Snapshot = unreadable.length ? { ...built, problems: [...unreadable, ...built.problems] } : built;
  return { snapshot, raws, unreadable };
}
