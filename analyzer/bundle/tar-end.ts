// The end-of-archive marker. tar-stream skips zero blocks and reads on, so an entry appended after
// the marker was read although `tar -t` does not show it. This pass-through walks the tar blocks
// the way tar-stream frames them (header, PAX/GNU long headers, data padded to 512) and ends the
// stream at the first zero header block, as GNU tar does; it notes whether non-zero data follows.
// When the framing cannot be followed (a bad checksum, an unknown format), it passes everything
// on and tar-stream reports the error.
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;
/** tar-stream refuses long headers over 4 MiB itself */
const MAX_LONG_HEADER = 4 * 1024 * 1024;

const padded = (n: number): number => n + ((BLOCK - (n % BLOCK)) % BLOCK);

function octal(h: Buffer, offset: number, length: number): number {
  const v = h.subarray(offset, offset + length);
  if ((v[0] ?? 0) & 0x80) {
    let n = 0;
    for (let i = 1; i < v.length; i++) n = n * 256 + (v[i] ?? 0);
    return n;
  }
  const s = v.toString('latin1').replace(/\0.*$/s, '').trim().replace(/^\0+/, '');
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] ?? 0);
  return sum === octal(h, 148, 8);
}

/** tar-stream's null header: all zero outside the checksum field */
function isZeroBlock(h: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if ((i < 148 || i >= 156) && h[i] !== 0) return false;
  return true;
}

/** tar-stream's directory test: typeflag 5, or a plain file whose (prefixed) name ends in `/` */
function isDirectory(h: Buffer): boolean {
  const flag = h[156] === 0 ? 0 : (h[156] ?? 0) - 48;
  if (flag === 5) return true;
  if (flag !== 0) return false;
  const end = h.indexOf(0, 0);
  const nameEnd = end < 0 || end > 100 ? 100 : end;
  if (nameEnd > 0) return h[nameEnd - 1] === 0x2f;
  const ustar = h.subarray(257, 263).equals(Buffer.from('ustar\0', 'latin1'));
  return ustar && h[345] !== 0;
}

/** the `size` record of a PAX header, as tar-stream's decodePax reads it; undefined when absent */
function paxSize(buf: Buffer): string | undefined {
  let size: string | undefined;
  let b = buf;
  while (b.length) {
    let i = 0;
    while (i < b.length && b[i] !== 0x20) i++;
    const len = parseInt(b.subarray(0, i).toString('latin1'), 10);
    if (!len) return size;
    const record = b.subarray(i + 1, len - 1);
    const eq = record.indexOf(0x3d);
    if (eq === -1) return size;
    if (record.subarray(0, eq).toString('latin1') === 'size') size = record.subarray(eq + 1).toString('utf8');
    b = b.subarray(len);
  }
  return size;
}

export class TarEndGuard extends Transform {
  /** offset of the end-of-archive marker in the tar data, once seen */
  markerAt: number | undefined;
  /** offset of the first non-zero byte after the marker: data follows the end */
  dataAfterAt: number | undefined;
  private pos = 0;
  /** bytes of data (and long-header payload) still to pass before the next header */
  private skip = 0;
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** the payload of a PAX or GNU long header being collected */
  private long: { type: number; chunks: Buffer[]; left: number; pad: number } | undefined;
  private paxGlobalSize: string | undefined;
  /** null: no PAX header before the next entry; else its size record (or the global one) */
  private paxNext: string | undefined | null = null;
  private lost = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.markerAt !== undefined) {
      this.afterEnd(chunk, 0);
      cb();
      return;
    }
    let i = 0;
    while (i < chunk.length && !this.lost && this.markerAt === undefined) {
      if (this.long) {
        const n = Math.min(this.long.left, chunk.length - i);
        this.long.chunks.push(chunk.subarray(i, i + n));
        this.long.left -= n;
        i += n;
        if (this.long.left === 0) {
          this.endLong(this.long.type, Buffer.concat(this.long.chunks));
          this.skip = this.long.pad;
          this.long = undefined;
        }
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - i);
      chunk.copy(this.header, this.headerFill, i, i + n);
      this.headerFill += n;
      i += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.onHeader(this.pos + i - BLOCK);
      }
    }
    if (this.markerAt === undefined || this.lost) {
      this.pos += chunk.length;
      cb(null, chunk);
      return;
    }
    // the marker ended inside this chunk: pass up to it, then look at what follows
    this.push(chunk.subarray(0, i));
    this.pos += i;
    this.afterEnd(chunk, i);
    cb();
  }

  private onHeader(at: number): void {
    const h = this.header;
    if (isZeroBlock(h)) {
      this.markerAt = at;
      return;
    }
    if (!checksumOk(h)) {
      this.lost = true;
      return;
    }
    const type = h[156] ?? 0;
    const size = octal(h, 124, 12);
    // 'L' and 'K' GNU long name/link, 'x' PAX, 'g' PAX global
    if (type === 0x4c || type === 0x4b || type === 0x78 || type === 0x67) {
      if (!(size >= 0) || size > MAX_LONG_HEADER) {
        this.lost = true;
        return;
      }
      if (size === 0) this.endLong(type, Buffer.alloc(0));
      else this.long = { type, chunks: [], left: size, pad: padded(size) - size };
      return;
    }
    let dataSize = size;
    if (this.paxNext !== null) {
      if (this.paxNext) dataSize = parseInt(this.paxNext, 10);
      this.paxNext = null;
    }
    if (!(dataSize >= 0)) {
      this.lost = true;
      return;
    }
    this.skip = dataSize === 0 || isDirectory(h) ? 0 : padded(dataSize);
  }

  private endLong(type: number, payload: Buffer): void {
    if (type === 0x67) this.paxGlobalSize = paxSize(payload);
    else if (type === 0x78) this.paxNext = paxSize(payload) ?? this.paxGlobalSize;
  }

  /** after the marker: zero padding is fine; a non-zero byte means data follows the end */
  private afterEnd(chunk: Buffer, from: number): void {
    if (this.dataAfterAt !== undefined) return;
    const j = chunk.subarray(from).findIndex((b) => b !== 0);
    if (j >= 0) {
      this.dataAfterAt = this.pos + j;
      this.push(null);
      return;
    }
    this.pos += chunk.length - from;
  }

  override _flush(cb: TransformCallback): void {
    cb();
  }
}
