// The floor: the least work any tool must do to look at a bundle. Gunzip it, split the tar into
// entries, JSON.parse every .json file and split every other file into lines, in this process.
// netsnap's end-to-end time is compared against it. A JSON list too big for one V8 string
// (~512 MB) cannot be JSON.parsed whole by anyone, so the floor parses it item by item, the
// least possible work; that is what netsnap does too.
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { findListItems, parseSpan } from '../analyzer/model/json-items.js';

/** just below V8's string limit (2^29 - 24 UTF-16 units) */
const ONE_STRING_MAX = 500 * 1024 * 1024;

export interface FloorResult {
  readonly files: number;
  readonly bytes: number;
  readonly jsonValues: number;
  readonly lines: number;
}

/** A minimal ustar splitter over a byte stream: 512-byte headers, bodies padded to 512. */
class TarSplitter extends Writable {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = 512;
  private mode: 'header' | 'body' | 'pad' = 'header';
  private body: Buffer | undefined;
  private bodyAt = 0;
  private name = '';
  private pad = 0;
  private regular = true;

  constructor(private readonly onFile: (name: string, body: Buffer) => void) {
    super();
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    this.buffered -= n;
    return all.subarray(0, n);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    let c = chunk;
    while (c.length > 0) {
      if (this.mode === 'body' && this.body) {
        const n = Math.min(c.length, this.body.length - this.bodyAt);
        c.copy(this.body, this.bodyAt, 0, n);
        this.bodyAt += n;
        c = c.subarray(n);
        if (this.bodyAt === this.body.length) this.endBody();
        continue;
      }
      const n = Math.min(c.length, this.need - this.buffered);
      this.chunks.push(c.subarray(0, n));
      this.buffered += n;
      c = c.subarray(n);
      if (this.buffered < this.need) break;
      const block = this.take(this.need);
      if (this.mode === 'pad') this.startHeader();
      else this.header(block);
    }
    done();
  }

  private startHeader(): void {
    this.mode = 'header';
    this.need = 512;
  }

  private header(h: Buffer): void {
    if (h.every((b) => b === 0)) return; // end-of-archive blocks
    const field = (at: number, len: number) => h.toString('utf8', at, at + len).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    this.name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    this.pad = (512 - (size % 512)) % 512;
    const type = h[156];
    this.regular = type === 0 || type === 0x30; // '0' or NUL: a regular file (not pax/dir)
    this.body = Buffer.allocUnsafe(size);
    this.bodyAt = 0;
    this.mode = 'body';
    if (size === 0) this.endBody();
  }

  private endBody(): void {
    const body = this.body!;
    this.body = undefined;
    if (this.regular && field0(this.name)) this.onFile(this.name, body);
    if (this.pad > 0) {
      this.mode = 'pad';
      this.need = this.pad;
    } else this.startHeader();
  }
}

const field0 = (name: string): boolean => name !== '' && !name.endsWith('/');

function parseJson(body: Buffer): number {
  if (body.length <= ONE_STRING_MAX) {
    JSON.parse(body.toString('utf8'));
    return 1;
  }
  const found = findListItems(body);
  if (!found) throw new Error('floor: a JSON file over the string limit that is not a list');
  for (const span of found.spans) parseSpan(body, span);
  return found.spans.length;
}

/** Run the floor over one .tar.gz; each file's bytes and parse result are dropped after use. */
export async function runFloor(path: string): Promise<FloorResult> {
  let files = 0;
  let bytes = 0;
  let jsonValues = 0;
  let lines = 0;
  const splitter = new TarSplitter((name, body) => {
    files++;
    bytes += body.length;
    if (name.endsWith('.json')) jsonValues += parseJson(body);
    else lines += body.toString('utf8').split('\n').length;
  });
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 1 << 20 }), splitter);
  return { files, bytes, jsonValues, lines };
}
