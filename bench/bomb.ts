// Issue 17's hostile archive: a ~6 MB .tar.gz whose tar declares six entries of 1 GiB each (all
// zeros), built in milliseconds as a many-member gzip (one 1 MiB member of zeros compressed once,
// repeated). The bench's hostile section runs it through the CLI (peak RSS, time to refusal) and
// test/bundle/bomb.test.ts reads it through the library.
import { gzipSync } from 'node:zlib';

const MiB = 1024 * 1024;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** a ustar header of a regular file */
export function ustarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(1577836800, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${octal(sum, 7)} `, 148, 'ascii');
  return h;
}

const pad = (n: number): Buffer => Buffer.alloc((512 - (n % 512)) % 512);

export interface BombShape {
  readonly entries: number;
  /** declared and real size of each entry, a whole number of MiB */
  readonly entryBytes: number;
}

export const ISSUE_17_BOMB: BombShape = { entries: 6, entryBytes: 1024 * MiB };

/** the name of the i-th zero entry */
export const bombEntry = (i: number): string => `host/zeros-${i}.txt`;

/** manifest.json, then `entries` entries of `entryBytes` zeros each, then the end marker */
export function bombArchive(manifest: string, shape: BombShape = ISSUE_17_BOMB): Buffer {
  if (shape.entryBytes % MiB !== 0) throw new Error('entryBytes must be a whole number of MiB');
  const zeros = gzipSync(Buffer.alloc(MiB), { level: 9 });
  const m = Buffer.from(manifest);
  const parts: Buffer[] = [gzipSync(Buffer.concat([ustarHeader('manifest.json', m.length), m, pad(m.length)]))];
  for (let i = 0; i < shape.entries; i++) {
    parts.push(gzipSync(ustarHeader(bombEntry(i), shape.entryBytes)));
    for (let j = 0; j < shape.entryBytes / MiB; j++) parts.push(zeros);
  }
  parts.push(gzipSync(Buffer.alloc(1024)));
  return Buffer.concat(parts);
}
