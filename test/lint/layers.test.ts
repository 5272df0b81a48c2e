// The house rules are checks (issue 18): a planted upward import and a 300-column line must fail the
// project's own ESLint config (eslint.config.js, the layer zones of eslint.layers.js), and every room
// of analyzer/ must sit on a floor of the layer map, so a new room cannot escape the layering.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../eslint.layers.js';

const root = new URL('../../', import.meta.url).pathname;
const target = 'analyzer/parse/sysctl.ts';
const original = readFileSync(join(root, target), 'utf8');

async function lint(code: string): Promise<{ ruleId: string | null; line: number; message: string }[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, target) });
  return (result?.messages ?? []).map((m) => ({ ruleId: m.ruleId, line: m.line, message: m.message }));
}

describe('npm run lint enforces the house rules', () => {
  it('the file as it is lints clean (the control)', async () => {
    expect(await lint(original)).toEqual([]);
  }, 120_000);

  it('a planted upward import (parse → rules) fails with the layer rule, naming the floor', async () => {
    const planted = `${original}\nimport type { Finding } from '../rules/types.js';\nexport type Planted = Finding;\n`;
    const messages = await lint(planted);
    const layer = messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths');
    expect(layer).toHaveLength(1);
    expect(layer[0]?.line).toBe(original.split('\n').length + 1);
    expect(layer[0]?.message).toContain('analyzer/parse (floor 1)');
  }, 120_000);

  it('a downhill import (parse → core) passes', async () => {
    const planted = `${original}\nimport type { LoadProblem } from '../core/problem.js';\nexport type Planted = LoadProblem;\n`;
    expect((await lint(planted)).filter((m) => m.ruleId === 'import-x/no-restricted-paths')).toEqual([]);
  }, 120_000);

  it('a 300-column line of code fails max-len', async () => {
    const long = `export const planted = [${Array.from({ length: 60 }, (_, i) => i * 1000).join(', ')}];`;
    expect(long.length).toBeGreaterThan(300);
    const messages = await lint(`${original}\n// prettier-ignore\n${long}\n`);
    expect(messages.filter((m) => m.ruleId === 'max-len').map((m) => m.line)).toEqual([
      original.split('\n').length + 2,
    ]);
  }, 120_000);
});

describe('the layer map covers every room', () => {
  const rooms = LAYERS.flat();
  it('each directory (and top-level file) of analyzer/ is on exactly one floor', () => {
    const found = readdirSync(join(root, 'analyzer')).map((n) =>
      statSync(join(root, 'analyzer', n)).isDirectory() ? `analyzer/${n}` : `analyzer/${n}`,
    );
    for (const room of found.filter((r) => !r.endsWith('.test.ts'))) {
      expect(
        rooms.filter((r) => r === room),
        room,
      ).toHaveLength(1);
    }
    expect(rooms).toContain('tui');
  });
});
