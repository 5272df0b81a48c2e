// The key tables of docs/tui.md, generated from the key map so the manual cannot drift from
// behaviour: test/tui/docs.test.ts fails when the block in docs/tui.md is stale, and
// `node dist/tui/gen-docs.js` (after a build) rewrites it.
import { COLON_COMMANDS, DEFAULT_KEYMAP, helpRows, type Binding } from './keymap.js';

export const BEGIN =
  '<!-- keys:begin (generated from tui/keymap.ts by `node dist/tui/gen-docs.js`; do not edit by hand) -->';
export const END = '<!-- keys:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

export function keysMarkdown(map: readonly Binding[] = DEFAULT_KEYMAP): string {
  const { keys, colon } = helpRows(map);
  const out = ['| keys | command | what it does | where |', '| --- | --- | --- | --- |'];
  for (const r of keys)
    out.push(
      `| ${r.keys
        .split(' ')
        .map((k) => code(cell(k)))
        .join(' ')} | \`${r.command}\` | ${cell(r.description)} | ${r.where || 'everywhere'} |`,
    );
  out.push(
    '',
    'Commands after `:` (first letters work too: `:f`, `:n worker-1`, `:t`):',
    '',
    '| command | what it does |',
    '| --- | --- |',
  );
  for (const r of colon) out.push(`| ${code(cell(r.keys))} | ${cell(r.description)} |`);
  return out.join('\n');
}

/** docs text with the generated block replaced; throws when the markers are missing */
export function withKeys(doc: string, map: readonly Binding[] = DEFAULT_KEYMAP): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a)
    throw new Error(`docs/tui.md: the markers ${BEGIN} … ${END} are missing; put them where the key table belongs`);
  return `${doc.slice(0, a)}${BEGIN}\n${keysMarkdown(map)}\n${doc.slice(b)}`;
}

export const COLON_NAMES = COLON_COMMANDS.map((c) => c.name);
