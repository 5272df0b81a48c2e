// Reading one tar or .tar.gz archive into files, with the entry checks and caps; used by read.ts
// in this thread and by read-worker.ts in a worker thread (so it imports nothing heavy: no zod).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import tar from 'tar-stream';
import type { LoadProblem } from '../core/problem.js';
import { gunzip, type GunzipState, type GzipDamage } from './gunzip.js';
import { formatBytes, resolveLimits } from './limits.js';
import { cutName } from './names.js';
import { Refusals } from './refusals.js';
import { TarEndGuard } from './tar-end.js';
import type { ReadLimits, ReadProgress } from './types.js';
import { Spill, type SpilledEntry } from './spill.js';

/** the bundle id of a path: file or directory name without .tar.gz/.tgz/.tar */
export function bundleIdFromPath(path: string): string {
  const base = basename(path.replace(/[/\\]+$/, ''));
  return base.replace(/\.(tar\.gz|tgz|tar)$/i, '') || 'bundle';
}

export interface ReadOptions {
  readonly limits?: Partial<ReadLimits>;
  readonly onProgress?: (p: ReadProgress) => void;
  /** override the bundle id (default: file or directory name without extension) */
  readonly id?: string;
  /**
   * Called with each file as soon as it is read, while the rest of the archive is still being
   * decompressed (by a worker thread for a large .tar.gz): a caller can start parsing early.
   * Paths are as in the archive (before a single top directory is stripped).
   */
  readonly onFile?: (path: string, bytes: Buffer | SpilledEntry) => void;
  /**
   * Read a .tar.gz in a worker thread: 'auto' (default) from WORKER_MIN_BYTES on, true always,
   * false never. Without the compiled worker (running from sources) it reads in this thread.
   */
  readonly worker?: boolean | 'auto';
}

/** longest entry name read (Linux PATH_MAX); longer names are refused before they are kept */
export const MAX_NAME_BYTES = 4096;

/** Check a tar/dir entry name; returns the clean relative path or a reason to refuse it. */
export function checkEntryName(name: string): { path: string } | { reason: string } {
  if (name.includes('\0')) return { reason: 'name contains a NUL byte' };
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('\\')) return { reason: 'absolute path' };
  const parts = name
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return { reason: 'path traversal (..)' };
  if (parts.length === 0) return { reason: 'empty name' };
  if (name.length > MAX_NAME_BYTES || Buffer.byteLength(name) > MAX_NAME_BYTES)
    return { reason: `name of ${Buffer.byteLength(name)} bytes is longer than ${MAX_NAME_BYTES}` };
  return { path: parts.join('/') };
}

export interface Collector {
  readonly id: string;
  readonly origin: string;
  readonly limits: ReadLimits;
  readonly files: Map<string, Buffer>;
  /** entries of limits.spillMinBytes or more, in the spill file */
  readonly spilled: Map<string, SpilledEntry>;
  /** the bundle's spill file, once a large entry was met */
  spill?: Spill;
  readonly problems: LoadProblem[];
  entries: number;
  bytes: number;
  progress(current?: string): void;
  problem(file: string, message: string, severity?: 'error' | 'warning'): void;
  /** one refused entry: counted per kind, its name cut; call finish() once reading is over */
  refuse(kind: string, name: string, message: string, severity?: 'error' | 'warning'): void;
  /** put the refusal counts into the problems */
  finish(): void;
  /** keep one read file (the first copy of a duplicate entry wins) */
  accept(path: string, body: Buffer | SpilledEntry): void;
  /** the spill file, created on first use; throws the fs error */
  openSpill(): Spill;
}

/**
 * `newSpill`: how the spill file is made on first use. The worker thread (read-worker.ts) is given
 * the main thread's: Node closes the fds a worker opened when it exits, and the main thread reads
 * spilled entries long after.
 */
export function makeCollector(
  path: string,
  opts: ReadOptions,
  newSpill: () => Spill = () => Spill.create(),
): Collector {
  const id = opts.id ?? bundleIdFromPath(path);
  let lastReport = 0;
  const problems: LoadProblem[] = [];
  const refusals = new Refusals(problems, id);
  const c: Collector = {
    id,
    origin: path,
    limits: resolveLimits(opts.limits),
    files: new Map(),
    spilled: new Map(),
    problems,
    entries: 0,
    bytes: 0,
    progress(current) {
      if (!opts.onProgress) return;
      if (current === undefined && c.bytes - lastReport < 1 << 20) return;
      lastReport = c.bytes;
      opts.onProgress({ bundlePath: path, bytesRead: c.bytes, entriesRead: c.entries, currentFile: current });
    },
    problem(file, message, severity = 'error') {
      c.problems.push({ bundle: id, file: cutName(file), message, severity });
    },
    refuse: (kind, name, message, severity) => refusals.refuse(kind, name, message, severity),
    finish: () => refusals.finish(),
    accept(path, body) {
      if (c.files.has(path) || c.spilled.has(path)) {
        c.refuse('duplicate', path, 'duplicate entry in the archive; kept the first copy', 'warning');
        return;
      }
      if (Buffer.isBuffer(body)) c.files.set(path, body);
      else c.spilled.set(path, body);
      opts.onFile?.(path, body);
    },
    openSpill() {
      c.spill ??= newSpill();
      return c.spill;
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
      cb(
        new CapError(
          `decompressed data passed the ${formatBytes(this.cap)} total cap; stopped reading (possible decompression bomb)`,
        ),
      );
      return;
    }
    cb(null, chunk);
  }
}

