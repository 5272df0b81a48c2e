// Reading a rule pack: a pure validatePack(text, file) beside a thin loadPackFile(path). Errors name
// the file, the line and the field, and say what to do: `site.yaml:12: rules.0.when.op: Invalid option...`.
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { Rule } from '../types.js';
import { OPS, PackSchema, type Condition, type Pack, type PackRule } from './schema.js';
import { compilePack, patternProblem } from './compile.js';
import { MAX_PACK_ALIASES, MAX_PACK_CHARS, MAX_PACK_DEPTH } from './limits.js';
import { tooDeepOffset, valueShapeProblem } from './nesting.js';
import { pathProblem } from './path.js';
import { inertLine } from '../../text/inert.js';

export class PackError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PackError';
  }
}

type At = readonly (string | number)[];

/** the line of the deepest node on `at` that the document has */
function lineAt(doc: Document.Parsed, lc: LineCounter, at: At): number {
  let path = [...at];
  let node: unknown = undefined;
  while (path.length >= 0) {
    node = doc.getIn(path, true);
    if (isNode(node) || path.length === 0) break;
    path = path.slice(0, -1);
  }
  const range = isNode(node) ? node.range : undefined;
  return range ? lc.linePos(range[0]).line : 1;
}

/** every JSONPath a rule holds, and every `matches` pattern, with where it sits */
function rulePaths(r: PackRule, i: number): { paths: [At, string][]; patterns: [At, unknown][] } {
  const base = ['rules', i] as const;
  const paths: [At, string][] = [[[...base, 'select'], r.select]];
  const patterns: [At, unknown][] = [];
  if (r.evidence !== undefined) paths.push([[...base, 'evidence'], r.evidence]);
  for (const k of ['name', 'namespace', 'node'] as const) {
    const v = r.subject[k];
    if (v?.startsWith('$')) paths.push([[...base, 'subject', k], v]);
  }
  for (const [k, v] of Object.entries(r.data ?? {})) if (v.startsWith('$')) paths.push([[...base, 'data', k], v]);
  // conditions are nested at most MAX_PACK_DEPTH levels (checked before parsing); walked with a stack anyway
  const stack: [At, Condition][] = [[[...base, 'when'], r.when]];
  if (r.where) stack.push([[...base, 'where'], r.where]);
  while (stack.length > 0) {
    const [at, c] = stack.pop()!;
    if ('all' in c) c.all.forEach((x, j) => stack.push([[...at, 'all', j], x]));
    else if ('any' in c) c.any.forEach((x, j) => stack.push([[...at, 'any', j], x]));
    else if ('not' in c) stack.push([[...at, 'not'], c.not]);
    else {
      paths.push([[...at, 'path'], c.path]);
      if (c.op === 'matches') patterns.push([[...at, 'value'], c.value]);
    }
  }
  return { paths, patterns };
}

/**
 * Parse YAML or JSON (JSON is YAML), validate, and return the pack or the problems with lines.
 * A problem quotes pack text (a path, a pattern, a key): each is one inert line for the terminal.
 */
export function validatePack(text: string, file: string): { pack?: Pack; problems: string[] } {
  const { pack, problems } = validate(text, file);
  return { ...(pack ? { pack } : {}), problems: problems.map(inertLine) };
}

function validate(text: string, file: string): { pack?: Pack; problems: string[] } {
  if (text.length > MAX_PACK_CHARS)
    return {
      problems: [
        `${file}: ${text.length} characters is over the limit of ${MAX_PACK_CHARS} for a rule pack; split it into several --rules files`,
      ],
    };
  // before the yaml composer (which recurses) sees it
  const deep = tooDeepOffset(text);
  if (deep !== undefined) {
    const line = text.slice(0, deep).split('\n').length;
    return {
      problems: [
        `${file}:${line}: nested more than ${MAX_PACK_DEPTH} levels deep; a pack needs a handful (flatten it)`,
      ],
    };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map(
        (e) => `${file}:${lc.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}; fix the YAML syntax there`,
      ),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_PACK_ALIASES });
  } catch (err) {
    return {
      problems: [
        `${file}: ${(err as Error).message.split('\n')[0]} (aliases are capped at ${MAX_PACK_ALIASES} expansions); write the values out`,
      ],
    };
  }
  const shape = valueShapeProblem(value);
  if (shape) return { problems: [`${file}: ${shape}`] };
  const parsed = PackSchema.safeParse(value);
  if (parsed.success) {
    const ids = new Set<string>();
    const dup = parsed.data.rules.map((r) => r.id).filter((id) => (ids.has(id) ? true : (ids.add(id), false)));
    if (dup.length)
      return { problems: dup.map((id) => `${file}: rule id ${id} appears twice; give each rule its own id`) };
    const problems: string[] = [];
    parsed.data.rules.forEach((r, i) => {
      const { paths, patterns } = rulePaths(r, i);
      for (const [at, p] of paths) {
        const bad = pathProblem(p);
        if (bad) problems.push(`${file}:${lineAt(doc, lc, at)}: ${at.join('.')}: ${bad}`);
      }
      for (const [at, p] of patterns) {
        const bad = patternProblem(p);
        if (bad) problems.push(`${file}:${lineAt(doc, lc, at)}: ${at.join('.')}: ${bad}`);
      }
    });
    problems.sort((a, b) => lineOf(a) - lineOf(b));
    return problems.length ? { problems } : { pack: parsed.data, problems: [] };
  }
  const problems = parsed.error.issues.map((iss) => {
    const line = lineAt(doc, lc, iss.path as (string | number)[]);
    const where = iss.path.length ? iss.path.join('.') : '(top level)';
    const hint =
      iss.code === 'invalid_union'
        ? ` (a condition is {path: "$.x", op: ${OPS.join('|')}, value}, or {all: [...]}, {any: [...]}, {not: {...}})`
        : '';
    return `${file}:${line}: ${where}: ${iss.message}${hint}`;
  });
  return { problems };
}

function lineOf(problem: string): number {
  return Number(/^[^:]*:(\d+):/.exec(problem)?.[1] ?? 0);
}

export async function loadPackFile(path: string, builtInIds: ReadonlySet<string> = new Set()): Promise<Rule[]> {
  // a UTF-8 character is at most 4 bytes: anything larger is over MAX_PACK_CHARS, refused unread
  const size = (await stat(path)).size;
  if (size > 4 * MAX_PACK_CHARS)
    throw new PackError([
      `${path}: ${size} bytes is over the limit of ${MAX_PACK_CHARS} characters for a rule pack; split it into several --rules files`,
    ]);
  const text = await readFile(path, 'utf8');
  const { pack, problems } = validatePack(text, path);
  if (!pack) throw new PackError(problems);
  const clash = pack.rules
    .filter((r) => builtInIds.has(r.id))
    .map((r) => `${path}: rule id ${r.id} is a built-in rule's id; pick another prefix (e.g. SITE-001)`);
  if (clash.length) throw new PackError(clash);
  return compilePack(pack);
}
