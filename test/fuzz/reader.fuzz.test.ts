// Hostile bundles against the reader: every case must end in a RawBundle with problems (or a
// BundleOpenError for a path that cannot be opened), never a crash, a hang, unbounded memory or a
// file written to disk. Numbers of cases are printed for docs/security.md.
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../analyzer/bundle/read.js';
import { buildSnapshot } from '../../analyzer/model/build.js';
import { bundleEntries } from '../../analyzer/model/testing.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { secretBundles } from '../redact/secret-bundles.js';
import { craftTar, type CraftEntry } from './tar-craft.js';
import { paxEntry, MINIMAL_MANIFEST } from '../bundle/hostile-tar.js';
import { FUZZ_RUNS, recordCases } from './budget.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-fuzz-reader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Buffer, ext = '.tar.gz'): string => {
  const p = join(tmp, `case-${n++}${ext}`);
  writeFileSync(p, bytes);
  return p;
};

/**
 * The files next to the bundle, to prove reading extracted nothing there. (Other suites write to
 * tmpdir() and the cwd in parallel, so only this private directory can be watched.)
 */
const listing = (): string => readdirSync(tmp, { recursive: true }).map(String).sort().join('\n');

async function readsSafely(path: string, limits = {}): Promise<Awaited<ReturnType<typeof readBundle>>> {
  const before = listing();
  const raw = await readBundle(path, { limits });
  expect(listing()).toBe(before);
  rmSync(path, { recursive: true, force: true });
  for (const p of raw.files.keys()) {
    expect(p.startsWith('/')).toBe(false);
    expect(p.split('/')).not.toContain('..');
  }
  // and the rest of the pipeline survives whatever got through
  analyze(buildSnapshot([raw]));
  return raw;
}

const messages = (raw: { problems: readonly { message: string }[] }) => raw.problems.map((p) => p.message).join('\n');

describe('reader: crafted archives', () => {
  const cases: [string, CraftEntry[], RegExp][] = [
    ['path traversal', [{ name: '../../etc/cron.d/evil', data: 'x' }], /path traversal/],
    ['absolute name', [{ name: '/etc/passwd', data: 'x' }], /absolute path/],
    ['symlink', [{ name: 'host/resolv.conf', type: '2', linkname: '/etc/shadow' }], /refused symlink entry/],
    ['hardlink', [{ name: 'host/resolv.conf', type: '1', linkname: 'manifest.json' }], /refused link entry/],
    ['char device', [{ name: 'dev/zero', type: '3' }], /refused character-device entry/],
    ['block device', [{ name: 'dev/sda', type: '4' }], /refused block-device entry/],
    ['fifo', [{ name: 'host/fifo', type: '6' }], /refused fifo entry/],
    [
      'duplicate names',
      [
        { name: 'host/sysctl.txt', data: 'net.ipv4.ip_forward = 1\n' },
        { name: 'host/sysctl.txt', data: 'net.ipv4.ip_forward = 0\n' },
      ],
      /duplicate entry/,
    ],
  ];
  for (const [what, entries, expected] of cases) {
    it(`refuses ${what} and keeps reading`, async () => {
      const raw = await readsSafely(
        file(gzipSync(craftTar([{ name: 'manifest.json', data: MINIMAL_MANIFEST }, ...entries]))),
      );
      expect(messages(raw)).toMatch(expected);
      expect(raw.manifest?.node).toBe('n1');
      if (what === 'duplicate names') expect(raw.files.get('host/sysctl.txt')!.toString()).toContain('= 1');
    });
  }

  it('skips an entry declaring 64 GiB without trying to hold it', async () => {
    const raw = await readsSafely(
      file(
        gzipSync(
          craftTar(
            [
              { name: 'manifest.json', data: MINIMAL_MANIFEST },
              { name: 'host/iptables-save.txt', data: 'tiny', declaredSize: 64 * 2 ** 30 },
            ],
            { end: false },
          ),
        ),
      ),
    );
    expect(messages(raw)).toMatch(/per-entry cap|truncated|not a valid tar/);
    expect(raw.files.has('host/iptables-save.txt')).toBe(false);
  });

  it('stops a decompression bomb at the total cap', async () => {
    const bomb = gzipSync(
      craftTar([
        { name: 'manifest.json', data: MINIMAL_MANIFEST },
        { name: 'host/a.txt', data: Buffer.alloc(20 << 20) },
        { name: 'host/b.txt', data: Buffer.alloc(20 << 20) },
      ]),
      { level: 1 },
    );
    expect(bomb.length).toBeLessThan(1 << 20); // 40 MiB from under 1 MiB
    const raw = await readsSafely(file(bomb), { maxTotalBytes: 24 << 20 });
    expect(messages(raw)).toMatch(/total cap/);
    expect(raw.files.has('host/b.txt')).toBe(false);
  });

  it('reports truncated and corrupted gzip, keeping what came before', async () => {
    const good = gzipSync(
      craftTar([
        { name: 'manifest.json', data: MINIMAL_MANIFEST },
        { name: 'host/big.txt', data: Buffer.alloc(1 << 20, 97) },
      ]),
    );
    const truncated = await readsSafely(file(good.subarray(0, good.length - 2000)));
    expect(messages(truncated)).toMatch(/truncated gzip/);
    const corrupt = Buffer.from(good);
    for (let i = 200; i < 400; i++) corrupt[i] = 0xff;
    expect(messages(await readsSafely(file(corrupt)))).toMatch(
      /corrupted gzip|truncated|not a valid tar|could not read/,
    );
    expect(messages(await readsSafely(file(Buffer.from('not a bundle at all'), '.bin')))).toMatch(/not a bundle/);
  });

  it('refuses a symlink inside an unpacked bundle directory', async () => {
    const dir = join(tmp, 'dir-bundle');
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync, symlinkSync } = await import('node:fs');
    mkdirSync(join(dir, 'host'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), MINIMAL_MANIFEST);
    symlinkSync('/etc/shadow', join(dir, 'host', 'resolv.conf'));
    const raw = await readsSafely(dir);
    expect(messages(raw)).toMatch(/refused symbolic link/);
    expect(raw.files.has('host/resolv.conf')).toBe(false);
  });
});