/**
 * The bomb check on bytes about to be kept: once `ratioFromBytes` of entry data are held, data
 * more than `maxRatio` times the compressed bytes consumed so far is a decompression bomb (six
 * 1 GiB entries of zeros fit in 6 MB). It stops reading before a bomb's entries are buffered,
 * whatever sizes their headers declare; bytes only skipped (refused entries, long names) do not count.
 */
function bombMessage(limits: ReadLimits, kept: number, packed: number | undefined): string | undefined {
  if (packed === undefined || kept < limits.ratioFromBytes || kept <= limits.maxRatio * packed) return undefined;
  return (
    `decompression bomb: ${formatBytes(packed)} of gzip data decompressed to ${formatBytes(kept)} of entries ` +
    `(more than ${limits.maxRatio} times; real bundles compress 8-30 times); stopped reading`
  );
}
class CapError extends Error {}

export async function readArchive(c: Collector, path: string, gzipped: boolean): Promise<void> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const guard = new TarEndGuard();
  const extract = tar.extract();
  const gz: GunzipState = {};
  const counter = new CapCounter(c.limits.maxTotalBytes + 1024 * 1024); // headers and padding on top
  const source = gzipped ? Readable.from(gunzip(file, gz), { objectMode: false }) : file;
  const stages: Readable[] = gzipped ? [file, source] : [file];
  let failure: Error | undefined;
  /** the entry being read when reading stopped */
  let current: string | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    extract.destroy(e);
  };
  file.on('error', fail);
  source.on('error', fail);
  counter.on('error', fail);
  source.pipe(counter).pipe(guard).pipe(extract);
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
        const link = h.linkname ? ` -> ${cutName(h.linkname)}` : '';
        c.refuse(
          `type:${h.type ?? 'unknown'}`,
          shown,
          `refused ${h.type ?? 'unknown'} entry${link}: bundles may only hold regular files`,
        );
        entry.resume();
        continue;
      }
      if ('reason' in verdict) {
        c.refuse(`name:${verdict.reason.replace(/\d+/g, 'N')}`, h.name, `refused entry: ${verdict.reason}`);
        entry.resume();
        continue;
      }
      if (c.entries >= c.limits.maxEntries) {
        c.problem(
          shown,
          `more than ${c.limits.maxEntries} entries; stopped reading (raise the entry limit to read more)`,
        );
        entry.resume();
        break;
      }
      const size = h.size ?? 0;
      if (size > c.limits.maxEntryBytes) {
        c.refuse(
          'over-entry-cap',
          shown,
          `entry of ${formatBytes(size)} is over the ${formatBytes(c.limits.maxEntryBytes)} per-entry cap; skipped`,
        );
        entry.resume();
        continue;
      }
      if (c.bytes + size > c.limits.maxTotalBytes) {
        c.problem(
          shown,
          `bundle passed the ${formatBytes(c.limits.maxTotalBytes)} total cap; stopped reading (possible decompression bomb)`,
        );
        entry.resume();
        break;
      }
      c.progress(verdict.path);
      current = verdict.path;
      if (size >= c.limits.spillMinBytes) {
        // streamed chunk by chunk into the spill file: the bytes never sit in the heap whole
        const spilled = await spillEntry(c, entry as AsyncIterable<Buffer>, size, verdict.path, (n) => {
          const bomb = bombMessage(c.limits, n, gzipped ? (gz.consumed ?? 0) : undefined);
          if (bomb) failure ??= new CapError(bomb);
          return bomb !== undefined;
        });
        if (failure) break;
        current = undefined;
        if (spilled) {
          c.entries++;
          c.accept(verdict.path, spilled);
        }
        continue;
      }
      // one buffer of the declared size, filled in place: a 800 MB list is never held twice
      // (chunks plus their concatenation), and no chunk keeps a larger gunzip buffer alive
      // its own memory (not the shared small-buffer pool), so a worker can hand it over whole
      const body = Buffer.allocUnsafeSlow(size);
      let got = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (got + chunk.length > size) break; // tar-stream never delivers more than declared; guard anyway
        chunk.copy(body, got);
        got += chunk.length;
        c.bytes += chunk.length;
        c.progress();
        const bomb = bombMessage(c.limits, c.bytes, gzipped ? (gz.consumed ?? 0) : undefined);
        if (bomb) {
          failure ??= new CapError(bomb);
          break;
        }
      }
      if (failure) break;
      current = undefined;
      c.entries++;
      c.accept(verdict.path, got === size ? body : body.subarray(0, got));
    }
  } catch (e) {
    failure ??= e as Error;
  } finally {
    for (const s of stages) s.destroy();
    counter.destroy();
    guard.destroy();
  }
  c.finish();
  const name = basename(path);
  const cut = current === undefined ? '' : `; ${cutName(current)} was cut short and is not kept`;
  const { size } = await stat(path).catch(() => ({ size: undefined }));
  if (failure instanceof CapError && current !== undefined)
    // the entry being read when the cap or the bomb check stopped it: named, and not kept
    c.problem(current, `${failure.message}; this entry was cut short and is not kept`);
  else if (gz.damage)
    c.problem(name, describeGzipDamage(gz.damage, size, c.entries) + cut, gzSeverity(gz.damage, failure));
  else if (failure) c.problem(name, describeArchiveError(failure, gzipped) + cut);
  if (guard.dataAfterAt !== undefined)
    c.problem(
      name,
      `data follows the end-of-archive marker (at byte ${guard.markerAt ?? 0} of the tar data); what follows it was not read (tar -t does not list it either)`,
      'warning',
    );
}

