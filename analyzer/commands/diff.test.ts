// `netsnap diff` usage: one-line errors and exit 2 before any bundle is analyzed; -h; options on
// either side of `--`; -o writes the report (html here) and still exits by --fail-on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bundlePaths } from '../../test/scenario-helpers.js';
import { run } from './diff.js';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, out, err };
}

afterEach(() => vi.restoreAllMocks());

const BEFORE = bundlePaths('article-full-story');
const AFTER = bundlePaths('article-fixes-applied');

describe('netsnap diff usage', () => {
  it('-h prints the usage and exits 0', async () => {
    const r = await cli(['-h']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: netsnap diff /);
  });

  const cases: [string, string[], RegExp][] = [
    ['no -- and no --node', ['a', 'b'], /^netsnap diff: no -- between the before and the after bundles\n/],
    ['--node with two sides', ['--node', 'w1', 'a', '--', 'b'], /^netsnap diff: --node takes one collection/],
    [
      'a bad --fail-on',
      ['--fail-on', 'warn', 'a', '--', 'b'],
      /^netsnap diff: --fail-on warn is not one of .*\ndid you mean warning\?\n$/,
    ],
    ['a bad --format', ['--format', 'yaml', 'a', '--', 'b'], /^netsnap diff: --format yaml is not one of/],
    ['nothing after --', ['a', '--'], /^netsnap diff: no after bundle given\n/],
    ['an unknown option after --', ['a', '--', 'b', '--colour'], /^netsnap diff: unknown option --colour\n/],
    ['one option twice with different values', ['--format', 'json', 'a', '--', 'b', '--format', 'text'], /given twice/],
  ];
  for (const [name, args, want] of cases)
    it(`${name}: one line plus a hint, exit 2`, async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(want);
      expect(r.err.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
      expect(r.out).toBe('');
    });

  it('a side that holds no bundle exits 2 naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsnap-diff-empty-'));
    try {
      const r = await cli([...BEFORE, '--', dir]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(dir);
      expect(r.out).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('netsnap diff output', () => {
  it('options after --, -o FILE with --format html: a self-contained page, exit by --fail-on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsnap-diff-out-'));
    try {
      const file = join(dir, 'diff.html');
      const r = await cli([...BEFORE, '--', ...AFTER, '--format', 'html', '-o', file]);
      expect(r.code).toBe(0);
      expect(r.out).toBe('');
      // a page for a ticket quoting unredacted bundles: said on stderr, and in the page
      expect(r.err).toMatch(/warning: this report quotes 6 bundles that were not redacted/);
      const html = readFileSync(file, 'utf8');
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain("default-src 'none'");
      expect(html).not.toMatch(/<script|https?:\/\//);
      expect(html).toContain('<code>SYS-104/node:worker-1</code>');
      expect(html).toContain('none of the 3 bundles is redacted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('text is the default; the after side failing at --fail-on warning exits 1', async () => {
    const r = await cli([...AFTER, '--', ...BEFORE, '--fail-on', 'warning']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^netsnap diff: 0 fixed, 0 still failing, 5 new,/);
  });
});
