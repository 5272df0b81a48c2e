// The help screen, generated from the key map so it cannot drift: key names (never the internal
// command ids) and whole sentences, wrapped to the width instead of cut.
import { helpRows, type Binding, DEFAULT_KEYMAP } from '../keymap.js';
import { DocBuilder, type Doc } from './doc.js';
import { cellWidth, padEnd, wrap } from './text.js';

/** one item: `keys` in a column, the description wrapped beside it (continuation rows indented) */
function row(d: DocBuilder, section: string, keys: string, text: string, keyWidth: number, width: number): void {
  const textWidth = Math.max(10, width - keyWidth - 2);
  // keys wider than their column get a line of their own (`:trace [FROM [TO[:PORT] [PROTO]]]`)
  const own = cellWidth(keys) > keyWidth;
  const lines = wrap(text, textWidth);
  if (own) {
    d.item({ section }, { text: keys, bold: true });
    for (const l of lines) d.more({ text: ' '.repeat(keyWidth + 2) }, { text: l });
    return;
  }
  d.item({ section }, { text: padEnd(keys, keyWidth + 2), bold: true }, { text: lines[0] ?? '' });
  for (const l of lines.slice(1)) d.more({ text: ' '.repeat(keyWidth + 2) }, { text: l });
}

export function helpDoc(width: number, map: readonly Binding[] = DEFAULT_KEYMAP): Doc {
  const { keys, colon } = helpRows(map);
  const keyWidth = Math.min(16, Math.max(...keys.map((r) => cellWidth(r.keys))));
  const d = new DocBuilder();
  d.line({ text: 'Keys', bold: true }, { text: '  (esc goes back)', dim: true });
  for (const r of keys) row(d, 'keys', r.keys, `${r.description}${r.where ? ` (on ${r.where})` : ''}`, keyWidth, width);
  d.blank().line(
    { text: 'Commands after :', bold: true },
    { text: '  (first letters work too: :f, :n worker-1)', dim: true },
  );
  for (const r of colon) row(d, 'colon', r.keys, r.description, Math.max(keyWidth, 18), width);
  d.blank();
  for (const l of wrap(
    'Filter tokens after /: layer:dns sev:critical status:fail node:worker-1 is:unexplained is:root, plus free text.',
    Math.max(10, width),
  ))
    d.line({ text: l, dim: true });
  return d.build();
}
