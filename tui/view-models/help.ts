// The help screen, generated from the key map so it cannot drift.
import { helpRows, type Binding, DEFAULT_KEYMAP } from '../keymap.js';
import { DocBuilder, type Doc } from './doc.js';
import { padEnd, truncate } from './text.js';

export function helpDoc(width: number, map: readonly Binding[] = DEFAULT_KEYMAP): Doc {
  const { keys, colon } = helpRows(map);
  const d = new DocBuilder();
  d.line({ text: 'Keys', bold: true }, { text: '  (esc goes back)', dim: true });
  for (const r of keys) {
    const where = r.where ? `  [${r.where}]` : '';
    d.item(
      { section: 'keys' },
      { text: padEnd(r.keys, 24), bold: true },
      { text: padEnd(r.command, 17), tone: 'accent' },
      { text: truncate(r.description + where, Math.max(0, width - 45)) },
    );
  }
  d.blank().line({ text: 'Commands after :', bold: true });
  for (const r of colon)
    d.item(
      { section: 'colon' },
      { text: padEnd(r.keys, 24), bold: true },
      { text: truncate(r.description, Math.max(0, width - 28)) },
    );
  d.blank().line({
    text: 'Filter tokens after /: layer:dns sev:critical status:fail node:worker-1 plus free text',
    dim: true,
  });
  return d.build();
}
