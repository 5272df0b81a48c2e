// What a path given to netsnap stands for (issue 20): a bundle (an archive, or a folder holding
// manifest.json, or a manifest-less folder holding a bundle's host/ or cluster/ folders, e.g. a
// partial bundle pasted into a ticket), or else a folder of bundles: the archives (.tar.gz, .tgz,
// .tar) and folders in it, one level down. Other files there are ignored with a note;
// collection.json (the index `netsnap collect` writes beside the bundles) is left alone.
import { entryCount, entryPaths, hasEntry } from './entries.js';
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { BundleOpenError, readBundle, uniqueIds, type ReadOptions } from './read.js';
import { COLLECTION_FILE } from './collection-index.js';
import { cutName } from './names.js';
import { PATTERN_SOURCES, sourceByPath } from './sources.js';
import type { RawBundle } from './types.js';

export const ARCHIVE_NAME = /\.(tar\.gz|tgz|tar)$/i;
/** ignored files listed one by one in a folder of bundles; the rest are counted */
const NOTES_PER_FOLDER = 10;

/** one path to read as a bundle, and the input it came from */
export interface Candidate {
  readonly path: string;
  readonly input: string;
}

/** something in a folder of bundles that was not read */
export interface Note {
  readonly path: string;
  readonly input: string;
  readonly why: string;
}

export interface Expanded {
  readonly candidates: readonly Candidate[];
  /** ignored files of folders of bundles; an empty folder is a note with no candidate */
  readonly notes: readonly Note[];
}

/** true when a folder is one bundle: it holds manifest.json, host/ or cluster/ */
export function isBundleFolder(names: readonly string[]): boolean {
  return names.includes('manifest.json') || names.includes('host') || names.includes('cluster');
}

/** expand each input: a bundle stays one candidate, a folder of bundles gives its bundles */
export async function expandInputs(inputs: readonly string[]): Promise<Expanded> {
  const candidates: Candidate[] = [];
  const notes: Note[] = [];
  for (const input of inputs) {
    const st = await fsp.stat(input).catch(() => undefined);
    // a path that cannot be opened goes to the reader, which says why
    if (!st?.isDirectory()) {
      candidates.push({ path: input, input });
      continue;
    }
    let names: string[];
    try {
      names = (await fsp.readdir(input)).sort();
    } catch {
      candidates.push({ path: input, input });
      continue;
    }
    if (isBundleFolder(names)) {
      candidates.push({ path: input, input });
      continue;
    }
    const ignored: string[] = [];
    let found = 0;
    for (const name of names) {
      if (name === COLLECTION_FILE) continue;
      const path = join(input, name);
      const s = await fsp.stat(path).catch(() => undefined);
      if (s?.isDirectory() || (s?.isFile() && ARCHIVE_NAME.test(name))) {
        candidates.push({ path, input });
        found++;
      } else ignored.push(name);
    }
    if (found === 0) {
      const what = ignored.length
        ? `none of its ${ignored.length} file(s) is a bundle archive (.tar.gz, .tgz, .tar) or a bundle folder`
        : 'the folder is empty';
      notes.push({
        path: input,
        input,
        why: `no bundle here: no manifest.json, no host/ or cluster/ folder, and ${what}`,
      });
      continue;
    }
    for (const name of ignored.slice(0, NOTES_PER_FOLDER))
      notes.push({
        path: join(input, cutName(name)),
        input,
        why: 'ignored: not a bundle archive (.tar.gz, .tgz, .tar) or a bundle folder',
      });
    if (ignored.length > NOTES_PER_FOLDER)
      notes.push({
        path: input,
        input,
        why: `ignored ${ignored.length - NOTES_PER_FOLDER} more files that are not bundles`,
      });
  }
  return { candidates, notes };
}

const PATTERN_PREFIXES = PATTERN_SOURCES.map((s) => s.path.slice(0, s.path.indexOf('<')));

/** a file netsnap reads: a fixed source path, or under the folder of a named source */
export function isSourcePath(path: string): boolean {
  return sourceByPath(path) !== undefined || PATTERN_PREFIXES.some((p) => p !== '' && path.startsWith(p));
}

