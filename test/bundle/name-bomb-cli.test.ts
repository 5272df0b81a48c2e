// Issue 21: a tar.gz of refused entries with huge PAX names through the BUILT netsnap. Before, analyze
// died with "heap out of memory", inspect with "Invalid string length" and redact wrote gigabytes
// to stderr. Now each finishes with a small heap (--max-old-space-size) and prints kilobytes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli/run.js';
import { manyMemberGzip, paxEntry, plainEntries, MINIMAL_MANIFEST } from './hostile-tar.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-namebomb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const bomb = join(tmp, 'netsnap-n1.tar.gz');
const ENTRIES = 300;
const NAME = 1024 * 1024;

beforeAll(() => {
  const manifest = MINIMAL_MANIFEST;
  const head = plainEntries([
    { name: 'manifest.json', data: manifest },
    { name: 'host/sysctl.txt', data: 'net.ipv4.ip_forward = 0\n' },
  ]);
  // 300 refused entries with 1 MiB names: ~300 MB of names from a ~300 KB file
  writeFileSync(bomb, manyMemberGzip(head, [paxEntry({ name: `../${'a'.repeat(NAME)}`, data: 'x' })], ENTRIES));
});

const TIME = '/usr/bin/time';

/** run the CLI with a 128 MB heap; maxRssKb from GNU time when it is installed */
function run(args: string[]): { code: number | null; out: string; err: string; maxRssKb?: number } {
  const node = [process.execPath, '--max-old-space-size=128', CLI, ...args];
  const timed = existsSync(TIME);
  const r = spawnSync(timed ? TIME : node[0]!, timed ? ['-f', 'maxrss=%M', ...node] : node.slice(1), {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let err = r.stderr ?? '';
  let maxRssKb: number | undefined;
  const m = /maxrss=(\d+)\n?$/.exec(err);
  if (m) {
    maxRssKb = Number(m[1]);
    err = err.slice(0, m.index);
  }
  return { code: r.status, out: r.stdout ?? '', err, maxRssKb };
}

function bounded(r: ReturnType<typeof run>): void {
  expect(r.err).not.toMatch(/heap out of memory|Invalid string length/);
  expect(r.err.length).toBeLessThan(16 * 1024);
  if (r.maxRssKb === undefined) console.log(`skipped the RSS check: ${TIME} (apt package time) is not installed`);
  else expect(r.maxRssKb).toBeLessThan(512 * 1024);
}

describe('a name bomb through the built CLI', () => {
  it('analyze finishes on the readable rest, with the refusals counted in one problem', () => {
    const r = run(['analyze', bomb, '--format', 'json', '--fail-on', 'never']);
    bounded(r);
    expect(r.code, r.err).toBe(0);
    expect(r.out.length).toBeLessThan(1024 * 1024);
    const j = JSON.parse(r.out) as { problems?: { file: string; message: string }[] };
    const refused = (j.problems ?? []).filter((p) => /path traversal/.test(p.message));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toMatch(new RegExp(`refused ${ENTRIES} entries like this`));
  });

  it('inspect and redact print kilobytes, not the names', () => {
    const i = run(['inspect', bomb, '--format', 'json']);
    bounded(i);
    expect(i.code, i.err).toBe(0);
    expect(i.out.length).toBeLessThan(1024 * 1024);
    const r = run(['redact', bomb, '-o', join(tmp, 'out.tar.gz')]);
    bounded(r);
    expect(r.out.length + r.err.length).toBeLessThan(16 * 1024);
  });
});
