// Reading a rule pack: a pure validatePack(text, file) beside a thin loadPackFile(path). Errors name
// the file, the line and the field, and say what to do: `site.yaml:12: rules.0.when.op: Invalid option...`.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { Rule } from '../types.js';
import { OPS, PackSchema, type Pack } from './schema.js';
import { compilePack } from './compile.js';

export class PackError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PackError';
  }
}

/** Parse YAML or JSON (JSON is YAML), validate, and return the pack or the problems with lines. */
export function validatePack(text: string, file: string): { pack?: Pack; problems: string[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((e) => `${file}:${lc.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}; fix the YAML syntax there`) };
  }
  const parsed = PackSchema.safeParse(doc.toJS());
  if (parsed.success) {
    const ids = new Set<string>();
    const dup = parsed.data.rules.map((r) => r.id).filter((id) => (ids.has(id) ? true : (ids.add(id), false)));
    if (dup.length) return { problems: dup.map((id) => `${file}: rule id ${id} appears twice; give each rule its own id`) };
    return { pack: parsed.data, problems: [] };
  }
  const problems = parsed.error.issues.map((iss) => {
    let path = [...iss.path] as (string | number)[];
    let node: unknown = undefined;
    // the deepest existing node on the issue's path carries the line
    while (path.length >= 0) {
      node = doc.getIn(path, true);
      if (isNode(node) || path.length === 0) break;
      path = path.slice(0, -1);
    }
    const range = isNode(node) ? node.range : undefined;
    const line = range ? lc.linePos(range[0]).line : 1;
    const where = iss.path.length ? iss.path.join('.') : '(top level)';
    const hint = iss.code === 'invalid_union' ? ` (a condition is {path: "$.x", op: ${OPS.join('|')}, value}, or {all: [...]}, {any: [...]}, {not: {...}})` : '';
    return `${file}:${line}: ${where}: ${iss.message}${hint}`;
  });
  return { problems };
}

export async function loadPackFile(path: string, builtInIds: ReadonlySet<string> = new Set()): Promise<Rule[]> {
  const text = await readFile(path, 'utf8');
  const { pack, problems } = validatePack(text, path);
  if (!pack) throw new PackError(problems);
  const clash = pack.rules.filter((r) => builtInIds.has(r.id)).map((r) => `${path}: rule id ${r.id} is a built-in rule's id; pick another prefix (e.g. SITE-001)`);
  if (clash.length) throw new PackError(clash);
  return compilePack(pack);
}