describe('reader: mutated real bundles (property)', () => {
  const real = bundleEntries(secretBundles()[0]!).map((e) => ({ name: e.path, data: e.data }));
  const tarBytes = craftTar(real);
  const gz = gzipSync(tarBytes);
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat(255) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 600 }) }),
  );
  const mutate = (buf: Buffer, ms: readonly (typeof mutation extends fc.Arbitrary<infer T> ? T : never)[]): Buffer => {
    let b = Buffer.from(buf);
    for (const m of ms) {
      const at = m.at % Math.max(1, b.length);
      if (m.kind === 'flip') b[at] = m.byte;
      else if (m.kind === 'cut') b = b.subarray(0, at);
      else b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    }
    return b;
  };

  it('never throws on mutated .tar.gz bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (ms) => void (await readsSafely(file(mutate(gz, ms)))),
      ),
      { numRuns: FUZZ_RUNS.archive },
    );
    recordCases('reader: mutated .tar.gz', FUZZ_RUNS.archive);
  });

  it('never throws on mutated tar bytes (gzip intact)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (ms) => void (await readsSafely(file(gzipSync(mutate(tarBytes, ms))))),
      ),
      { numRuns: FUZZ_RUNS.archive },
    );
    recordCases('reader: mutated tar inside gzip', FUZZ_RUNS.archive);
  });

  it('never throws on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        async (bytes) => void (await readsSafely(file(Buffer.from(bytes), '.tar'))),
      ),
      { numRuns: FUZZ_RUNS.random },
    );
    recordCases('reader: random bytes', FUZZ_RUNS.random);
  });
});

describe('reader: valid archives are read whole (property)', () => {
  // file bodies with runs of zero blocks, PAX-named entries and gzip split into several members at
  // random points: the end-of-archive guard and the hand-read gzip framing must never stop early
  const body = fc
    .array(fc.oneof(fc.constant(0), fc.nat(3)), { maxLength: 6 })
    .map((runs) => Buffer.concat(runs.map((r, i) => Buffer.alloc(r === 0 ? 1024 : 300 * r, i % 2 ? 0 : 97))));
  const entry = fc.record({ pax: fc.boolean(), data: body });

  it('every entry of a valid archive is read, with no problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        async (entries, cuts) => {
          const parts = entries.map((e, i) =>
            e.pax
              ? paxEntry({ name: `host/pax-${i}-${'p'.repeat(120)}.txt`, data: e.data })
              : craftTar([{ name: `host/plain-${i}.txt`, data: e.data }], { end: false }),
          );
          const tarBytes = Buffer.concat([
            craftTar([{ name: 'manifest.json', data: MINIMAL_MANIFEST }], { end: false }),
            ...parts,
            Buffer.alloc(1024),
          ]);
          const at = [...new Set(cuts.map((c) => c % tarBytes.length))].sort((a, b) => a - b);
          const pieces = [0, ...at, tarBytes.length]
            .slice(1)
            .map((end, i, ends) => tarBytes.subarray(i ? ends[i - 1] : 0, end));
          const gz = Buffer.concat(pieces.filter((p) => p.length).map((p) => gzipSync(p)));
          const raw = await readsSafely(file(gz));
          expect(raw.problems).toEqual([]);
          expect(raw.files.size).toBe(entries.length + 1);
        },
      ),
      { numRuns: FUZZ_RUNS.archive },
    );
    recordCases('reader: valid archives, multi-member gzip', FUZZ_RUNS.archive);
  });
});
