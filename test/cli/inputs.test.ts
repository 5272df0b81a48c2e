// Issue 20 item 1, through the built binary: whatever yields no readable bundle is exit 2 with one
// line naming the path and why, on analyze, inspect and trace, and on the TUI path too (decided
// before any screen); a partly readable set analyzes what it can and names what it skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, DEMO, netsnap, tmp } from './run.js';

const demoBundles = () =>
  readdirSync(DEMO)
    .filter((n) => n.startsWith('netsnap-'))
    .map((n) => join(DEMO, n));

let dir: string;
const bad: Record<string, string> = {};

beforeAll(() => {
  dir = tmp('inputs');
  bad.empty = join(dir, 'empty');
  mkdirSync(bad.empty);
  bad.random = join(dir, 'random.bin');
  // fixed bytes that are neither gzip nor tar (no magic at offset 0 or 257)
  writeFileSync(bad.random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 251)));
  const unrelated = join(dir, 'unrelated');
  mkdirSync(unrelated);
  writeFileSync(join(unrelated, 'notes.txt'), 'hello\n');
  writeFileSync(join(unrelated, 'photo.jpg'), 'not really\n');
  bad.tarball = join(dir, 'unrelated.tar.gz');
  execFileSync('tar', ['czf', bad.tarball, '-C', unrelated, '.']);
  if (existsSync('/etc/hostname')) bad.hostname = '/etc/hostname';
});

describe('no readable bundle: exit 2, one line naming the path and why', () => {
  for (const cmd of ['analyze', 'inspect', 'trace'] as const)
    it.each(['empty', 'random', 'tarball', 'hostname'])(`${cmd} %s`, (which) => {
      const path = bad[which];
      if (!path) return console.log(`skipped: no ${which} input on this machine`);
      const extra = cmd === 'analyze' ? ['--format', 'text'] : cmd === 'trace' ? ['--from', 'a', '--to', 'b'] : [];
      const r = netsnap([cmd, path, ...extra]);
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      expect(r.errLines).toHaveLength(1);
      expect(r.errLines[0]).toMatch(new RegExp(`^netsnap ${cmd}: ${path.replace(/[.]/g, '\\.')}: \\S`));
      expect(r.err).not.toMatch(/PASS|usage:|at .*\.js:\d+/);
    });

  it('a missing file is named once', () => {
    const missing = join(dir, 'no-such-bundle.tar.gz');
    const r = netsnap(['analyze', missing, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.err.split(missing).length - 1).toBe(1);
  });

  it('the TUI path exits 2 too, without drawing layers (a real pty via script(1))', () => {
    const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (script.status !== 0) return console.log('skipped: script(1) (util-linux) is not installed');
    const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI} analyze ${bad.empty}`, '/dev/null'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, TERM: 'xterm' },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`netsnap analyze: ${bad.empty}: `);
    expect(r.stdout).not.toMatch(/PASS|FAIL|overview/);
  });

  it("BND-902's suggested `netsnap inspect <file>` on such a file says why, and does not crash", () => {
    const cwd = tmp('garbage');
    writeFileSync(join(cwd, 'garbage'), 'this is not a bundle\n');
    const r = netsnap(['inspect', 'garbage'], { cwd });
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([expect.stringMatching(/^netsnap inspect: .*garbage: not a bundle/)]);
  });
});

describe('a partly readable set', () => {
  it('analyzes the bundles and names each input it skipped on stderr', () => {
    const r = netsnap([
      'analyze',
      ...demoBundles(),
      bad.random!,
      bad.tarball!,
      '--format',
      'json',
      '--fail-on',
      'never',
    ]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { bundles?: unknown[]; findings: { ruleId: string; status: string }[] };
    const fails = j.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId);
    expect(fails).toEqual(expect.arrayContaining(['SYS-104', 'DNS-402']));
    expect(r.errLines.filter((l) => l.includes(': skipped '))).toEqual([
      expect.stringContaining(`skipped ${bad.random}: `),
      expect.stringContaining(`skipped ${bad.tarball}: `),
    ]);
  });
});

describe('a folder of bundles (a directory without manifest.json)', () => {
  it('reads each bundle folder inside it: the demo folder is three bundles', () => {
    const r = netsnap(['inspect', DEMO, '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { bundles: { node?: string }[] };
    expect(j.bundles.map((b) => b.node).sort()).toEqual(['control-plane', 'worker-1', 'worker-2']);
  });

  it('reads each .tar.gz inside it, and skips what is not a bundle', () => {
    const folder = join(tmp('folder'), 'bundles');
    mkdirSync(folder);
    for (const b of demoBundles()) execFileSync('tar', ['czf', join(folder, `${basename(b)}.tar.gz`), '-C', b, '.']);
    cpSync(bad.random!, join(folder, 'random.bin'));
    const r = netsnap(['analyze', folder, '--format', 'json', '--fail-on', 'never']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { findings: { ruleId: string; status: string }[] };
    expect(j.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['SYS-104', 'DNS-402']),
    );
    expect(r.err).toMatch(/random\.bin/);
  });
});

describe("BND-902's fix command runs as printed", () => {
  it('`netsnap inspect <bundle id>` finds the archive the id came from', () => {
    const cwd = tmp('bnd902');
    const unpacked = join(cwd, 'unpacked');
    cpSync(
      demoBundles().find((b) => b.includes('worker-1'))!,
      unpacked,
      { recursive: true },
    );
    writeFileSync(join(unpacked, 'host', 'ip-route.json'), '{"broken":');
    execFileSync('tar', ['czf', join(cwd, 'netsnap-w1.tar.gz'), '-C', unpacked, '.']);
    const r = netsnap(['analyze', 'netsnap-w1.tar.gz', '--json', '--fail-on', 'never'], { cwd });
    const j = JSON.parse(r.out) as {
      findings: { ruleId: string; status: string; remediation?: { commands: string[] } }[];
    };
    const f = j.findings.find((x) => x.ruleId === 'BND-902' && x.status === 'warn');
    const command = f?.remediation?.commands[0] ?? '';
    expect(command).toMatch(/^netsnap inspect \S+$/);
    const fix = netsnap(command.split(' ').slice(1), { cwd });
    expect(fix.code, fix.err).toBe(0);
    expect(fix.out).toMatch(/host\/ip-route\.json(:\d+)? +error/);
  });
});
