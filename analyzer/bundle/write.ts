// Writing bundles (the scenario generator, `netsnap redact`): streaming, so an envelope-sized
// bundle never has to sit in memory. Entries are regular files with fixed metadata, so the same
// input gives byte-identical output.
import { createWriteStream, promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { checkEntryName } from './read.js';

export interface BundleEntry {
  readonly path: string;
  readonly data: string | Buffer;
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
  const done =
    opts.gzip === false
      ? pipeline(pack, out)
      : pipeline(pack, createGzip({ level: opts.level ?? 6 }), out);
  try {
    for await (const e of entries) {
      const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
      await new Promise<void>((resolve, reject) => {
        pack.entry({ name: cleanPath(e.path), size: data.length, mode: 0o644, mtime: FIXED_MTIME, uid: 0, gid: 0, uname: '', gname: '' }, data, (err) =>
          err ? reject(err) : resolve(),
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
export async function writeBundleDir(outDir: string, entries: Iterable<BundleEntry> | AsyncIterable<BundleEntry>): Promise<void> {
  for await (const e of entries) {
    const target = join(outDir, cleanPath(e.path));
    await fsp.mkdir(dirname(target), { recursive: true });
    await fsp.writeFile(target, e.data);
  }
}
