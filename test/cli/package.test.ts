// Issue 20 item 4: the npm package ships only what runs, and runs from its installed layout.
// `npm pack --dry-run --json` is the list npm would publish; then the real tarball is unpacked
// the way `npm install -g` lays it out (lib/node_modules/netsnap, bin/ links, bins made
// executable) and used: --version, the demo, the collector, and `kubectl netsnap` as a plugin.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { netsnap, ROOT, tmp } from './run.js';

interface Packed {
  size: number;
  unpackedSize: number;
  entryCount: number;
  filename: string;
  files: { path: string }[];
}

const npm = (args: string[], cwd = ROOT): Packed =>
  (JSON.parse(execFileSync('npm', args, { cwd, encoding: 'utf8', timeout: 120_000 })) as Packed[])[0]!;

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

describe('npm pack --dry-run --json', () => {
  let packed: Packed;
  let paths: string[];
  beforeAll(() => {
    packed = npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
    paths = packed.files.map((f) => f.path);
  });

  it('holds the CLI, the TUI, the collector, the demo bundle, docs, LICENSE and README', () => {
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/bundle/netsnap.js',
        'dist/bundle/read-worker.js',
        'dist/bundle/tui-start.js',
        'collector/netsnap-collect.sh',
        'fixtures/scenarios/article-full-story/netsnap-worker-1-20241120T093047Z/manifest.json',
        'docs/cli.md',
        'docs/bundle-format.md',
        'LICENSE',
        'README.md',
        'package.json',
      ]),
    );
    for (const bin of Object.values(pkg.bin)) expect(paths).toContain(bin);
    expect(Object.keys(pkg.bin).sort()).toEqual(['kubectl-netsnap', 'netsnap']);
  });

  it('holds no tests, benchmarks, source maps, build info, test helpers or other scenarios', () => {
    const stray = paths.filter(
      (p) =>
        /\.(map|ts|tsx|tsbuildinfo)$/.test(p) ||
        /\.test\.js$/.test(p) ||
        /^dist\/(test|bench|fixtures)\//.test(p) ||
        /(^|\/)testing(\/|\.js$|-)|-testing\.js$/.test(p) ||
        /^dist\/tui\/bench-/.test(p) ||
        (p.startsWith('fixtures/') && !p.startsWith('fixtures/scenarios/article-full-story/')) ||
        /^(test|bench|analyzer|tui)\//.test(p),
    );
    expect(stray).toEqual([]);
  });

  it('stays small: under 4 MB unpacked and 800 files (it was 26.7 MB and 3,784)', () => {
    console.log(`npm pack: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
    expect(packed.unpackedSize).toBeLessThan(4 * 1024 * 1024);
    expect(packed.entryCount).toBeLessThan(800);
  });
});

describe('installed from the tarball', () => {
  let prefix: string;
  let bin: string;
  beforeAll(() => {
    prefix = tmp('prefix');
    const packed = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', prefix]);
    const lib = join(prefix, 'lib', 'node_modules', 'netsnap');
    mkdirSync(lib, { recursive: true });
    execFileSync('tar', ['xzf', join(prefix, packed.filename), '-C', lib, '--strip-components=1']);
    // npm install would put the dependencies here; the repo's are the same versions
    symlinkSync(join(ROOT, 'node_modules'), join(lib, 'node_modules'));
    bin = join(prefix, 'bin');
    mkdirSync(bin);
    for (const [name, target] of Object.entries(pkg.bin)) {
      chmodSync(join(lib, target), 0o755);
      symlinkSync(join(lib, target), join(bin, name));
    }
  });

  it('netsnap --version is the package version', () => {
    expect(netsnap(['--version'], { bin: join(bin, 'netsnap') }).out).toBe(`netsnap ${pkg.version}\n`);
  });

  it('the demo runs from the installed layout', () => {
    const r = netsnap(['analyze', '--demo', '--format', 'json', '--fail-on', 'never'], { bin: join(bin, 'netsnap') });
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { findings: { ruleId: string; status: string }[] };
    expect(j.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['SYS-104', 'DNS-402']),
    );
  });

  it('netsnap collector hands out the shipped script', () => {
    const r = netsnap(['collector'], { bin: join(bin, 'netsnap') });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(readFileSync(join(ROOT, 'collector', 'netsnap-collect.sh'), 'utf8'));
  });

  it('kubectl netsnap is the plugin (the real kubectl, when installed)', () => {
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (kubectl.error) return console.log('skipped: kubectl is not installed');
    const r = spawnSync('kubectl', ['netsnap', '--version'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, KUBECONFIG: '/dev/null' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`netsnap ${pkg.version}\n`);
    const list = spawnSync('kubectl', ['plugin', 'list'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    expect(list.stdout).toContain(join(bin, 'kubectl-netsnap'));
  });
});
