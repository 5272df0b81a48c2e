// Builders for the reader's hostile archives (issue 21): PAX and GNU long names, many-member gzip
// (one small member repeated: a 4 GB archive body from a 4 MB file, built in milliseconds).
import { gzipSync } from 'node:zlib';
import { craftTar, tarHeader, type CraftEntry } from '../fuzz/tar-craft.js';

/** the smallest manifest the reader accepts (node n1, no sources): for archives built by hand */
export const MINIMAL_MANIFEST = JSON.stringify({
  formatVersion: 1,
  collectorVersion: 't',
  createdAt: '2025-01-15T10:00:00Z',
  node: 'n1',
  sources: [],
});

const pad = (n: number): Buffer => Buffer.alloc((512 - (n % 512)) % 512);

/** a PAX record `"<len> key=value\n"`, len counting itself */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  while (`${len}${body}`.length !== len) len = Buffer.byteLength(body) + String(len).length;
  return `${len}${body}`;
}

/** one entry whose name (and link target) come from a PAX extended header */
export function paxEntry(e: CraftEntry): Buffer {
  const pax = Buffer.from(
    paxRecord('path', e.name) + (e.linkname !== undefined ? paxRecord('linkpath', e.linkname) : ''),
  );
  const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
  return Buffer.concat([
    tarHeader({ name: 'PaxHeaders/x', type: 'x' }, pax.length),
    pax,
    pad(pax.length),
    tarHeader({ ...e, name: 'placeholder', linkname: e.linkname ? 'placeholder' : undefined }, data.length),
    data,
    pad(data.length),
  ]);
}

/** one entry whose name comes from a GNU `././@LongLink` entry */
export function gnuLongEntry(e: CraftEntry): Buffer {
  const name = Buffer.from(`${e.name}\0`);
  const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
  return Buffer.concat([
    tarHeader({ name: '././@LongLink', type: 'L' }, name.length),
    name,
    pad(name.length),
    tarHeader({ ...e, name: 'placeholder' }, data.length),
    data,
    pad(data.length),
  ]);
}

/** tar bytes without the end marker */
export const plainEntries = (entries: readonly CraftEntry[]): Buffer => craftTar(entries, { end: false });

/** a gzip file of many members: `head`, then each unit `times` times, then the end marker */
export function manyMemberGzip(head: Buffer, units: readonly Buffer[], times: number): Buffer {
  const members = units.map((u) => gzipSync(u, { level: 9 }));
  const parts: Buffer[] = [gzipSync(head)];
  for (let i = 0; i < times; i++) parts.push(...members);
  parts.push(gzipSync(Buffer.alloc(1024)));
  return Buffer.concat(parts);
}
