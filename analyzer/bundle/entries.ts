// A bundle's files wherever their bytes are: in the heap (RawBundle.files) or in the spill file
// (RawBundle.spilled, spill.ts). Callers that ask "is it there", "how big" or "which paths" must
// use these, so a spilled file is never taken for an absent one.
import type { RawBundle } from './types.js';
import { spillOf, type SpilledEntry } from './spill.js';

export type EntryBytes = Buffer | SpilledEntry;

/** the entry at path: its Buffer, or its SpilledEntry */
export function entryOf(raw: RawBundle, path: string): EntryBytes | undefined {
  return raw.files.get(path) ?? raw.spilled?.get(path);
}

export function hasEntry(raw: RawBundle, path: string): boolean {
  return raw.files.has(path) || (raw.spilled?.has(path) ?? false);
}

export function entrySize(raw: RawBundle, path: string): number | undefined {
  return entryOf(raw, path)?.length;
}

/** every path, in reading order for heap files then spilled ones (sort where order matters) */
export function entryPaths(raw: RawBundle): string[] {
  return raw.spilled?.size ? [...raw.files.keys(), ...raw.spilled.keys()] : [...raw.files.keys()];
}

export function entryCount(raw: RawBundle): number {
  return raw.files.size + (raw.spilled?.size ?? 0);
}

/** the whole bytes; a spilled entry is read back into a new Buffer (transient: do not keep it) */
export function entryBytes(raw: RawBundle, path: string): Buffer | undefined {
  return wholeBytes(entryOf(raw, path));
}

export function wholeBytes(e: EntryBytes | undefined): Buffer | undefined {
  return e === undefined || Buffer.isBuffer(e) ? e : e.read();
}

/** [path, whole bytes] of every entry; spilled ones read back one at a time as iterated */
export function* allEntries(raw: RawBundle): Generator<[string, Buffer]> {
  yield* raw.files;
  for (const [path, e] of raw.spilled ?? []) yield [path, e.read()];
}

/** close the bundle's spill file now instead of when the bundle is garbage; its spilled bytes are gone */
export function closeBundle(raw: RawBundle): void {
  for (const e of raw.spilled?.values() ?? []) spillOf(e)?.close();
}
