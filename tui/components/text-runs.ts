// Splits a styled line into the Ink text nodes it is drawn with. Ink measures every text node
// with string-width on every frame, and one non-ASCII character (…, ✗, ›, ·) sends the whole
// node through Intl.Segmenter, grapheme by grapheme: on the findings list that was the largest
// single cost of a keypress. So the long ASCII stretches of a line get nodes of their own and the
// glyphs stay in short ones; the cells drawn are the same.
import { cellWidth, isPrintableAscii } from '../view-models/text.js';

export interface Span {
  readonly text: string;
  readonly color?: string | undefined;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

/** an ASCII stretch shorter than this stays with the glyphs next to it (a node costs layout too) */
export const MIN_FAST_RUN = 12;

const PIECES = /[\x20-\x7e]+|[^\x20-\x7e]+/g;

interface Piece {
  readonly span: Span;
  readonly text: string;
  readonly ascii: boolean;
}

/** a combining mark, ZWJ or variation selector belongs to the character before it: never split there */
const EXTENDS_PREVIOUS = /^[\p{M}\u200c\u200d]/u;

/** the line's spans grouped into nodes; concatenated in order they are exactly the input */
export function textRuns(spans: readonly Span[], minFast = MIN_FAST_RUN): Span[][] {
  const pieces: Piece[] = [];
  for (const span of spans) {
    for (const m of span.text.matchAll(PIECES)) pieces.push({ span, text: m[0], ascii: isPrintableAscii(m[0]) });
  }
  // each piece is fast (part of a long ASCII stretch) or slow (a glyph, or ASCII too short to
  // be worth a node); consecutive pieces of one kind share a node
  const fast: boolean[] = pieces.map(() => false);
  for (let i = 0; i < pieces.length;) {
    if (!pieces[i]!.ascii) {
      i++;
      continue;
    }
    let j = i;
    let len = 0;
    while (j < pieces.length && pieces[j]!.ascii) len += pieces[j++]!.text.length;
    const next = pieces[j];
    if (len >= minFast && !(next && EXTENDS_PREVIOUS.test(next.text))) for (let k = i; k < j; k++) fast[k] = true;
    i = j;
  }
  const runs: Span[][] = [];
  let last: boolean | undefined;
  pieces.forEach((p, i) => {
    const piece: Span = p.text === p.span.text ? p.span : { ...p.span, text: p.text };
    if (last === fast[i] && runs.length) runs[runs.length - 1]!.push(piece);
    else runs.push([piece]);
    last = fast[i];
  });
  return runs;
}

/** terminal cells the spans take */
export const spansWidth = (spans: readonly Span[]): number => spans.reduce((w, s) => w + cellWidth(s.text), 0);
