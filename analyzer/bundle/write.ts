// Writing bundles (the scenario generator, `netsnap redact`): streaming, so an envelope-sized
// bundle never has to sit in memory. Entries are regular files with fixed metadata, so the same
// input gives byte-identical output.
import { createWriteStream, promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { checkEntryName } from './read.js';

/** A body too big to hold at once: its byte size up front (tar needs it), then its chunks. */
export interface StreamedData {
  readonly size: number;
  chunks(): Iterable<string | Buffer>;
}

export interface BundleEntry {
  readonly path: string;
  readonly data: string | Buffer | StreamedData;
}

const isStreamed = (d: BundleEntry['data']): d is StreamedData => typeof d === 'object' && !Buffer.isBuffer(d);

async function writeStreamed(stream: NodeJS.WritableStream, d: StreamedData, path: string): Promise<void> {
  let written = 0;
  for (const chunk of d.chunks()) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    written += buf.length;
    if (written > d.size) throw new Error(`bundle entry "${path}" produced more than its declared ${d.size} bytes`);
    if (!stream.write(buf)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  if (written !== d.size) throw new Error(`bundle entry "${path}" produced ${written} bytes, declared ${d.size}`);
}

/** fixed mtime so output is deterministic; the manifest carries the real collection time */
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

function cleanPath(p: string): string {
  const v = checkEntryName(p);
  if ('reason' in v) throw new Error(`refusing to write bundle entry "${p}": ${v.reason}`);
  return v.path;
}

/** Write entries as a .tar.gz (or plain .tar when gzip is false). */
export async function writeBundleArchive(
  outPath: string,
  entries: Iterable<BundleEntry> | AsyncIterable<BundleEntry>,
  opts: { gzip?: boolean; level?: number } = {},
): Promise<void> {
  await fsp.mkdir(dirname(outPath), { recursive: true });
  const pack = tar.pack();
  const out = createWriteStream(outPath);
  const done = opts.gzip === false ? pipeline(pack, out) : pipeline(pack, createGzip({ level: opts.level ?? 6 }), out);
  try {
    for await (const e of entries) {
      if (isStreamed(e.data)) {
        const d = e.data;
        let stream!: NodeJS.WritableStream;
        const finished = new Promise<void>((resolve, reject) => {
          stream = pack.entry(
            {
              name: cleanPath(e.path),
              size: d.size,
              mode: 0o644,
              mtime: FIXED_MTIME,
              uid: 0,
              gid: 0,
              uname: '',
              gname: '',
            },
            (err) => (err ? reject(err) : resolve()),
          );
        });
        await writeStreamed(stream, d, e.path);
        stream.end();
        await finished;
        continue;
      }
      const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
      await new Promise<void>((resolve, reject) => {
        pack.entry(
          {
            name: cleanPath(e.path),
            size: data.length,
            mode: 0o644,
            mtime: FIXED_MTIME,
            uid: 0,
            gid: 0,
            uname: '',
            gname: '',
          },
          data,
          (err) => (err ? reject(err) : resolve()),
        );
      });
    }
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await done.catch(() => undefined);
    throw err;
  }
  await done;
}

/** Write entries as an unpacked bundle directory. */
export async function writeBundleDir(
  outDir: string,
  entries: Iterable<BundleEntry> | AsyncIterable<BundleEntry>,
): Promise<void> {
  for await (const e of entries) {
    const target = join(outDir, cleanPath(e.path));
    await fsp.mkdir(dirname(target), { recursive: true });
    if (isStreamed(e.data)) {
      const out = createWriteStream(target);
      const closed = new Promise<void>((resolve, reject) => {
        out.once('close', () => resolve());
        out.once('error', reject);
      });
      await writeStreamed(out, e.data, e.path);
      out.end();
      await closed;
      continue;
    }
    await fsp.writeFile(target, e.data);
  }
}
