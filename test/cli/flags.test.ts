// Issue 20 item 3, through the built binary: the same --format/--json/-o/--demo on analyze,
// inspect, trace and rules; -o writes what stdout would have shown, atomically; --version is
// package.json's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netsnapAsync as netsnap, ROOT, tmp } from './run.js';

const TRACE = ['--from', 'default/web-44x55ssjts-cjglt', '--to', 'kube-system/kube-dns:53'];

describe.concurrent('--json is --format json, everywhere', () => {
  it.each([
    ['analyze', ['--demo', '--fail-on', 'never']],
    ['inspect', ['--demo']],
    ['trace', ['--demo', ...TRACE]],
    ['rules', ['DNS-402']],
  ])('%s', async (cmd, args) => {
    const a = await netsnap([cmd, ...args, '--json']);
    const b = await netsnap([cmd, ...args, '--format', 'json']);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toBe(b.out);
    expect(() => JSON.parse(a.out) as unknown).not.toThrow();
  });

  it('--json with another --format is a usage error', async () => {
    const r = await netsnap(['inspect', '--demo', '--json', '--format', 'text']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(['netsnap inspect: --json and --format text disagree', 'give one of them']);
  });
});

describe.concurrent('-o/--output FILE writes what stdout would show, and nothing else is left', () => {
  it.each([
    ['analyze', ['--demo', '--fail-on', 'never', '--format', 'markdown']],
    ['inspect', ['--demo', '--format', 'json']],
    ['trace', ['--demo', ...TRACE]],
    ['rules', []],
  ])('%s', async (cmd, args) => {
    const dir = tmp(`out-${cmd}`);
    const file = join(dir, 'report.out');
    const printed = await netsnap([cmd, ...args]);
    const written = await netsnap([cmd, ...args, '-o', file]);
    expect(written.code, written.err).toBe(0);
    expect(written.out).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(printed.out);
    expect(readdirSync(dir)).toEqual(['report.out']);
    if (cmd === 'rules') expect((await netsnap([cmd, ...args, '--output', file])).code).toBe(0);
  });

  it('an unwritable path is one line naming it, exit 2', async () => {
    const file = join(tmp('nodir'), 'missing', 'r.json');
    const r = await netsnap(['inspect', '--demo', '--json', '-o', file]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([`netsnap inspect: cannot write ${file}: no such directory`]);
  });
});

describe.concurrent('--demo wherever a bundle is taken', () => {
  it('inspect --demo reads the three demo bundles; trace --demo traces in them', async () => {
    const i = JSON.parse((await netsnap(['inspect', '--demo', '--json'])).out) as { bundles: { node?: string }[] };
    expect(i.bundles.map((b) => b.node).sort()).toEqual(['control-plane', 'worker-1', 'worker-2']);
    const t = await netsnap(['trace', '--demo', ...TRACE, '--json']);
    expect(t.code, t.err).toBe(0);
    expect((JSON.parse(t.out) as { schema: string }).schema).toBe('netsnap.trace/v1');
  });
});

describe.concurrent('--format html on analyze', () => {
  it('is the HTML report, or one line saying this build has none', async () => {
    const r = await netsnap(['analyze', '--demo', '--format', 'html', '--fail-on', 'never']);
    if (r.code === 2) {
      expect(r.errLines.at(-1)).toBe('netsnap analyze: html report not available in this build');
      return console.log('html report not in this build: only the guard was checked');
    }
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^<!DOCTYPE html>/i);
  });
});

describe.concurrent('--version', () => {
  it("is package.json's version, not a literal", async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect((await netsnap(['--version'])).out).toBe(`netsnap ${version}\n`);
    expect((await netsnap(['-V'])).out).toBe(`netsnap ${version}\n`);
  });
});
