// The spill: large entries' bytes go to one private temporary file per bundle read instead of the
// heap (issue 17: at L the 775 MiB pods list was held for the whole run only so evidence could
// quote it). The file is created 0600 in a 0700 directory and unlinked at once, so only this
// process's fd reaches it and it is gone on any exit, crash included. Reads are synchronous
// (fs.readSync, ~5 µs per 8 KiB on the measured VM) so the FileIndex stays synchronous. fds are
// process-wide: a worker thread writes, the main thread reads; only {fd, offset, length} cross.
import { closeSync, constants, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One entry's bytes in a spill file. */
export interface SpilledEntry {
  readonly length: number;
  /** bytes [start, end) of the entry, read back from the spill (a new Buffer each call) */
  read(start?: number, end?: number): Buffer;
  /** bytes [start, end) into target at offset (a reused window: no fresh pages to fault in) */
  readInto(target: Buffer, offset: number, start: number, end: number): void;
}

/**
 * entries of a bundle at or over this many bytes are spilled (ReadLimits.spillMinBytes). 8 MiB,
 * not 32: at L the nodes, deployments and services lists (13-26 MB each) then leave the heap too,
 * ~85 MB less peak RSS for the same CPU (interleaved whole-process runs); host files and the
 * bundles of small clusters stay in the heap.
 */
export const DEFAULT_SPILL_MIN_BYTES = 8 * 1024 * 1024;

// closes a spill's fd once nothing refers to the Spill (its bundle and entries are garbage)
const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed explicitly
  }
});

export class Spill {
  private closed = false;
  /** bytes written so far: where the next entry starts */
  size = 0;

  private constructor(readonly fd: number) {}

  /** a new private spill file: open, unlinked, its directory removed; closed when garbage */
  static create(): Spill {
    const dir = mkdtempSync(join(tmpdir(), 'netsnap-spill-'));
    const path = join(dir, 'spill');
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
    } finally {
      try {
        unlinkSync(path);
      } catch {
        // never created
      }
      rmdirSync(dir);
    }
    return Spill.adopt(fd);
  }

  /** own an open spill fd: closed when this object is garbage, or by close() */
  private static adopt(fd: number): Spill {
    const s = new Spill(fd);
    closer.register(s, fd, s);
    return s;
  }

  /** another thread's spill fd (fds are process-wide): written here, owned and closed there */
  static lent(fd: number): Spill {
    return new Spill(fd);
  }

  /** append bytes; throws the fs error (ENOSPC, EFBIG...) for the caller to report */
  append(chunk: Buffer): void {
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done, this.size + done);
    this.size += chunk.length;
  }

  /** bytes [offset, offset + length) of the file */
  readRange(offset: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    this.readRangeInto(out, 0, offset, length);
    return out;
  }

  readRangeInto(out: Buffer, at: number, offset: number, length: number): void {
    if (this.closed) throw new Error('the spill file was closed');
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, out, at + got, length - got, offset + got);
      if (n === 0) throw new Error(`spill file ended at ${offset + got}, expected ${offset + length}`);
      got += n;
    }
  }

  entry(offset: number, length: number): SpilledEntry {
    return new SpillRange(this, offset, length);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closer.unregister(this);
    closeSync(this.fd);
  }
}

class SpillRange implements SpilledEntry {
  constructor(
    readonly spill: Spill,
    readonly offset: number,
    readonly length: number,
  ) {}

  read(start = 0, end = this.length): Buffer {
    const lo = Math.max(0, Math.min(start, this.length));
    const hi = Math.max(lo, Math.min(end, this.length));
    return this.spill.readRange(this.offset + lo, hi - lo);
  }

  readInto(target: Buffer, at: number, start: number, end: number): void {
    if (start < 0 || end > this.length || end < start)
      throw new RangeError(`bad range ${start}-${end} of ${this.length}`);
    this.spill.readRangeInto(target, at, this.offset + start, end - start);
  }
}

/** the Spill behind an entry (for closing a bundle's spill explicitly) */
export function spillOf(entry: SpilledEntry): Spill | undefined {
  return entry instanceof SpillRange ? entry.spill : undefined;
}

/** where an entry's bytes are, to hand it to another thread of this process */
export function spillLocation(entry: SpilledEntry): { fd: number; offset: number } | undefined {
  return entry instanceof SpillRange ? { fd: entry.spill.fd, offset: entry.offset } : undefined;
}
