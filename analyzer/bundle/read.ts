// The only reader of bundle bytes. A bundle is untrusted: it is streamed (never extracted to
// disk), every entry name is checked, links and devices are refused, and sizes and counts are
// capped. Whatever goes wrong becomes a LoadProblem; what was read before it is kept.
import { promises as fsp } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { formatBytes } from './limits.js';
import { ManifestSchema, FORMAT_VERSION, type Manifest } from './manifest.js';
import { jsonNestingExceeds, jsonTooDeepMessage } from '../core/json-depth.js';
import type { RawBundle, SpilledEntry } from './types.js';
import {
  bundleIdFromPath,
  checkEntryName,
  makeCollector,
  readArchive,
  spillEntry,
  type Collector,
  type ReadOptions,
} from './archive.js';
import { WORKER_MIN_BYTES, readArchiveInWorker, workerAvailable } from './read-in-worker.js';
import { safeParseInPlace } from '../zod/in-place.js';

export { bundleIdFromPath, checkEntryName, type ReadOptions };

/** Thrown only when the path itself cannot be opened; everything inside a bundle is a problem. */
export class BundleOpenError extends Error {}

/** folders deeper than this inside a bundle are not read (a bundle is at most a few levels deep) */
const MAX_DIR_DEPTH = 32;

/** why a path could not be read, from its errno code */
function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENAMETOOLONG') return 'path too long for this system (ENAMETOOLONG); not read';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code}); not read`;
  if (code === 'ELOOP') return 'too many levels of symbolic links (ELOOP); not read';
  return `could not be read (${code ?? (e as Error).message}); not read`;
}

async function readDirectory(c: Collector, root: string): Promise<void> {
  const walk = async (rel: string, depth: number): Promise<boolean> => {
    const dir = rel ? join(root, rel) : root;
    let names: string[];
    try {
      names = (await fsp.readdir(dir)).sort();
    } catch (e) {
      if (!rel) throw e;
      c.refuse(`fs:${(e as NodeJS.ErrnoException).code ?? 'other'}`, `${rel}/`, fsReason(e));
      return true;
    }
    for (const name of names) {
      const relPath = rel ? posix.join(rel, name) : name;
      let st;
      try {
        st = await fsp.lstat(join(root, relPath));
      } catch (e) {
        c.refuse(`fs:${(e as NodeJS.ErrnoException).code ?? 'other'}`, relPath, fsReason(e));
        continue;
      }
      if (st.isDirectory()) {
        if (depth >= MAX_DIR_DEPTH) {
          c.refuse('too-deep', `${relPath}/`, `folder more than ${MAX_DIR_DEPTH} levels deep; not read`);
          continue;
        }
        if (!(await walk(relPath, depth + 1))) return false;
        continue;
      }
      if (!st.isFile()) {
        c.refuse(
          st.isSymbolicLink() ? 'symlink' : 'special',
          relPath,
          `refused ${st.isSymbolicLink() ? 'symbolic link' : 'special file'}: bundles may only hold regular files`,
        );
        continue;
      }
      const verdict = checkEntryName(relPath);
      if ('reason' in verdict) {
        c.refuse(`name:${verdict.reason.replace(/\d+/g, 'N')}`, relPath, `refused file: ${verdict.reason}`);
        continue;
      }
      if (c.entries >= c.limits.maxEntries) {
        c.problem(relPath, `more than ${c.limits.maxEntries} files; stopped reading`);
        return false;
      }
      if (st.size > c.limits.maxEntryBytes) {
        c.refuse(
          'over-entry-cap',
          relPath,
          `file of ${formatBytes(st.size)} is over the ${formatBytes(c.limits.maxEntryBytes)} per-entry cap; skipped`,
        );
        continue;
      }
      if (c.bytes + st.size > c.limits.maxTotalBytes) {
        c.problem(relPath, `bundle passed the ${formatBytes(c.limits.maxTotalBytes)} total cap; stopped reading`);
        return false;
      }
      c.progress(relPath);
      if (st.size >= c.limits.spillMinBytes) {
        // copied into the spill rather than read in place later: evidence then quotes the bytes
        // that were parsed even if the folder changes meanwhile (a collector still writing, an
        // edit), and no fd per large file stays open; the cost is one copy into the page cache
        const spilled = await spillFile(c, join(root, relPath), relPath, st.size);
        if (spilled) {
          c.entries++;
          c.accept(relPath, spilled);
        }
        continue;
      }
      let buf;
      try {
        buf = await fsp.readFile(join(root, relPath));
      } catch (e) {
        c.refuse(`fs:${(e as NodeJS.ErrnoException).code ?? 'other'}`, relPath, fsReason(e));
        continue;
      }
      c.bytes += buf.length;
      c.entries++;
      c.accept(relPath, buf);
    }
    return true;
  };
  await walk('', 0);
  c.finish();
}

