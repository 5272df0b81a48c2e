// Issue 20 item 4, through the built binary: `netsnap collector` hands out the exact script with
// its sha256; `netsnap completion` prints scripts the shells accept and that complete.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netsnap, ROOT, tmp } from './run.js';

const SCRIPT = readFileSync(join(ROOT, 'collector', 'netsnap-collect.sh'));
const SHA = createHash('sha256').update(SCRIPT).digest('hex');

describe('netsnap collector', () => {
  it('-o FILE writes the exact script, executable, and prints its sha256 in sha256sum -c form', () => {
    const dir = tmp('collector');
    const r = netsnap(['collector', '-o', 'netsnap-collect.sh'], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    const file = join(dir, 'netsnap-collect.sh');
    expect(readFileSync(file).equals(SCRIPT)).toBe(true);
    expect(statSync(file).mode & 0o111).not.toBe(0);
    expect(r.errLines).toEqual([`${SHA}  netsnap-collect.sh`]);
    const check = spawnSync('sha256sum', ['-c', '-'], { cwd: dir, input: r.err, encoding: 'utf8' });
    if (check.error) console.log('sha256sum not installed: the -c round trip was not run');
    else expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('without -o, to a pipe: the same bytes on stdout', () => {
    const r = netsnap(['collector']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(SCRIPT.toString('utf8'));
    expect(r.errLines).toEqual([`${SHA}  -`]);
  });

  it('a stray argument is a usage error', () => {
    const r = netsnap(['collector', 'out.sh']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(['netsnap collector: unexpected argument "out.sh"', 'write -o FILE']);
  });
});

const has = (tool: string): boolean => spawnSync(tool, ['--version'], { encoding: 'utf8' }).error === undefined;

describe('netsnap completion', () => {
  it('bash: the script parses, registers `complete -p netsnap`, and completes commands, flags and values', () => {
    if (!has('bash')) return console.log('skipped: bash is not installed');
    const r = netsnap(['completion', 'bash']);
    expect(r.code, r.err).toBe(0);
    const file = join(tmp('bash'), 'netsnap.bash');
    writeFileSync(file, r.out);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    const probe = `source ${file}
complete -p netsnap
c() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _netsnap; printf '%s\\n' "\${COMPREPLY[@]}" | sort | xargs; }
c netsnap ana
c netsnap analyze --form
c netsnap analyze --format ''
c netsnap trace --format ''
c netsnap completion ''
c netsnap collector --
`;
    const out = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
    expect(out.stdout.split('\n').slice(0, 7)).toEqual([
      expect.stringMatching(/^complete .*-F _netsnap netsnap$/),
      'analyze',
      '--format',
      'html json markdown text',
      'json text',
      'bash fish zsh',
      '--help --output',
    ]);
  });

  it.each(['zsh', 'fish'])('%s: the script parses (when the shell is installed)', (shell) => {
    const r = netsnap(['completion', shell]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(shell === 'zsh' ? 'compdef _netsnap netsnap' : 'complete -c netsnap');
    if (!has(shell)) return console.log(`skipped the parse check: ${shell} is not installed`);
    const file = join(tmp(shell), `netsnap.${shell}`);
    writeFileSync(file, r.out);
    const check = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });
});
