// Issue 19 end to end: `netsnap analyze --rules` and `netsnap rules --rules` on the corpus's code-running
// pack stop with exit 2 and the problem's file and line, and the payload never runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run as analyze } from '../../analyzer/commands/analyze.js';
import { run as rules } from '../../analyzer/commands/rules.js';
import { MAX_PACK_CHARS } from '../../analyzer/rules/packs/limits.js';

declare global {
  var __netsnapPwned: unknown;
}

const dir = mkdtempSync(join(tmpdir(), 'netsnap-packs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  globalThis.__netsnapPwned = undefined;
});

function capture() {
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return () => err;
}

const hex = (code: string) => code.replace(/[()'"]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
const select = `$..[?(@.constructor[( @.getPrototypeOf(@).constructor('Function${hex("')('globalThis.__netsnapPwned=1")}')() )])]`;
const PACK = [
  'apiVersion: netsnap.dev/v1',
  'kind: RulePack',
  'name: p1',
  'rules:',
  '  - id: SITE-001',
  '    slug: p1',
  '    layer: service',
  '    title: P1',
  '    docs: { why: w, fix: f }',
  `    select: ${JSON.stringify(select)}`,
  '    subject: { kind: cluster }',
  '    when: { path: "$.x", op: exists }',
  '    message: m',
  '',
].join('\n');

describe("the corpus's code-running pack through the commands", () => {
  const file = join(dir, 'p1.yaml');
  writeFileSync(file, PACK);

  it('netsnap analyze --rules: exit 2, the file, line 10 and the hint; nothing ran', async () => {
    const err = capture();
    expect(await analyze(['x', '--format', 'text', '--rules', file])).toBe(2);
    expect(err()).toContain(`${file}:10: rules.0.select: a filter script at column 4 (\`[?(@.constructor[( @.get\`)`);
    expect(err()).toContain('use `where`/`when` conditions instead of a filter script');
    expect(globalThis.__netsnapPwned).toBeUndefined();
  });

  it('netsnap rules --rules: exit 2 with the same problem', async () => {
    const err = capture();
    expect(await rules(['--rules', file])).toBe(2);
    expect(err()).toContain(`${file}:10: rules.0.select: a filter script`);
    expect(globalThis.__netsnapPwned).toBeUndefined();
  });

  it('a pack file over 4 × MAX_PACK_CHARS bytes is refused before it is read', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, Buffer.alloc(4 * MAX_PACK_CHARS + 1, 0x20));
    const err = capture();
    expect(await analyze(['x', '--format', 'text', '--rules', big])).toBe(2);
    expect(err()).toContain(
      `${big}: ${4 * MAX_PACK_CHARS + 1} bytes is over the limit of ${MAX_PACK_CHARS} characters for a rule pack`,
    );
  });
});