/** one large directory file into the spill, at most the size it had when listed */
async function spillFile(c: Collector, full: string, relPath: string, size: number): Promise<SpilledEntry | undefined> {
  let fh;
  try {
    fh = await fsp.open(full, 'r');
  } catch (e) {
    c.refuse(`fs:${(e as NodeJS.ErrnoException).code ?? 'other'}`, relPath, fsReason(e));
    return undefined;
  }
  try {
    const chunks = async function* (): AsyncGenerator<Buffer> {
      let pos = 0;
      while (pos < size) {
        const buf = Buffer.allocUnsafe(Math.min(1 << 20, size - pos));
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return;
        pos += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
    };
    return await spillEntry(c, chunks(), size, relPath, () => false);
  } catch (e) {
    c.refuse(`fs:${(e as NodeJS.ErrnoException).code ?? 'other'}`, relPath, fsReason(e));
    return undefined;
  } finally {
    await fh.close();
  }
}

/** A tarball made from a folder (`tar czf x.tgz netsnap-node-.../`) has one top directory. */
function stripSingleTopDir<B>(
  files: Map<string, Buffer>,
  spilled: Map<string, B>,
): { files: Map<string, Buffer>; spilled: Map<string, B> } {
  const same = { files, spilled };
  const has = (p: string) => files.has(p) || spilled.has(p);
  if (files.size + spilled.size === 0 || has('manifest.json')) return same;
  const tops = new Set([...files.keys(), ...spilled.keys()].map((p) => p.split('/')[0]));
  if (tops.size !== 1) return same;
  const [top] = tops;
  if (!has(`${top}/manifest.json`)) return same;
  const strip = <V>(m: Map<string, V>) => new Map([...m].map(([p, b]) => [p.slice(top!.length + 1), b]));
  return { files: strip(files), spilled: strip(spilled) };
}

function readManifest(
  c: Collector,
  files: Map<string, Buffer>,
  spilled: Map<string, SpilledEntry>,
): Manifest | undefined {
  // read back whole when spilled (only with a tiny spillMinBytes: a manifest is a few KB)
  const buf = files.get('manifest.json') ?? spilled.get('manifest.json')?.read();
  if (!buf) {
    c.problem(
      'manifest.json',
      'no manifest.json: not written by netsnap-collect.sh, or cut short; files are recognised by path and nothing is known about sources that are absent',
      'warning',
    );
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    c.problem('manifest.json', `not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
  // a manifest nested past the cap is not read: redact's JSON.stringify of it would overflow the stack
  if (jsonNestingExceeds(json)) {
    c.problem('manifest.json', jsonTooDeepMessage());
    return undefined;
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== FORMAT_VERSION) {
    c.problem(
      'manifest.json',
      `unknown formatVersion ${JSON.stringify(version)}; this netsnap reads formatVersion ${FORMAT_VERSION} (upgrade netsnap, or re-collect with a matching collector)`,
    );
    return undefined;
  }
  const parsed = safeParseInPlace(ManifestSchema, json);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    c.problem('manifest.json', `invalid manifest: ${first.join('; ')}`);
    return undefined;
  }
  return parsed.data;
}

async function sniff(path: string): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Read one bundle (.tar.gz, .tgz, .tar or an unpacked directory) into memory. */
export async function readBundle(path: string, opts: ReadOptions = {}): Promise<RawBundle> {
  let st;
  try {
    st = await fsp.stat(path);
  } catch (e) {
    throw new BundleOpenError(`${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const c = makeCollector(path, opts);
  if (st.isDirectory()) {
    await readDirectory(c, path);
  } else {
    const head = await sniff(path);
    const gzipped = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    const looksTar = head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
    if (!gzipped && !looksTar) {
      c.problem(
        basename(path),
        'not a bundle: neither gzip nor tar data (expected a .tar.gz written by netsnap-collect.sh, or its unpacked directory)',
      );
    } else if (
      gzipped &&
      (opts.worker === true || (opts.worker !== false && st.size >= WORKER_MIN_BYTES)) &&
      workerAvailable()
    ) {
      await readArchiveInWorker(c, path);
    } else {
      await readArchive(c, path, gzipped);
    }
  }
  const { files, spilled } = stripSingleTopDir(c.files, c.spilled);
  const manifest = readManifest(c, files, spilled);
  c.progress(undefined);
  opts.onProgress?.({ bundlePath: path, bytesRead: c.bytes, entriesRead: c.entries });
  return { id: c.id, origin: path, manifest, files, ...(spilled.size ? { spilled } : {}), problems: c.problems };
}

/** `a`, `a~2`, `a~3`...: two bundles with the same file name still get distinct ids */
export function uniqueIds(paths: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const base = bundleIdFromPath(p);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n > 1 ? `${base}~${n}` : base;
  });
}

/** Read several bundles, giving each a unique id. */
export async function readBundles(paths: readonly string[], opts: Omit<ReadOptions, 'id'> = {}): Promise<RawBundle[]> {
  const ids = uniqueIds(paths);
  const out: RawBundle[] = [];
  for (const [i, p] of paths.entries()) out.push(await readBundle(p, { ...opts, id: ids[i] }));
  return out;
}
