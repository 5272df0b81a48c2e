import {
  createWriteStream,
  mkdtempSync,
  promises as fsp,
  readdirSync,
  symlinkSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundle, readBundles, checkEntryName } from './read.js';
import { writeBundleArchive } from './write.js';

const work = mkdtempSync(join(tmpdir(), 'netsnap-read-'));
afterAll(() => fsp.rm(work, { recursive: true, force: true }));

const manifest = (extra: object = {}) =>
  JSON.stringify({
    formatVersion: 1,
    collectorVersion: '0.1.0',
    createdAt: '2026-11-28T09:00:00Z',
    node: 'worker-1',
    sources: [],
    ...extra,
  });

type RawEntry = { name: string; data?: string | Buffer; type?: tar.Header['type']; linkname?: string; size?: number };

async function packRaw(file: string, entries: RawEntry[], gzip = true): Promise<string> {
  const pack = tar.pack();
  const out = join(work, file);
  const done = gzip ? pipeline(pack, createGzip(), createWriteStream(out)) : pipeline(pack, createWriteStream(out));
  for (const e of entries) {
    const data = e.data === undefined ? undefined : Buffer.from(e.data);
    await new Promise<void>((res, rej) =>
      pack.entry(
        { name: e.name, type: e.type ?? 'file', linkname: e.linkname, size: e.size ?? data?.length ?? 0 },
        data ?? Buffer.alloc(0),
        (err) => (err ? rej(err) : res()),
      ),
    );
  }
  pack.finalize();
  await done;
  return out;
}

const filesOnDisk = () => readdirSync(work).sort();

describe('checkEntryName', () => {
  it.each([
    ['host/iptables-save.txt', 'host/iptables-save.txt'],
    ['./manifest.json', 'manifest.json'],
    ['a//b/./c', 'a/b/c'],
  ])('accepts %s as %s', (name, path) => expect(checkEntryName(name)).toEqual({ path }));
  it.each(['/etc/passwd', '../../etc/passwd', 'host/../../x', 'C:\\x', '', 'a\0b'])('refuses %j', (name) => {
    expect(checkEntryName(name)).toHaveProperty('reason');
  });
});

