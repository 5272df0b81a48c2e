// Decompressing a .tar.gz that may be damaged. zlib's Gunzip stream drops the output of its last
// step when that step fails (a wrong CRC, garbage after the stream), so a whole small bundle read
// as nothing. Here the gzip framing (header, trailer, members: RFC 1952) is read by hand and only
// the deflate data goes to zlib (InflateRaw), so every byte inflated before the damage reaches the
// tar reader, and the damage is described with its byte offset in the file.
import { constants, crc32, createInflateRaw, type InflateRaw } from 'node:zlib';

export type GzipDamageKind = 'trailing' | 'crc' | 'truncated' | 'corrupt';

export interface GzipDamage {
  readonly kind: GzipDamageKind;
  /** byte offset in the compressed file where reading stopped */
  readonly at: number;
  readonly detail?: string;
}

/** filled in while reading; `damage` is set when reading stopped before a clean end */
export interface GunzipState {
  damage?: GzipDamage;
  /** compressed bytes handed to zlib so far (the bomb check's denominator: read-ahead not counted) */
  consumed?: number;
}

/** compressed bytes fed to zlib per step: bounds what one step inflates (x1032 at most) */
const SLICE = 64 * 1024;
/** a gzip file name or comment longer than this is taken as damage */
const MAX_HEADER_TEXT = 64 * 1024;

/** the compressed input, with look-ahead and put-back, and the offset of the next unread byte */
class Input {
  pos = 0;
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** at least n bytes buffered; false when the input ends first */
  async need(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    }
    return this.buf.length >= n;
  }
  peek(i: number): number {
    return this.buf[i] ?? -1;
  }
  take(n: number): Buffer {
    const b = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(b.length);
    this.pos += b.length;
    return b;
  }
  putBack(b: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([b, this.buf]) : b;
    this.pos -= b.length;
  }
  /** skip zero bytes; true when a non-zero byte follows (at `pos`), false at the end */
  async skipZeros(): Promise<boolean> {
    while (await this.need(1)) {
      const i = this.buf.findIndex((b) => b !== 0);
      if (i >= 0) {
        this.take(i);
        return true;
      }
      this.take(this.buf.length);
    }
    return false;
  }
}

/** read one member header; undefined when fine, else what is wrong */
async function readHeader(input: Input): Promise<GzipDamage | undefined> {
  const at = input.pos;
  if (!(await input.need(10))) return { kind: 'truncated', at: input.pos };
  if (input.peek(0) !== 0x1f || input.peek(1) !== 0x8b || input.peek(2) !== 8)
    return { kind: 'corrupt', at, detail: 'not a gzip member header' };
  const flags = input.peek(3);
  input.take(10);
  if (flags & 4) {
    if (!(await input.need(2))) return { kind: 'truncated', at: input.pos };
    const xlen = input.take(2).readUInt16LE(0);
    if (!(await input.need(xlen))) return { kind: 'truncated', at: input.pos };
    input.take(xlen);
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    let len = 0;
    for (;;) {
      if (!(await input.need(1))) return { kind: 'truncated', at: input.pos };
      len++;
      if (input.take(1)[0] === 0) break;
      if (len > MAX_HEADER_TEXT) return { kind: 'corrupt', at, detail: 'gzip header name or comment too long' };
    }
  }
  if (flags & 2) {
    if (!(await input.need(2))) return { kind: 'truncated', at: input.pos };
    input.take(2);
  }
  return undefined;
}

/** write one slice (its output arrives through the 'data' listener); resolves with zlib's error if any */
function inflateSlice(inflater: InflateRaw, slice: Buffer): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const onError = (e: Error) => resolve(e);
    inflater.once('error', onError);
    inflater.write(slice, () => {
      inflater.off('error', onError);
      // output pushed in this step was emitted as 'data' already unless some is still buffered
      if (inflater.readableLength === 0) resolve(undefined);
      else setImmediate(() => resolve(undefined));
    });
  });
}

/**
 * The decompressed bytes of a gzip file (all members), stopping at the first damage, which is then
 * in `state.damage`. Zero bytes after the last member are padding, not damage.
 */
export async function* gunzip(source: AsyncIterable<Buffer>, state: GunzipState): AsyncGenerator<Buffer> {
  const input = new Input(source[Symbol.asyncIterator]());
  for (let member = 0; ; member++) {
    if (member > 0) {
      if (!(await input.need(1))) return;
      if (input.peek(0) === 0 && !(await input.skipZeros())) return;
      if (!(await input.need(2)) || input.peek(0) !== 0x1f || input.peek(1) !== 0x8b) {
        state.damage = { kind: 'trailing', at: input.pos };
        return;
      }
    }
    const bad = await readHeader(input);
    if (bad) {
      state.damage = bad;
      return;
    }
    const inflater = createInflateRaw({ chunkSize: 1 << 20, finishFlush: constants.Z_SYNC_FLUSH });
    const out: Buffer[] = [];
    inflater.on('data', (b: Buffer) => out.push(b));
    // the CRC is computed here, over each output chunk while it is in cache (~2.5 GB/s: ~50 ms of
    // the worker's CPU for M's 130 MB). zlib's own check (gzip mode) measured only ~30 ms cheaper
    // at M but loses the last step's output when the check fails; the chunk size changes nothing
    let crc = 0;
    let size = 0;
    try {
      for (;;) {
        if (!(await input.need(1))) {
          state.damage = { kind: 'truncated', at: input.pos };
          return;
        }
        const at = input.pos;
        const slice = input.take(SLICE);
        state.consumed = input.pos;
        const before = inflater.bytesWritten;
        const err = await inflateSlice(inflater, slice);
        for (const b of out) {
          crc = crc32(b, crc);
          size = (size + b.length) >>> 0;
          yield b;
        }
        out.length = 0;
        if (err) {
          state.damage = { kind: 'corrupt', at, detail: err.message };
          return;
        }
        const used = inflater.bytesWritten - before;
        if (used < slice.length) {
          // the deflate data ended inside this slice: the rest is the trailer and what follows
          input.putBack(slice.subarray(used));
          break;
        }
      }
    } finally {
      inflater.destroy();
    }
    const trailerAt = input.pos;
    if (!(await input.need(8))) {
      state.damage = { kind: 'truncated', at: trailerAt };
      return;
    }
    const trailer = input.take(8);
    if (trailer.readUInt32LE(0) !== crc >>> 0 || trailer.readUInt32LE(4) !== size) {
      state.damage = { kind: 'crc', at: trailerAt };
      return;
    }
  }
}
