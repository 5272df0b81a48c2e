// What the bundle rules' passes rest on: each bundle's manifest.json (the collector's record of
// every source, a collected file like any other), or for a bundle without a manifest (loose files,
// a pasted fragment) the files it holds.
import type { FileRef, Snapshot } from '../../model/types.js';
import { pushAll } from '../../core/arrays.js';

export const MANIFEST = 'manifest.json';

export function manifestRef(s: Snapshot, bundle: string): FileRef | undefined {
  const ref = { bundle, path: MANIFEST };
  return s.files.has(ref) ? ref : undefined;
}

/** every bundle's manifest.json, else its files */
export function bundlesBasis(s: Snapshot): FileRef[] {
  const out: FileRef[] = [];
  for (const b of s.bundles) {
    const m = manifestRef(s, b.id);
    if (m) out.push(m);
    else pushAll(out, s.files.list(b.id));
  }
  return out;
}
