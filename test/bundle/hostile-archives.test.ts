// Issue 21, reader: name bombs, damaged gzip, data after the end-of-archive marker. Each case ends
// in a RawBundle whose problems say what happened, with every readable entry kept.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../analyzer/bundle/read.js';
import { craftTar } from '../fuzz/tar-craft.js';
import { gnuLongEntry, manyMemberGzip, paxEntry, plainEntries, MINIMAL_MANIFEST } from './hostile-tar.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Buffer, ext = '.tar.gz'): string => {
  const p = join(tmp, `case-${n++}${ext}`);
  writeFileSync(p, bytes);
  return p;
};
const MiB = 1024 * 1024;
const HEAD = [
  { name: 'manifest.json', data: MINIMAL_MANIFEST },
  { name: 'host/sysctl.txt', data: 'net.ipv4.ip_forward = 1\n' },
];

/** what GNU tar lists, or undefined when tar is not installed */
function gnuTarList(path: string): string[] | undefined {
  const r = spawnSync('tar', ['-tzf', path], { encoding: 'utf8' });
  if (r.error) {
    console.log(`skipped the GNU tar comparison: ${r.error.message}`);
    return undefined;
  }
  return r.stdout.split('\n').filter(Boolean).sort();
}

const countOf = (message: string): number => Number(/refused (\d+) entries like this/.exec(message)?.[1] ?? 1);

describe('name bombs', () => {
  it('refused entries with 4 MiB names are counted per kind; names are cut before they are kept', async () => {
    const big = 'a'.repeat(4 * MiB - 64);
    const half = big.slice(0, 2 * MiB - 64); // path and link target share tar-stream's 4 MiB header cap
    const N = 16;
    const path = file(
      manyMemberGzip(
        plainEntries(HEAD),
        [
          paxEntry({ name: `../${big}`, data: 'x' }),
          paxEntry({ name: `host/${half}`, type: '2', linkname: `/etc/${half}` }),
          paxEntry({ name: `host/${big}`, data: 'x' }),
          gnuLongEntry({ name: `cluster/${big}`, data: 'x' }),
        ],
        N,
      ),
    );
    const raw = await readBundle(path);
    expect(raw.manifest?.node).toBe('n1');
    expect([...raw.files.keys()].sort()).toEqual(['host/sysctl.txt', 'manifest.json']);
    // one problem per kind, with the count; every name cut to a few hundred characters
    const refusals = raw.problems.filter((p) => /^refused/.test(p.message));
    expect(refusals.map((p) => countOf(p.message))).toEqual([N, N, 2 * N]);
    expect(refusals.map((p) => p.message)).toEqual([
      expect.stringMatching(/path traversal/),
      expect.stringMatching(/refused symlink entry/),
      expect.stringMatching(/name of \d+ bytes/),
    ]);
    for (const p of raw.problems) {
      expect(p.file.length).toBeLessThanOrEqual(300);
      expect(p.message.length).toBeLessThanOrEqual(2000);
    }
    expect(raw.problems.length).toBeLessThanOrEqual(8);
    expect(JSON.stringify(raw.problems).length).toBeLessThan(16 * 1024);
    expect(raw.problems[0]?.file).toMatch(/^\.\.\/a{100,}…\(4194243 bytes\)$/);
  });
});

