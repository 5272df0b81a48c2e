// The shared argument helpers: every usage error is two lines (what, hint) and exit 2; -o writes
// atomically; the format alias and the kubectl `-o json` habit.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  closest,
  FORMAT_OPTIONS,
  formatOf,
  HELP_OPTION,
  outputOf,
  parseCommand,
  writeOutput,
} from '../../analyzer/commands/args.js';

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return { out: () => out, err: () => err };
}
afterEach(() => vi.restoreAllMocks());

const OPTS = { ...FORMAT_OPTIONS, ...HELP_OPTION, 'fail-on': { type: 'string' } } as const;

describe('parseCommand', () => {
  it.each([
    [['--formt', 'json'], 'netsnap x: unknown option --formt', 'did you mean --format?'],
    [['--format'], 'netsnap x: --format needs a value', 'see netsnap x -h'],
    [['--format', '--json'], 'netsnap x: --format needs a value, got the option --json', 'write --format=--json'],
    [['--json=1'], 'netsnap x: --json takes no value (got "1")', 'see netsnap x -h'],
    [['-x'], 'netsnap x: unknown option -x', 'see netsnap x -h'],
    [['--fail_on', 'never'], 'netsnap x: unknown option --fail_on', 'did you mean --fail-on?'],
  ])('%j is one line and one hint, exit 2', (argv, what, hint) => {
    const c = capture();
    const r = parseCommand('x', argv, OPTS, 'usage: netsnap x');
    vi.restoreAllMocks();
    expect(r).toEqual({ exit: 2 });
    expect(c.err()).toBe(`${what}\n${hint}\n`);
    expect(c.out()).toBe('');
  });

  it('parses values and positionals; -h prints the usage and exits 0', () => {
    const r = parseCommand('x', ['a', '-o', 'f.json', '--json', '--', '-b'], OPTS);
    expect(r).toEqual({ values: { output: 'f.json', json: true }, positionals: ['a', '-b'] });
    const c = capture();
    expect(parseCommand('x', ['-h'], OPTS, 'usage: netsnap x')).toEqual({ exit: 0 });
    vi.restoreAllMocks();
    expect(c.out()).toBe('usage: netsnap x\n');
  });
});

describe('formatOf / outputOf', () => {
  it('--json is --format json; a format outside the list is a usage error with a suggestion', () => {
    expect(formatOf('x', { json: true }, ['text', 'json'])).toBe('json');
    expect(formatOf('x', {}, ['text', 'json'], 'text')).toBe('text');
    const c = capture();
    expect(formatOf('x', { format: 'jsno' }, ['text', 'json'])).toBe(2);
    expect(formatOf('x', { format: 'text', json: true }, ['text', 'json'])).toBe(2);
    vi.restoreAllMocks();
    expect(c.err().split('\n')).toEqual([
      'netsnap x: --format jsno is not one of text, json',
      'did you mean json?',
      'netsnap x: --json and --format text disagree',
      'give one of them',
      '',
    ]);
  });

  it('-o json is caught as a format, -o - is stdout', () => {
    const c = capture();
    expect(outputOf('x', { output: 'json' })).toBe(2);
    vi.restoreAllMocks();
    expect(c.err()).toContain('did you mean --format json?');
    expect(outputOf('x', { output: '-' })).toBeUndefined();
    expect(outputOf('x', { output: 'r.json' })).toBe('r.json');
  });
});

describe('writeOutput', () => {
  it('replaces the file by rename and leaves no temp file; an unwritable path names the path once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsnap-out-'));
    const f = join(dir, 'r.txt');
    writeFileSync(f, 'old');
    writeOutput(f, 'new');
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['r.txt']);
    expect(() => writeOutput(join(dir, 'no', 'r.txt'), 'x')).toThrow(/^cannot write .*no\/r\.txt: no such directory$/);
    expect(() => writeOutput(dir, 'x')).toThrow(/it is a directory/);
    expect(readdirSync(dir)).toEqual(['r.txt']);
  });
});

describe('closest', () => {
  it('ranks by edit distance, and takes substrings', () => {
    expect(closest('DNS-40', ['DNS-401', 'DNS-402', 'SYS-104', 'NET-201'])).toEqual(['DNS-401', 'DNS-402']);
    expect(closest('web', ['default/web-7d9c', 'kube-system/coredns-1'])).toEqual(['default/web-7d9c']);
    expect(closest('zzzz', ['DNS-401'])).toEqual([]);
  });
});
