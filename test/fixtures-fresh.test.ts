// The committed scenarios must be exactly what the generator writes today (run `npm run fixtures`
// after changing the generator), and the generator must be deterministic.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAllScenarios, generateScenario } from '../fixtures/generate/index.js';
import { SCENARIO_ROOT } from './realism/scenario-files.js';

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-fresh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('committed scenarios', () => {
  it('match a fresh regeneration byte for byte (run `npm run fixtures` when this fails)', async () => {
    const fresh = join(tmp, 'all');
    await generateAllScenarios(fresh);
    const committed = listFiles(SCENARIO_ROOT);
    const generated = listFiles(fresh);
    expect(committed, 'file lists differ: scenarios added, removed or renamed').toEqual(generated);
    const stale = generated.filter((f) => !readFileSync(join(fresh, f)).equals(readFileSync(join(SCENARIO_ROOT, f))));
    expect(stale, 'stale files').toEqual([]);
  });

  it('are deterministic: the same seed twice gives identical bytes, another seed differs', async () => {
    await generateScenario('article-full-story', join(tmp, 'a'));
    await generateScenario('article-full-story', join(tmp, 'b'));
    await generateScenario('article-full-story', join(tmp, 'c'), 'another-seed');
    const files = listFiles(join(tmp, 'a'));
    expect(listFiles(join(tmp, 'b'))).toEqual(files);
    for (const f of files)
      expect(readFileSync(join(tmp, 'b', f)).equals(readFileSync(join(tmp, 'a', f))), f).toBe(true);
    const pods = files.find((f) => f.endsWith('cluster/pods.json'))!;
    const other = listFiles(join(tmp, 'c')).find((f) => f.endsWith('cluster/pods.json'))!;
    expect(readFileSync(join(tmp, 'c', other)).equals(readFileSync(join(tmp, 'a', pods)))).toBe(false);
  });
});
