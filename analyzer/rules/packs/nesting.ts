// Bounding a pack's shape before anything recurses over it. The yaml library's composer, zod's
// recursive condition schema and the condition evaluator all recurse; a pack nested 100,000 levels
// deep made them fail with "Maximum call stack size exceeded". The yaml CST parser keeps an explicit
// stack (it does not recurse), so its tokens are walked here with a loop, and the composed value is
// walked again (aliases can deepen and multiply it) before zod sees it.
import { Parser } from 'yaml';
import { MAX_PACK_DEPTH, MAX_PACK_NODES } from './limits.js';

interface Tok {
  readonly type?: string;
  readonly offset?: number;
  readonly value?: unknown;
  readonly items?: readonly { readonly key?: unknown; readonly value?: unknown }[];
}

/** the offset of the first collection nested deeper than MAX_PACK_DEPTH, or undefined */
export function tooDeepOffset(text: string): number | undefined {
  const stack: [Tok, number][] = [];
  for (const t of new Parser().parse(text)) stack.push([t as Tok, 0]);
  while (stack.length > 0) {
    const [tok, depth] = stack.pop()!;
    if (tok === null || typeof tok !== 'object') continue;
    if (tok.type === 'document') {
      if (tok.value) stack.push([tok.value as Tok, depth]);
      continue;
    }
    if (!Array.isArray(tok.items)) continue;
    const inner = depth + 1;
    if (inner > MAX_PACK_DEPTH) return tok.offset ?? 0;
    for (const it of tok.items) {
      if (it.key) stack.push([it.key as Tok, inner]);
      if (it.value) stack.push([it.value as Tok, inner]);
    }
  }
  return undefined;
}

/** undefined when the parsed value is within the depth and size caps (cycles exceed the depth cap) */
export function valueShapeProblem(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++nodes > MAX_PACK_NODES)
      return `the pack holds more than ${MAX_PACK_NODES} values (aliases expanded); split it or drop the repetition`;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > MAX_PACK_DEPTH)
      return `the pack nests more than ${MAX_PACK_DEPTH} levels deep once its aliases are expanded (or an alias refers to itself); flatten it`;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return undefined;
}
