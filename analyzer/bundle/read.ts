// The only reader of bundle bytes. A bundle is untrusted: it is streamed (never extracted to
// disk), every entry name is checked, links and devices are refused, and sizes and counts are
// capped. Whatever goes wrong becomes a LoadProblem; what was read before it is kept.
import { createReadStream, promises as fsp } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { LoadProblem } from '../model/problem.js';
import { formatBytes, resolveLimits } from './limits.js';
import { ManifestSchema, FORMAT_VERSION, type Manifest } from './manifest.js';
import type { RawBundle, ReadLimits, ReadProgress } from './types.js';
import { safeParseInPlace } from '../zod/in-place.js';

export interface ReadOptions {
  readonly limits?: Partial<ReadLimits>;
  readonly onProgress?: (p: ReadProgress) => void;
  /** override the bundle id (default: file or directory name without extension) */
  readonly id?: string;
}

/** Thrown only when the path itself cannot be opened; everything inside a bundle is a problem. */
export class BundleOpenError extends Error {}

export function bundleIdFromPath(path: string): string {
  const base = basename(path.replace(/[/\\]+$/, ''));
  return base.replace(/\.(tar\.gz|tgz|tar)$/i, '') || 'bundle';
}

/** Check a tar/dir entry name; returns the clean relative path or a reason to refuse it. */
export function checkEntryName(name: string): { path: string } | { reason: string } {
  if (name.includes('\0')) return { reason: 'name contains a NUL byte' };
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('\\')) return { reason: 'absolute path' };
  const parts = name.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return { reason: 'path traversal (..)' };
  if (parts.length === 0) return { reason: 'empty name' };
  return { path: parts.join('/') };
}

interface Collector {
  readonly id: string;
  readonly origin: string;
  readonly limits: ReadLimits;
  readonly files: Map<string, Buffer>;
  readonly problems: LoadProblem[];
  entries: number;
  bytes: number;
  progress(current?: string): void;
  problem(file: string, message: string, severity?: 'error' | 'warning'): void;
}

function makeCollector(path: string, opts: ReadOptions): Collector {
  const id = opts.id ?? bundleIdFromPath(path);
  let lastReport = 0;
  const c: Collector = {
    id,
    origin: path,
    limits: resolveLimits(opts.limits),
    files: new Map(),
    problems: [],
    entries: 0,
    bytes: 0,
    progress(current) {
      if (!opts.onProgress) return;
      if (current === undefined && c.bytes - lastReport < 1 << 20) return;
      lastReport = c.bytes;
      opts.onProgress({ bundlePath: path, bytesRead: c.bytes, entriesRead: c.entries, currentFile: current });
    },
    problem(file, message, severity = 'error') {
      c.problems.push({ bundle: id, file, message, severity });
    },
  };
  return c;
}

/** Counts decompressed bytes and stops the stream once the total cap is passed (bomb guard). */
class CapCounter extends Transform {
  total = 0;
  constructor(private readonly cap: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.total += chunk.length;
    if (this.total > this.cap) {
      cb(new CapError(`decompressed data passed the ${formatBytes(this.cap)} total cap; stopped reading (possible decompression bomb)`));
      return;
    }
    cb(null, chunk);
  }
}
class CapError extends Error {}

async function readArchive(c: Collector, path: string, gzipped: boolean): Promise<void> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const counter = new CapCounter(c.limits.maxTotalBytes + 1024 * 1024); // headers and padding on top
  const extract = tar.extract();
  const stages: Readable[] = [file];
  // 1 MiB output chunks instead of 16 KiB: far fewer stream callbacks for a 1 GB bundle
  const gunzip = gzipped ? createGunzip({ chunkSize: 1 << 20 }) : undefined;
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    extract.destroy(e);
  };
  file.on('error', fail);
  counter.on('error', fail);
  if (gunzip) {
    gunzip.on('error', fail);
    file.pipe(gunzip).pipe(counter).pipe(extract);
    stages.push(gunzip);
  } else {
    file.pipe(counter).pipe(extract);
  }
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const verdict = checkEntryName(h.name);
      const shown = 'path' in verdict ? verdict.path : h.name;
      if (h.type === 'directory') {
        entry.resume();
        continue;
      }
      if (h.type !== 'file' && h.type !== 'contiguous-file') {
        c.problem(shown, `refused ${h.type ?? 'unknown'} entry${h.linkname ? ` -> ${h.linkname}` : ''}: bundles may only hold regular files`);
        entry.resume();
        continue;
      }
      if ('reason' in verdict) {
        c.problem(h.name, `refused entry: ${verdict.reason}`);
        entry.resume();
        continue;
      }
      if (c.entries >= c.limits.maxEntries) {
        c.problem(shown, `more than ${c.limits.maxEntries} entries; stopped reading (raise the entry limit to read more)`);
        entry.resume();
        break;
      }
      const size = h.size ?? 0;
      if (size > c.limits.maxEntryBytes) {
        c.problem(shown, `entry of ${formatBytes(size)} is over the ${formatBytes(c.limits.maxEntryBytes)} per-entry cap; skipped`);
        entry.resume();
        continue;
      }
      if (c.bytes + size > c.limits.maxTotalBytes) {
        c.problem(shown, `bundle passed the ${formatBytes(c.limits.maxTotalBytes)} total cap; stopped reading (possible decompression bomb)`);
        entry.resume();
        break;
      }
      c.progress(verdict.path);
      // one buffer of the declared size, filled in place: a 800 MB list is never held twice
      // (chunks plus their concatenation), and no chunk keeps a larger gunzip buffer alive
      const body = Buffer.allocUnsafe(size);
      let got = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (got + chunk.length > size) break; // tar-stream never delivers more than declared; guard anyway
        chunk.copy(body, got);
        got += chunk.length;
        c.bytes += chunk.length;
        c.progress();
      }
      c.entries++;
      if (c.files.has(verdict.path)) {
        c.problem(verdict.path, 'duplicate entry in the archive; kept the first copy', 'warning');
        continue;
      }
      c.files.set(verdict.path, got === size ? body : body.subarray(0, got));
    }
  } catch (e) {
    failure ??= e as Error;
  } finally {
    for (const s of stages) s.destroy();
    counter.destroy();
  }
  if (failure) c.problem(basename(path), describeArchiveError(failure, gzipped));
}

