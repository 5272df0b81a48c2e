// Fast item spans for pretty-printed lists (`kubectl get -o json` always indents): a raw newline
// can only be whitespace between tokens in JSON, so the lines are structural, and each item ends
// on a line holding just `}` or `},` at the indentation its `{` started at. Jumping from newline
// to newline with indexOf (memchr) is several times faster than looking at every byte.
//
// The result is a guess until every span parses: if all spans are valid JSON values, separated by
// commas and closed by `]`, JSON's grammar leaves no other split. A caller that meets a span that
// does not parse must rescan with the byte-level scanner (json-items.ts), which is always right.

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;

const isSpace = (b: number | undefined): boolean => b === SPACE || b === NL || b === CR || b === 0x09;

function skipSpace(buf: Buffer, i: number): number {
  while (i < buf.length && isSpace(buf[i])) i++;
  return i;
}

/** spans of the items of the array opened at buf[open] === '[', or undefined when not line-shaped */
export function lineItemSpans(buf: Buffer, open: number): [number, number][] | undefined {
  let start = skipSpace(buf, open + 1);
  if (buf[start] === CLOSE_ARR) return [];
  if (buf[start] !== OPEN_OBJ) return undefined;
  const lineStart = buf.lastIndexOf(NL, start) + 1;
  if (lineStart <= open) return undefined; // first item on the `[` line: not pretty-printed
  const indent = start - lineStart;
  if (!onlySpaces(buf, lineStart, start)) return undefined;
  const spans: [number, number][] = [];
  let pos = start;
  for (;;) {
    let end: number;
    if (buf[start + 1] === CLOSE_OBJ)
      end = start + 2; // `{}` is printed on one line
    else {
      end = -1;
      while (end < 0) {
        const nl = buf.indexOf(NL, pos);
        if (nl < 0) return undefined;
        const ls = nl + 1;
        pos = ls;
        if (buf[ls + indent] === CLOSE_OBJ && onlySpaces(buf, ls, ls + indent)) end = ls + indent + 1;
      }
    }
    spans.push([start, end]);
    const after = buf[end];
    if (after === COMMA) {
      start = skipSpace(buf, end + 1);
      if (buf[start] !== OPEN_OBJ) return undefined;
      pos = start;
      continue;
    }
    if (after !== NL && after !== CR) return undefined;
    return buf[skipSpace(buf, end)] === CLOSE_ARR ? spans : undefined;
  }
}

function onlySpaces(buf: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (buf[k] !== SPACE) return false;
  return true;
}
