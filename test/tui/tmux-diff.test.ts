// `netsnap diff BEFORE… -- AFTER…` in a real terminal (tmux, 80x24) through the built CLI opens the
// diff view; q leaves it with exit 0 and the terminal restored. Skips without tmux or dist/.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { after, before } from '../diff/helpers.js';
import { Tmux, hasTmux } from './tmux-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'analyzer', 'cli.js');
const why = !hasTmux ? 'tmux is not installed' : !existsSync(CLI) ? 'dist/ is not built' : '';
if (why) console.warn(`skipping the diff view tmux test: ${why}`);

describe.skipIf(!!why)('netsnap diff on a terminal', () => {
  const tmux = new Tmux(`netsnap-diff-${process.pid}`);
  afterAll(() => tmux.close());

  it('shows the diff view at 80x24; q exits 0 and leaves the alternate screen', async () => {
    const q = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;
    const cmd = `${q(process.execPath)} ${q(CLI)} diff ${before().map(q).join(' ')} -- ${after().map(q).join(' ')}`;
    tmux.start('diff', 80, 24, ROOT, cmd);
    const screen = await tmux.waitFor('diff', (s) => s.includes('Fixed (5)'), 'the diff view');
    expect(screen).toContain('5 fixed, 0 still failing, 0 new');
    expect(screen).toMatch(/✓ DNS-401/);
    tmux.keys('diff', 'q');
    const end = await tmux.waitFor('diff', (s) => s.includes('EXIT='), 'the exit');
    expect(end).toContain('EXIT=0');
    expect(tmux.flags('diff')).toBe('0 1');
  }, 120_000);
});
