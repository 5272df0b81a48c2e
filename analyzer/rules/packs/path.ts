// The JSONPaths a pack may write, and the one place they are evaluated. A pack is data: a path is
// `$` followed by plain steps only (.name, ['name'], [n], [start:end], [*], .*, ..), checked at load
// against that grammar (an allow-list, not a list of known exploits), and evaluated by jsonpath-plus
// with `eval: false`, which throws instead of running a `?(...)` or `(...)` script. Filtering is the
// pack's own `where`/`when` conditions (data, validated by zod), never a script. Why both: issue 19's
// `select` ran `process.exit(7)` through jsonpath-plus 10.4's safe-eval mode (a computed member was
// evaluated before its `constructor` check); the grammar refuses such a pack at load, and `eval: false`
// keeps a path that somehow skipped the check from running anything.
import { JSONPath } from 'jsonpath-plus';
import { MAX_PATH_CHARS, MAX_PATH_DESCENTS } from './limits.js';

/** property names that reach JavaScript built-ins or jsonpath-plus internals, not bundle data */
const BUILT_IN_NAMES = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__lookupGetter__',
  '__lookupSetter__',
  '__defineGetter__',
  '__defineSetter__',
  'valueOf',
  'toString',
  'toLocaleString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
]);

const NAME = /^[A-Za-z0-9_$-]+/;
/** a quoted name: no quote, bracket, backslash or any character jsonpath-plus gives a meaning */
const QUOTED = /^\[(?:'([A-Za-z0-9_./: +=-]*)'|"([A-Za-z0-9_./: +=-]*)")\]/;
const INDEX = /^\[(-?\d{1,9}|-?\d{0,9}:-?\d{0,9}(?::\d{1,9})?)\]/;

const SCRIPT_HINT =
  'use `where`/`when` conditions instead of a filter script (scripts never run in packs; docs/rule-packs.md)';

function nameProblem(name: string): string | undefined {
  if (name === '$') return '`$` is only the start of a path; refused as a step';
  if (BUILT_IN_NAMES.has(name)) return `\`${name}\` names a JavaScript built-in, not bundle data; refused`;
  if (name.startsWith('_$_')) return `\`${name}\` names a jsonpath-plus internal, not bundle data; refused`;
  return undefined;
}

/** why `rest` (the text after a step) cannot continue a path, with a hint */
function stepProblem(rest: string, col: number): string {
  const at = `at column ${col} (\`${rest.slice(0, 24).trimEnd()}\`)`;
  // jsonpath-plus finds scripts inside brackets and quotes too: `['(@.x)']` is a computed member
  const inner = rest.replace(/^\.?\[?['"]?/, '');
  if (inner.startsWith('?(') || rest.includes('?(')) return `a filter script ${at}; ${SCRIPT_HINT}`;
  if (inner.startsWith('(') || rest.includes('(')) return `a script expression ${at}; ${SCRIPT_HINT}`;
  if (inner.startsWith('@'))
    return `an \`@\` expression ${at}: @property, @parent, @path, @root and type selectors belong to scripts; ${SCRIPT_HINT}`;
  if (/^[\^~`]/.test(inner))
    return `\`${inner[0]}\` ${at} is not supported in packs; select the value itself and describe it with \`where\`/\`when\``;
  if (rest.startsWith('[') && rest.includes(','))
    return `a union ${at} is not supported; write one rule per name or use an \`any\` condition`;
  return `unexpected \`${rest.slice(0, 12)}\` at column ${col}; a path is $ followed by .name, ['name'], [n], [start:end], [*], .* or .. (docs/rule-packs.md)`;
}

/** undefined when `path` is a plain path; else what is wrong and what to do */
export function pathProblem(path: string): string | undefined {
  if (path.length > MAX_PATH_CHARS)
    return `a JSONPath of ${path.length} characters is longer than the limit of ${MAX_PATH_CHARS}`;
  if (!path.startsWith('$')) return 'a JSONPath must start with $';
  const descents = path.split('..').length - 1;
  if (descents > MAX_PATH_DESCENTS)
    return `${descents} \`..\` steps; at most ${MAX_PATH_DESCENTS} in one path (each multiplies the walk by the data's depth): name the steps between`;
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    let m: RegExpMatchArray | null;
    if (rest.startsWith('..')) {
      const after = rest.slice(2);
      if ((m = after.match(NAME))) {
        const bad = nameProblem(m[0]);
        if (bad) return bad;
        i += 2 + m[0].length;
      } else if (after.startsWith('*')) i += 3;
      else if (after.startsWith('[')) i += 2;
      else return stepProblem(after, i + 3);
    } else if (rest.startsWith('.')) {
      const after = rest.slice(1);
      if ((m = after.match(NAME))) {
        const bad = nameProblem(m[0]);
        if (bad) return bad;
        i += 1 + m[0].length;
      } else if (after.startsWith('*')) i += 2;
      else return stepProblem(after, i + 2);
    } else if ((m = rest.match(QUOTED))) {
      const bad = nameProblem(m[1] ?? m[2] ?? '');
      if (bad) return bad;
      i += m[0].length;
    } else if ((m = rest.match(INDEX)) || rest.startsWith('[*]')) {
      i += m ? m[0].length : 3;
    } else return stepProblem(rest, i + 1);
  }
  return undefined;
}

export interface Hit {
  readonly value: unknown;
  readonly pointer: string;
}

/**
 * Every match of `path` in `json`. The only JSONPath call in netsnap: `eval: false`, so a script
 * that passed no check would throw here ("Eval [?(expr)] prevented") instead of running.
 */
export function evaluatePath(path: string, json: unknown): Hit[] {
  const res = JSONPath({ path, json: json as object, resultType: 'all', eval: false, wrap: true }) as
    { value: unknown; pointer: string }[] | undefined;
  return (res ?? []).map((r) => ({ value: r.value, pointer: r.pointer }));
}
