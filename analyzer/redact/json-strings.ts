// Rewrite the string values of JSON text in place: the layout, key order, number spelling and
// every unchanged byte stay as kubectl wrote them, so line numbers and JSON pointers into the
// redacted file still point at the same things. Each value is passed with its context (its key,
// the key of the object or array holding it, the object's `name`, the previous array element),
// which is what finds `{"name": "DB_PASSWORD", "value": "..."}` and `["--token", "..."]`.

export interface StringContext {
  /** the key of this value, when it is an object member */
  readonly key?: string;
  /** the key the enclosing object or array is stored under (`env`, `args`, `annotations`) */
  readonly parentKey?: string;
  /** the value of the enclosing object's `name` member, when it came before this one */
  readonly siblingName?: string;
  /** the previous string element, when this value is an array element */
  readonly prevInArray?: string;
}

export type StringRewriter = (value: string, ctx: StringContext) => string;

interface Frame {
  readonly kind: 'obj' | 'arr';
  readonly parentKey?: string;
  key?: string;
  name?: string;
  prev?: string;
}

/** Where scanning failed; the caller then falls back to text-mode redaction. */
export class JsonScanError extends Error {}

const STRUCT = /["{}[\],]/g;

/** Index of the closing quote of the string starting at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let j = open + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    let bs = 0;
    for (let k = q - 1; k > open && text.charCodeAt(k) === 92; k--) bs++;
    if (bs % 2 === 0) return q;
    j = q + 1;
  }
}

function nextNonSpace(text: string, from: number): string {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return text[i]!;
  }
  return '';
}

const MAX_DEPTH = 10_000;

/** Throws JsonScanError on text that is not well-formed enough to tell keys from values. */
export function rewriteJsonStrings(text: string, rewrite: StringRewriter): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  let copied = 0;
  STRUCT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = STRUCT.exec(text)) !== null) {
    const i = m.index;
    const c = m[0];
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_DEPTH) throw new JsonScanError(`nested deeper than ${MAX_DEPTH} levels`);
      const parentKey = top ? (top.kind === 'obj' ? top.key : top.parentKey) : undefined;
      stack.push({ kind: c === '{' ? 'obj' : 'arr', parentKey });
      continue;
    }
    if (c === '}' || c === ']') {
      if (!top || top.kind !== (c === '}' ? 'obj' : 'arr')) throw new JsonScanError(`unbalanced "${c}" at offset ${i}`);
      stack.pop();
      continue;
    }
    if (c === ',') {
      if (top?.kind === 'obj') top.key = undefined;
      continue;
    }
    // a string literal
    const end = stringEnd(text, i);
    if (end < 0) throw new JsonScanError(`unterminated string at offset ${i}`);
    STRUCT.lastIndex = end + 1;
    const literal = text.slice(i, end + 1);
    let value: string;
    try {
      value = JSON.parse(literal) as string;
    } catch {
      throw new JsonScanError(`invalid string literal at offset ${i}`);
    }
    if (top?.kind === 'obj' && top.key === undefined && nextNonSpace(text, end + 1) === ':') {
      top.key = value;
      continue;
    }
    const ctx: StringContext =
      top?.kind === 'obj'
        ? { key: top.key, parentKey: top.parentKey, siblingName: top.name }
        : { parentKey: top?.parentKey, prevInArray: top?.prev };
    const next = rewrite(value, ctx);
    if (top?.kind === 'obj' && top.key === 'name') top.name = value;
    if (top?.kind === 'arr') top.prev = value;
    if (next !== value) {
      out.push(text.slice(copied, i), JSON.stringify(next));
      copied = end + 1;
    }
  }
  if (stack.length > 0) throw new JsonScanError('unexpected end of JSON (unclosed object or array)');
  out.push(text.slice(copied));
  return out.join('');
}
