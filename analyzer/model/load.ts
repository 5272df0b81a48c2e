// loadSnapshot: the thin I/O shell around buildSnapshot. Expands each path (a bundle, or a folder
// of bundles: bundle/inputs.ts), reads each bundle with the bundle reader (unique ids), then builds
// the Snapshot. Whatever yields no bundle (a path that cannot be opened, random bytes, a tarball of
// unrelated files, an empty folder) becomes a LoadProblem with code "unreadable" naming the path
// and why, one per input, so the other bundles still load; callers decide whether an empty result
// is fatal. Parts of a folder of bundles that are skipped are "unreadable" warnings.
import { readInputs } from '../bundle/inputs.js';
import { uniqueIds } from '../bundle/read.js';

export { uniqueIds };
import type { RawBundle, ReadLimits, ReadProgress, SpilledEntry } from '../bundle/types.js';
import type { LoadProblem } from '../core/problem.js';
import type { Snapshot } from './types.js';
import { buildSnapshot, type BuildOptions } from './build.js';
import { findCollection, withCollection } from './collection.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { BundleReader } from './reader.js';
import { listSchemaOf } from './cluster.js';
import { keepFullObjects, loadListEarly } from './lists.js';

export interface LoadOptions extends BuildOptions {
  readonly limits?: Partial<ReadLimits>;
  /** whole list items instead of lean ones (lists.ts keepFullObjects): for rule packs */
  readonly fullObjects?: boolean;
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
function loadEarly(
  id: string,
  origin: string,
  opts: LoadOptions,
): (path: string, bytes: Buffer | SpilledEntry) => void {
  return (path, bytes) => {
    const schema = listSchemaOf(path);
    if (!schema) return;
    // a spilled list is parsed from its spill windows as soon as it is written, like a heap one
    const one: RawBundle = Buffer.isBuffer(bytes)
      ? { id, origin, files: new Map([[path, bytes]]), problems: [] }
      : { id, origin, files: new Map(), spilled: new Map([[path, bytes]]), problems: [] };
    if (opts.fullObjects) keepFullObjects(one);
    loadListEarly(new BundleReader(one, opts.largeJsonBytes), path, schema);
  };
}

export async function loadSnapshot(paths: readonly string[], opts: LoadOptions = {}): Promise<Loaded> {
  const { raws, skipped } = await readInputs(paths, {
    limits: opts.limits,
    onProgress: opts.onProgress,
    // one bundle: its lists are parsed as they arrive, while the rest is still decompressing.
    // With several, the newest bundle's lists win and it is not known yet which one that is.
    onFileOf: (id, path) => loadEarly(id, path, opts),
  });
  const unreadable: LoadProblem[] = skipped.map((s) => ({
    file: s.path,
    message: `${s.path}: ${s.why}`,
    severity: s.severity,
    code: LOAD_PROBLEM_CODES.unreadable,
  }));
  if (opts.fullObjects) for (const raw of raws) keepFullObjects(raw);
  const built = buildSnapshot(raws, opts);
  const snapshot: Snapshot = withCollection(
    unreadable.length ? { ...built, problems: [...unreadable, ...built.problems] } : built,
    findCollection(paths), // a `netsnap collect` folder's index (BND-905), given or beside the bundles
  );
  return { snapshot, raws, unreadable };
}
