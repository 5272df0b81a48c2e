// One sanitizer per sink for every string that came from a bundle or a rule pack (issue 19).
// Ground floor: no imports from rules or report, so every output path can use it.
//  - terminal: C0/C1 controls, DEL shown as `\xNN` (ESC as `␛`), tabs as two spaces, and bidi
//    controls and other invisible format characters (Unicode Cf, U+2028/U+2029) as `\u202e`;
//    newlines are kept (callers split lines themselves).
//  - markdown: bundle text only inside code spans or fences longer than any backtick run inside.
//  - JSON: after JSON.stringify, C1, DEL, Cf and line/paragraph separators as `\uXXXX` escapes.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), zero-width and other format characters */
const INVISIBLE = /[\p{Cf}\u2028\u2029]/gu;

const hex4 = (c: string): string => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;

/** terminal sink: control and invisible characters shown as inert text; `\n` kept */
export function inert(text: string): string {
  return text
    .replace(CONTROL, (c) => (c === '\u001b' ? '␛' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
    .replace(/\t/g, '  ')
    .replace(INVISIBLE, (c) => (c.length > 1 ? `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}` : hex4(c)));
}

/** terminal sink for one line: like inert, and a newline shown as `\n` */
export function inertLine(text: string): string {
  return inert(text).replace(/\n/g, '\\n');
}

/** markdown sink, inline: one code span, its fence longer than any backtick run inside; one line */
export function mdCode(text: string): string {
  const s = inertLine(text);
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const tick = '`'.repeat(longest + 1);
  // a span that starts or ends with a backtick (or is blank) needs a space inside its fence
  const pad = s.length === 0 || s.startsWith('`') || s.endsWith('`') || /^ .* $/.test(s) ? ' ' : '';
  return `${tick}${pad}${s}${pad}${tick}`;
}

/**
 * markdown sink, inline, for text that is usually netsnap's own words: written plain only when it
 * is letters, digits, spaces and `,;()` (nothing markdown, HTML or an autolink could use: no dots,
 * colons, slashes, brackets or `<`), else one code span
 */
export function mdText(text: string): string {
  return /^[A-Za-z0-9 ,;()]+$/.test(text) ? text : mdCode(text);
}

/** markdown sink, inside a GFM table cell: a code span whose `|` cannot end the cell */
export function mdCell(text: string): string {
  return mdCode(text).replace(/\|/g, '\\|');
}

/** markdown sink, block: a fenced block whose fence is longer than any backtick run inside */
export function mdFence(text: string, lang = ''): string[] {
  const body = inert(text);
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return [`${f}${lang}`, ...body.split('\n'), f];
}

const JSON_UNSAFE = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

/** JSON sink: JSON.stringify, then C1, DEL and invisible characters (only ever inside strings) `\u`-escaped */
export function safeJson(value: unknown, space = 2): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, (c) => {
    const cp = c.codePointAt(0) ?? 0;
    if (cp <= 0xffff) return hex4(c);
    const v = cp - 0x10000;
    return `${hex4(String.fromCharCode(0xd800 + (v >> 10)))}${hex4(String.fromCharCode(0xdc00 + (v & 0x3ff)))}`;
  });
}
