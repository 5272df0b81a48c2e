// Hand-made tar bytes for hostile-input tests: every header field under our control, including
// the ones a well-behaved tar writer would refuse (traversal, links, devices, lying sizes).

export interface CraftEntry {
  readonly name: string;
  readonly data?: Buffer | string;
  /** '0' file, '1' hardlink, '2' symlink, '3' char device, '4' block device, '5' dir, '6' fifo */
  readonly type?: string;
  readonly linkname?: string;
  /** the size written in the header (default: the data length) */
  readonly declaredSize?: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

export function tarHeader(e: CraftEntry, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(e.name.slice(0, 100), 0, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  if (size < 8 ** 11) h.write(octal(size, 12), 124, 'ascii');
  else {
    // GNU base-256 for sizes past 8 GiB
    h[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      h[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  h.write(octal(1577836800, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(e.type ?? '0', 156, 'ascii');
  if (e.linkname) h.write(e.linkname.slice(0, 100), 157, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

export function craftTar(entries: readonly CraftEntry[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    parts.push(tarHeader(e, e.declaredSize ?? data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (opts.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
