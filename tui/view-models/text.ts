// Width-aware text helpers. Every line a screen draws is cut to the terminal width here, so Ink
// never wraps a line on its own and the line counts used for scrolling stay true.
import { inertLine } from '../../analyzer/text/inert.js';

/** printable ASCII only: one cell per character, nothing to clean (the common case, checked first) */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
export const isPrintableAscii = (s: string): boolean => PRINTABLE_ASCII.test(s);

/** terminal cell width of a string; East Asian wide characters count 2 (CJK in log lines) */
export function cellWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const c of s) {
    const cp = c.codePointAt(0) ?? 0;
    w +=
      cp >= 0x1100 &&
      (cp <= 0x115f ||
        (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) ||
        (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0x1f300 && cp <= 0x1faff))
        ? 2
        : 1;
  }
  return w;
}

/** cut to `width` cells, marking the cut with … */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  // 5,000 overview rows and every visible list row come through here: skip the cleaning and the
  // per-character walk when the string is plain ASCII (same result)
  if (PRINTABLE_ASCII.test(s)) return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
  // bundle text: controls, ESC, C1, bidi and invisible format characters shown as inert text (issue 19)
  const clean = inertLine(s);
  if (cellWidth(clean) <= width) return clean;
  let out = '';
  let w = 0;
  for (const c of clean) {
    const cw = cellWidth(c);
    if (w + cw > width - 1) break;
    out += c;
    w += cw;
  }
  return out + '…';
}

export function padEnd(s: string, width: number): string {
  const t = truncate(s, width);
  return t + ' '.repeat(Math.max(0, width - cellWidth(t)));
}

/** greedy word wrap into lines of at most `width` cells (long words are cut) */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (!line) line = word;
      else if (cellWidth(line) + 1 + cellWidth(word) <= width) line += ` ${word}`;
      else {
        out.push(truncate(line, width));
        line = word;
      }
    }
    out.push(truncate(line, width));
  }
  return out;
}

/**
 * cut a line into rows of at most `width` cells (the file viewer wraps instead of cutting), at
 * most `maxRows` of them (the last one ends in … when text is left over); bundle text made inert
 */
export function hardWrap(s: string, width: number, maxRows: number): string[] {
  if (width <= 0 || maxRows <= 0) return [];
  const clean = PRINTABLE_ASCII.test(s) ? s : inertLine(s);
  if (cellWidth(clean) <= width) return [clean];
  const rows: string[] = [];
  let row = '';
  let w = 0;
  for (const c of clean) {
    const cw = cellWidth(c);
    if (w + cw > width) {
      rows.push(row);
      if (rows.length === maxRows) {
        rows[maxRows - 1] = truncate(`${row}…`, width);
        return rows;
      }
      row = '';
      w = 0;
    }
    row += c;
    w += cw;
  }
  rows.push(row);
  return rows;
}

/**
 * wrap at spaces without touching the text in between (commands keep their exact spacing and
 * quoting); a word longer than `width` is cut into pieces; bundle text made inert
 */
export function wrapKeep(s: string, width: number): string[] {
  if (width <= 0) return [];
  let rest = PRINTABLE_ASCII.test(s) ? s : inertLine(s);
  const out: string[] = [];
  // bounded: every pass takes at least one character
  while (cellWidth(rest) > width) {
    const head = hardWrap(rest, width, 2)[0] ?? '';
    const cut = head.lastIndexOf(' ');
    const take = cut > 0 ? cut + 1 : head.length;
    out.push(rest.slice(0, take).trimEnd());
    rest = rest.slice(take);
  }
  out.push(rest);
  return out;
}