function describeArchiveError(e: Error, gzipped: boolean): string {
  if (e instanceof CapError) return e.message;
  const msg = e.message || String(e);
  if (/unexpected end of file/i.test(msg)) return `truncated ${gzipped ? 'gzip' : 'tar'} data (${msg}); kept the entries read before it`;
  if (/incorrect header check|invalid (block type|distance|code)|bad/i.test(msg) && gzipped) return `corrupted gzip data (${msg}); kept the entries read before it`;
  if (/invalid tar header|unexpected end of data/i.test(msg)) return `not a valid tar archive (${msg}); kept the entries read before it`;
  return `could not read the archive: ${msg}`;
}

async function readDirectory(c: Collector, root: string): Promise<void> {
  const walk = async (rel: string): Promise<boolean> => {
    const dir = rel ? join(root, rel) : root;
    const names = (await fsp.readdir(dir)).sort();
    for (const name of names) {
      const relPath = rel ? posix.join(rel, name) : name;
      const st = await fsp.lstat(join(root, relPath));
      if (st.isDirectory()) {
        if (!(await walk(relPath))) return false;
        continue;
      }
      if (!st.isFile()) {
        c.problem(relPath, `refused ${st.isSymbolicLink() ? 'symbolic link' : 'special file'}: bundles may only hold regular files`);
        continue;
      }
      if (c.entries >= c.limits.maxEntries) {
        c.problem(relPath, `more than ${c.limits.maxEntries} files; stopped reading`);
        return false;
      }
      if (st.size > c.limits.maxEntryBytes) {
        c.problem(relPath, `file of ${formatBytes(st.size)} is over the ${formatBytes(c.limits.maxEntryBytes)} per-entry cap; skipped`);
        continue;
      }
      if (c.bytes + st.size > c.limits.maxTotalBytes) {
        c.problem(relPath, `bundle passed the ${formatBytes(c.limits.maxTotalBytes)} total cap; stopped reading`);
        return false;
      }
      c.progress(relPath);
      const buf = await fsp.readFile(join(root, relPath));
      c.bytes += buf.length;
      c.entries++;
      c.files.set(relPath, buf);
    }
    return true;
  };
  await walk('');
}

/** A tarball made from a folder (`tar czf x.tgz netsnap-node-.../`) has one top directory. */
function stripSingleTopDir(files: Map<string, Buffer>): Map<string, Buffer> {
  if (files.size === 0 || files.has('manifest.json')) return files;
  const tops = new Set([...files.keys()].map((p) => p.split('/')[0]));
  if (tops.size !== 1) return files;
  const [top] = tops;
  if (!files.has(`${top}/manifest.json`)) return files;
  return new Map([...files].map(([p, b]) => [p.slice(top!.length + 1), b]));
}

function readManifest(c: Collector, files: Map<string, Buffer>): Manifest | undefined {
  const buf = files.get('manifest.json');
  if (!buf) {
    c.problem('manifest.json', 'no manifest.json: not written by netsnap-collect.sh, or cut short; files are recognised by path and nothing is known about sources that are absent', 'warning');
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    c.problem('manifest.json', `not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== FORMAT_VERSION) {
    c.problem('manifest.json', `unknown formatVersion ${JSON.stringify(version)}; this netsnap reads formatVersion ${FORMAT_VERSION} (upgrade netsnap, or re-collect with a matching collector)`);
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
      c.problem(basename(path), 'not a bundle: neither gzip nor tar data (expected a .tar.gz written by netsnap-collect.sh, or its unpacked directory)');
    } else {
      await readArchive(c, path, gzipped);
    }
  }
  const files = stripSingleTopDir(c.files);
  const manifest = readManifest(c, files);
  c.progress(undefined);
  opts.onProgress?.({ bundlePath: path, bytesRead: c.bytes, entriesRead: c.entries });
  return { id: c.id, origin: path, manifest, files, problems: c.problems };
}

/** Read several bundles, giving each a unique id. */
export async function readBundles(paths: readonly string[], opts: Omit<ReadOptions, 'id'> = {}): Promise<RawBundle[]> {
  const seen = new Map<string, number>();
  const out: RawBundle[] = [];
  for (const p of paths) {
    let id = bundleIdFromPath(p);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    if (n > 0) id = `${id}~${n + 1}`;
    out.push(await readBundle(p, { ...opts, id }));
  }
  return out;
}
