// A collection's index (collection.json, written by `netsnap collect` beside the bundles) joined to
// the Snapshot: parsed with the schema of bundle/collection-index.ts and served by the FileIndex as
// the file `collection.json` of a pseudo-bundle, so a finding about a node that was never
// collected (BND-905) cites `collection.json#/nodes/3` like any other evidence.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { COLLECTION_FILE, parseCollectionIndex, type CollectionIndex } from '../bundle/collection-index.js';
import type { LoadProblem } from '../core/problem.js';
import { createFileIndex } from './files.js';
import type { FileIndex, FileRef, Snapshot } from './types.js';

/** the bundle id collection.json is served under (no bundle file can have this basename) */
export const COLLECTION_BUNDLE = '(collection)';
/** a collection.json is a few hundred bytes per node; anything far larger is not ours */
const MAX_INDEX_BYTES = 64 << 20;

export interface SnapshotCollection {
  readonly index: CollectionIndex;
  /** where the index is served: {bundle: COLLECTION_BUNDLE, path: 'collection.json'} */
  readonly ref: FileRef;
  /** the folder it was read from */
  readonly origin: string;
}

export interface FoundCollection {
  readonly origin: string;
  readonly bytes: Buffer;
}

/** Pure: the Snapshot with the collection attached (or a problem naming collection.json). */
export function withCollection(s: Snapshot, found: FoundCollection | undefined): Snapshot {
  if (!found) return s;
  const parsed = parseCollectionIndex(found.bytes);
  if (!parsed.ok) {
    const problem: LoadProblem = {
      file: join(found.origin, COLLECTION_FILE),
      message: `collection index not read (${parsed.message}); nodes that were not collected are not reported`,
      severity: 'warning',
      code: 'bad-json',
    };
    return { ...s, problems: [...s.problems, problem] };
  }
  const ref: FileRef = { bundle: COLLECTION_BUNDLE, path: COLLECTION_FILE };
  const own = createFileIndex([
    { id: COLLECTION_BUNDLE, origin: found.origin, files: new Map([[COLLECTION_FILE, found.bytes]]), problems: [] },
  ]);
  return { ...s, files: joinedIndex(s.files, own), collection: { index: parsed.index, ref, origin: found.origin } };
}

/**
 * The collection.json of a `netsnap collect` folder: in a folder given as it is (a folder of
 * bundles), or beside given bundles (`netsnap analyze out/*.tar.gz`) when it names one of them.
 */
export function findCollection(paths: readonly string[]): FoundCollection | undefined {
  for (const path of paths) {
    try {
      const isDir = statSync(path).isDirectory();
      if (isDir && !existsSync(join(path, 'manifest.json'))) {
        const found = readIndex(path);
        if (found) return found;
        continue;
      }
      const found = readIndex(dirname(path));
      if (!found) continue;
      const parsed = parseCollectionIndex(found.bytes);
      const named = parsed.ok ? [parsed.index.cluster.bundle, ...parsed.index.nodes.map((n) => n.bundle)] : [];
      if (named.includes(basename(path))) return found;
    } catch {
      continue;
    }
  }
  return undefined;
}

function readIndex(dir: string): FoundCollection | undefined {
  const file = join(dir, COLLECTION_FILE);
  if (!existsSync(file) || statSync(file).size > MAX_INDEX_BYTES) return undefined;
  return { origin: dir, bytes: readFileSync(file) };
}

function joinedIndex(base: FileIndex, own: FileIndex): FileIndex {
  const pick = (ref: FileRef): FileIndex => (ref.bundle === COLLECTION_BUNDLE ? own : base);
  return {
    list: (bundle) =>
      bundle === undefined
        ? [...base.list(), ...own.list()]
        : bundle === COLLECTION_BUNDLE
          ? own.list()
          : base.list(bundle),
    has: (ref) => pick(ref).has(ref),
    size: (ref) => pick(ref).size(ref),
    lines: (ref, from, to) => pick(ref).lines(ref, from, to),
    lineCount: (ref) => pick(ref).lineCount(ref),
    pointer: (ref, pointer) => pick(ref).pointer(ref, pointer),
  };
}