describe('readBundle', () => {
  it('reads a .tar.gz written by writeBundleArchive, byte for byte', async () => {
    const out = join(work, 'netsnap-worker-1-20261128T090000Z.tar.gz');
    await writeBundleArchive(out, [
      { path: 'manifest.json', data: manifest() },
      { path: 'host/sysctl.txt', data: 'net.ipv4.ip_forward = 1\n' },
    ]);
    const progress: number[] = [];
    const b = await readBundle(out, { onProgress: (p) => progress.push(p.entriesRead) });
    expect(b.id).toBe('netsnap-worker-1-20261128T090000Z');
    expect(b.problems).toEqual([]);
    expect(b.manifest?.node).toBe('worker-1');
    expect(b.files.get('host/sysctl.txt')?.toString()).toBe('net.ipv4.ip_forward = 1\n');
    expect(progress.at(-1)).toBe(2);
  });

  it('writes byte-identical archives for the same input', async () => {
    const entries = [{ path: 'manifest.json', data: manifest() }];
    await writeBundleArchive(join(work, 'a.tgz'), entries);
    await writeBundleArchive(join(work, 'b.tgz'), entries);
    expect(await fsp.readFile(join(work, 'a.tgz'))).toEqual(await fsp.readFile(join(work, 'b.tgz')));
  });

  it('reads a plain .tar and strips a single top directory', async () => {
    const p = await packRaw(
      'plain.tar',
      [
        { name: 'netsnap-n1/manifest.json', data: manifest({ node: 'n1' }) },
        { name: 'netsnap-n1/host/uname.txt', data: 'Linux n1\n' },
      ],
      false,
    );
    const b = await readBundle(p);
    expect(b.problems).toEqual([]);
    expect([...b.files.keys()].sort()).toEqual(['host/uname.txt', 'manifest.json']);
  });

  it('refuses traversal, absolute names, symlinks, hardlinks and devices, and keeps the rest', async () => {
    const before = filesOnDisk();
    const p = await packRaw('hostile.tgz', [
      { name: 'manifest.json', data: manifest() },
      { name: '../../evil.txt', data: 'x' },
      { name: '/etc/evil', data: 'x' },
      { name: 'host/link', type: 'symlink', linkname: '/etc/shadow' },
      { name: 'host/hard', type: 'link', linkname: 'manifest.json' },
      { name: 'host/dev', type: 'character-device' },
      { name: 'host/ok.txt', data: 'fine' },
    ]);
    const b = await readBundle(p);
    expect([...b.files.keys()].sort()).toEqual(['host/ok.txt', 'manifest.json']);
    const msgs = b.problems.map((x) => `${x.file}: ${x.message}`);
    expect(msgs.some((m) => m.includes('path traversal'))).toBe(true);
    expect(msgs.some((m) => m.includes('absolute path'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('host/link: refused symlink'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('host/hard: refused link'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('host/dev: refused character-device'))).toBe(true);
    expect(filesOnDisk()).toEqual([...before, 'hostile.tgz'].sort());
  });

  it('keeps the first of duplicate entries and says so', async () => {
    const p = await packRaw('dup.tgz', [
      { name: 'manifest.json', data: manifest() },
      { name: 'host/a.txt', data: 'first' },
      { name: 'host/a.txt', data: 'second' },
    ]);
    const b = await readBundle(p);
    expect(b.files.get('host/a.txt')?.toString()).toBe('first');
    expect(b.problems).toMatchObject([{ file: 'host/a.txt', severity: 'warning' }]);
  });

  it('skips an entry over the per-entry cap', async () => {
    const p = await packRaw('big.tgz', [
      { name: 'manifest.json', data: manifest() },
      { name: 'host/big.txt', data: Buffer.alloc(200_000, 97) },
      { name: 'host/small.txt', data: 'ok' },
    ]);
    const b = await readBundle(p, { limits: { maxEntryBytes: 100_000 } });
    expect(b.files.has('host/big.txt')).toBe(false);
    expect(b.files.get('host/small.txt')?.toString()).toBe('ok');
    expect(b.problems).toMatchObject([{ file: 'host/big.txt', severity: 'error' }]);
    expect(b.problems[0]!.message).toMatch(/per-entry cap/);
  });

  it('stops a 1 GB decompression bomb at the total cap', async () => {
    const out = join(work, 'bomb.tgz');
    const pack = tar.pack();
    const done = pipeline(pack, createGzip({ level: 1 }), createWriteStream(out));
    pack.entry({ name: 'manifest.json' }, manifest());
    const size = 1024 * 1024 * 1024;
    const entry = pack.entry({ name: 'host/zeros.txt', size });
    const chunk = Buffer.alloc(1 << 20);
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < size / chunk.length; i++) yield chunk;
        })(),
      ),
      entry,
    );
    pack.finalize();
    await done;
    expect((await fsp.stat(out)).size).toBeLessThan(10 * 1024 * 1024);
    const b = await readBundle(out, { limits: { maxTotalBytes: 64 * 1024 * 1024 } });
    expect(b.files.has('host/zeros.txt')).toBe(false);
    expect(b.files.has('manifest.json')).toBe(true);
    expect(b.problems.map((x) => x.message).join('\n')).toMatch(/total cap/);
  }, 120_000);

  it('keeps what was read before a truncated gzip', async () => {
    const good = await packRaw('good.tgz', [
      { name: 'manifest.json', data: manifest() },
      { name: 'host/a.txt', data: 'a'.repeat(10) },
      { name: 'host/b.txt', data: Buffer.alloc(300_000, 98) },
    ]);
    const bytes = await fsp.readFile(good);
    const cut = join(work, 'cut.tgz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const b = await readBundle(cut);
    expect(b.files.has('manifest.json')).toBe(true);
    expect(b.problems.some((x) => x.severity === 'error' && /truncated|corrupt|tar/.test(x.message))).toBe(true);
  });

  it('reports random bytes as not a bundle', async () => {
    const p = join(work, 'random.tgz');
    writeFileSync(p, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const b = await readBundle(p);
    expect(b.files.size).toBe(0);
    expect(b.problems[0]?.message).toMatch(/not a bundle/);
  });

  it('reports gzip of garbage as a broken archive without throwing', async () => {
    const p = join(work, 'gzgarbage.tgz');
    writeFileSync(p, gzipSync(Buffer.from('this is not a tar archive at all'.repeat(40))));
    const b = await readBundle(p);
    expect(b.files.size).toBe(0);
    expect(b.problems.length).toBeGreaterThan(0);
  });

  it.each([
    ['missing', null, /no manifest.json/, 'warning'],
    ['unknown formatVersion', JSON.stringify({ formatVersion: 2, sources: [] }), /unknown formatVersion 2/, 'error'],
    ['not JSON', '{"formatVersion": 1,', /not valid JSON/, 'error'],
    ['invalid', JSON.stringify({ formatVersion: 1, node: 3 }), /invalid manifest/, 'error'],
  ] as const)('manifest %s is a LoadProblem', async (_name, text, re, severity) => {
    const dir = join(work, `m-${_name.replace(/\W/g, '')}`);
    mkdirSync(join(dir, 'host'), { recursive: true });
    if (text !== null) writeFileSync(join(dir, 'manifest.json'), text);
    writeFileSync(join(dir, 'host', 'uname.txt'), 'Linux\n');
    const b = await readBundle(dir);
    expect(b.manifest).toBeUndefined();
    expect(b.files.has('host/uname.txt')).toBe(true);
    expect(b.problems).toHaveLength(1);
    expect(b.problems[0]).toMatchObject({ file: 'manifest.json', severity });
    expect(b.problems[0]!.message).toMatch(re);
  });

  it('reads a directory without following symlinks', async () => {
    const dir = join(work, 'dirbundle');
    mkdirSync(join(dir, 'host'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), manifest());
    writeFileSync(join(dir, 'host', 'resolv.conf'), 'nameserver 10.0.0.2\n');
    symlinkSync('/etc/passwd', join(dir, 'host', 'passwd'));
    const b = await readBundle(dir);
    expect(b.id).toBe('dirbundle');
    expect([...b.files.keys()].sort()).toEqual(['host/resolv.conf', 'manifest.json']);
    expect(b.problems).toMatchObject([{ file: 'host/passwd', severity: 'error' }]);
  });

  it('throws only when the path cannot be opened', async () => {
    await expect(readBundle(join(work, 'nope.tgz'))).rejects.toThrow(/cannot open/);
  });

  it('gives bundles with the same name unique ids', async () => {
    const dir = join(work, 'dirbundle');
    const bs = await readBundles([dir, dir]);
    expect(bs.map((b) => b.id)).toEqual(['dirbundle', 'dirbundle~2']);
  });
});