describe('damaged gzip: the entries before the damage are kept, and the problem says where it stopped', () => {
  const entries = [
    ...HEAD,
    { name: 'host/a.txt', data: 'a'.repeat(3000) },
    { name: 'host/b.txt', data: Buffer.alloc(200_000, 98) },
  ];
  const gz = gzipSync(craftTar(entries));
  const all = entries.map((e) => e.name).sort();

  it('trailing garbage after the gzip stream: every entry, and a warning naming the byte', async () => {
    const path = file(Buffer.concat([gz, Buffer.from('garbage after the end, not gzip')]));
    const raw = await readBundle(path);
    expect([...raw.files.keys()].sort()).toEqual(all);
    expect(gnuTarList(path) ?? all).toEqual(all);
    expect(raw.problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining(`byte ${gz.length}`) }),
    ]);
    expect(raw.problems[0]!.message).toMatch(/ignored/);
  });

  it('zero padding after the gzip stream is no problem', async () => {
    const raw = await readBundle(file(Buffer.concat([gz, Buffer.alloc(4096)])));
    expect([...raw.files.keys()].sort()).toEqual(all);
    expect(raw.problems).toEqual([]);
  });

  it('a wrong CRC: every entry kept (as GNU tar lists them), and an error saying the check failed', async () => {
    const bad = Buffer.from(gz);
    bad[bad.length - 6] = bad[bad.length - 6]! ^ 0xff;
    const path = file(bad);
    const raw = await readBundle(path);
    expect([...raw.files.keys()].sort()).toEqual(all);
    expect(gnuTarList(path) ?? all).toEqual(all);
    expect(raw.problems).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(raw.problems[0]!.message).toMatch(/CRC/);
    expect(raw.problems[0]!.message).toMatch(/kept the 4 entries/);
  });

  it('truncated inside the last entry: the entries before it are kept, the cut one is named', async () => {
    const cut = gz.subarray(0, gz.length - 60);
    const path = file(cut);
    const raw = await readBundle(path);
    const before = all.filter((p) => p !== 'host/b.txt');
    expect([...raw.files.keys()].sort()).toEqual(before);
    // GNU tar lists the header of the cut entry too
    expect(gnuTarList(path) ?? all).toEqual(all);
    expect(raw.problems).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(raw.problems[0]!.message).toMatch(new RegExp(`ends early at byte ${cut.length}`));
    expect(raw.problems[0]!.message).toMatch(/kept the 3 entries/);
    expect(raw.problems[0]!.message).toMatch(/host\/b\.txt/);
  });

  it('a plain tar cut short keeps what came before', async () => {
    const tar = craftTar(entries);
    const raw = await readBundle(file(tar.subarray(0, 512 * 12), '.tar'));
    expect([...raw.files.keys()].sort()).toEqual(['host/a.txt', 'host/sysctl.txt', 'manifest.json']);
    expect(raw.problems.map((p) => p.severity)).toEqual(['error']);
  });
});

describe('the end-of-archive marker', () => {
  it('an entry after the marker is not read, and a warning says data follows it', async () => {
    const tar = Buffer.concat([craftTar(HEAD), craftTar([{ name: 'host/after.txt', data: 'x' }])]);
    const path = file(gzipSync(tar));
    const raw = await readBundle(path);
    expect([...raw.files.keys()].sort()).toEqual(['host/sysctl.txt', 'manifest.json']);
    expect(gnuTarList(path) ?? ['host/sysctl.txt', 'manifest.json']).toEqual(['host/sysctl.txt', 'manifest.json']);
    expect(raw.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/follows the end-of-archive marker/),
      }),
    ]);
  });

  it('zero blocks inside file data and zero padding after the marker are not mistaken for it', async () => {
    const zeros = Buffer.alloc(4096);
    const tar = Buffer.concat([
      craftTar([...HEAD, { name: 'host/zeros.bin', data: zeros }, { name: 'host/after-zeros.txt', data: 'y' }]),
      Buffer.alloc(10240 - 512 * 14),
    ]);
    for (const bytes of [tar, gzipSync(tar)]) {
      const raw = await readBundle(file(bytes, bytes === tar ? '.tar' : '.tar.gz'));
      expect([...raw.files.keys()].sort()).toEqual([
        'host/after-zeros.txt',
        'host/sysctl.txt',
        'host/zeros.bin',
        'manifest.json',
      ]);
      expect(raw.problems).toEqual([]);
    }
  });

  it('a PAX size= override is followed: the entry after it is read', async () => {
    const data = Buffer.alloc(1024);
    const pax = Buffer.from('16 size=1024\n\0\0\0'.slice(0, 13));
    const { tarHeader } = await import('../fuzz/tar-craft.js');
    const tar = Buffer.concat([
      craftTar(HEAD, { end: false }),
      tarHeader({ name: 'PaxHeaders/z', type: 'x' }, pax.length),
      pax,
      Buffer.alloc(512 - pax.length),
      tarHeader({ name: 'host/paxsized.bin' }, 0),
      data,
      craftTar([{ name: 'host/next.txt', data: 'n' }]),
    ]);
    const raw = await readBundle(file(tar, '.tar'));
    expect(raw.files.get('host/paxsized.bin')?.length).toBe(1024);
    expect(raw.files.has('host/next.txt')).toBe(true);
    expect(raw.problems).toEqual([]);
  });
});