/**
 * Why a read bundle is no bundle at all (undefined when it is one): it has the collector's
 * manifest, or at least one file netsnap reads (a bundle without its manifest still counts).
 */
export function notABundle(raw: RawBundle): string | undefined {
  if (raw.manifest) return undefined;
  for (const p of entryPaths(raw)) if (isSourcePath(p)) return undefined;
  const err = raw.problems.find((p) => p.severity === 'error' && p.file !== 'manifest.json');
  if (err) return err.message;
  const bad = raw.problems.find((p) => p.severity === 'error' && p.file === 'manifest.json');
  const count = entryCount(raw);
  const others = count - (hasEntry(raw, 'manifest.json') ? 1 : 0);
  if (bad)
    return `manifest.json: ${bad.message}; and ${others ? 'none of its other files' : 'no other file'} is one netsnap reads`;
  if (count === 0) return 'no bundle here: no manifest.json and no files';
  return `not a bundle: no manifest.json and none of its ${count} file(s) is one netsnap reads`;
}

/** an input (or part of a folder of bundles) that gave no bundle */
export interface Skipped {
  readonly path: string;
  readonly why: string;
  /** error: the input gave no bundle at all; warning: a part of a folder that gave others */
  readonly severity: 'error' | 'warning';
}

export interface InputOptions extends Omit<ReadOptions, 'id' | 'onFile'> {
  /** the reader's onFile for a bundle, asked only when the inputs hold exactly one bundle */
  readonly onFileOf?: (id: string, path: string) => ReadOptions['onFile'];
}

/** read one candidate: the bundle, or why it is none */
async function readCandidate(c: Candidate, opts: ReadOptions): Promise<RawBundle | string> {
  try {
    const raw = await readBundle(c.path, opts);
    return notABundle(raw) ?? raw;
  } catch (err) {
    if (!(err instanceof BundleOpenError)) throw err;
    const m = err.message.startsWith(`${c.path}: `) ? err.message.slice(c.path.length + 2) : err.message;
    return `${m}; check the path and permissions`;
  }
}

/**
 * Expand and read the inputs: the bundles (with unique ids) and what was skipped: one error per
 * input that gave no bundle (naming it and why), one warning per skipped part of a folder of
 * bundles that gave some.
 */
export async function readInputs(
  paths: readonly string[],
  opts: InputOptions = {},
): Promise<{ raws: RawBundle[]; skipped: Skipped[] }> {
  const { onFileOf, ...read } = opts;
  const { candidates, notes } = await expandInputs(paths);
  const ids = uniqueIds(candidates.map((c) => c.path));
  const raws: RawBundle[] = [];
  const gave = new Set<string>();
  const failed = new Map<string, { path: string; why: string }[]>();
  for (const [i, c] of candidates.entries()) {
    const id = ids[i] as string;
    // one bundle: the caller may parse its files as they arrive, while the rest is still read
    const onFile = candidates.length === 1 ? onFileOf?.(id, c.path) : undefined;
    const got = await readCandidate(c, { ...read, id, ...(onFile ? { onFile } : {}) });
    if (typeof got !== 'string') {
      raws.push(got);
      gave.add(c.input);
    } else failed.set(c.input, [...(failed.get(c.input) ?? []), { path: c.path, why: got }]);
  }
  const skipped: Skipped[] = [];
  for (const input of new Set(paths)) {
    const fails = failed.get(input) ?? [];
    const parts = notes.filter((n) => n.input === input);
    if (gave.has(input)) {
      for (const f of [...fails, ...parts]) skipped.push({ path: f.path, why: f.why, severity: 'warning' });
      continue;
    }
    const only = fails.length === 1 && fails[0]?.path === input ? fails[0] : undefined;
    let why: string;
    if (only) why = only.why;
    else if (fails.length === 0) why = parts[0]?.why ?? 'no bundle here';
    else {
      const shown = fails.slice(0, 3).map((f) => `${basename(f.path)}: ${f.why}`);
      const more = fails.length > 3 ? `; and ${fails.length - 3} more` : '';
      why = `no readable bundle in this folder (${shown.join('; ')}${more})`;
    }
    skipped.push({ path: input, why, severity: 'error' });
  }
  return { raws, skipped };
}