/**
 * Copy one entry's chunks into the spill, counting them like a kept entry (caps and the bomb
 * check see them); `stop(bytes)` says the bomb check tripped. A write error (ENOSPC...) becomes a
 * problem naming the entry, whose bytes are then drained and not kept: the rest still loads.
 */
export async function spillEntry(
  c: Collector,
  chunks: AsyncIterable<Buffer>,
  size: number,
  path: string,
  stop: (bytes: number) => boolean,
): Promise<SpilledEntry | undefined> {
  let spill: Spill | undefined;
  let offset = 0;
  let writeError: unknown;
  try {
    spill = c.openSpill();
    offset = spill.size;
  } catch (e) {
    writeError = e;
  }
  let got = 0;
  for await (const chunk of chunks) {
    if (got + chunk.length > size) break; // never more than declared
    if (writeError === undefined)
      try {
        spill!.append(chunk);
      } catch (e) {
        writeError = e;
      }
    got += chunk.length;
    c.bytes += chunk.length;
    c.progress();
    if (stop(c.bytes)) return undefined;
  }
  if (writeError !== undefined || !spill) {
    const code = (writeError as NodeJS.ErrnoException | undefined)?.code ?? (writeError as Error | undefined)?.message;
    c.problem(
      path,
      `could not be written to the temporary spill file (${code ?? 'unknown error'}); this entry is not kept (free space in ${tmpdir()} or set TMPDIR)`,
    );
    return undefined;
  }
  return spill.entry(offset, got);
}

/** trailing garbage after a whole archive is a warning; anything that cut the archive is an error */
function gzSeverity(d: GzipDamage, tarFailure: Error | undefined): 'error' | 'warning' {
  return d.kind === 'trailing' && !tarFailure ? 'warning' : 'error';
}

function describeGzipDamage(d: GzipDamage, size: number | undefined, entries: number): string {
  const of = size === undefined ? '' : ` of ${size}`;
  const kept = `kept the ${entries} entries read before it`;
  switch (d.kind) {
    case 'trailing':
      return `data after the end of the gzip stream (byte ${d.at}${of}) is not gzip; ignored it (${entries} entries read)`;
    case 'crc':
      return `corrupted gzip data: the CRC-32/length check at byte ${d.at}${of} failed, so some data is damaged; kept the ${entries} entries read (unverified)`;
    case 'truncated':
      return `truncated gzip data: it ends early at byte ${d.at}${of} (the file was cut short); ${kept}`;
    case 'corrupt':
      return `corrupted gzip data at about byte ${d.at}${of} (${d.detail ?? 'invalid data'}); ${kept}`;
  }
}

function describeArchiveError(e: Error, gzipped: boolean): string {
  if (e instanceof CapError) return e.message;
  const msg = e.message || String(e);
  if (/unexpected end of file/i.test(msg))
    return `truncated ${gzipped ? 'gzip' : 'tar'} data (${msg}); kept the entries read before it`;
  if (/incorrect header check|invalid (block type|distance|code)|bad/i.test(msg) && gzipped)
    return `corrupted gzip data (${msg}); kept the entries read before it`;
  if (/invalid tar header|unexpected end of data/i.test(msg))
    return `not a valid tar archive (${msg}); kept the entries read before it`;
  return `could not read the archive: ${msg}`;
}
