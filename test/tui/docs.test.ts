// docs/tui.md cannot drift from the key map: its key tables are generated (tui/docs-keys.ts) and
// must be current, and every screen has a section.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLON_COMMANDS, DEFAULT_KEYMAP } from '../../tui/keymap.js';
import { BEGIN, END, keysMarkdown, withKeys } from '../../tui/docs-keys.js';
import { HINT_SCREENS } from '../../tui/components/hints.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'tui.md'), 'utf8');

describe('docs/tui.md', () => {
  it('has the current generated key tables (run `node dist/tui/gen-docs.js` after a build to update)', () => {
    expect(doc).toBe(withKeys(doc));
  });

  it('lists every command of the key map and every : command', () => {
    const block = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END));
    for (const b of DEFAULT_KEYMAP) expect(block).toContain(`\`${b.command}\``);
    for (const c of COLON_COMMANDS) expect(block).toContain(`:${c.name}`);
  });

  it('describes every screen', () => {
    const names: Record<string, string> = {
      overview: 'Overview',
      findings: 'Findings',
      detail: 'Finding detail',
      evidence: 'Evidence browser',
      help: 'Help',
      trace: 'Trace',
      'trace.pick': 'pick the destination',
    };
    for (const s of HINT_SCREENS) expect(doc, `section for ${s}`).toContain(names[s] ?? `(no name for ${s})`);
  });

  it('the generator escapes table cells', () => {
    expect(
      keysMarkdown([{ command: 'quit', keys: [{ input: '|', label: '|' }], description: 'a | b', where: '' }]),
    ).toContain('| `\\|` | `quit` | a \\| b | everywhere |');
  });
});
