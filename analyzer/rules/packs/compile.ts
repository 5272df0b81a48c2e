// Turn a validated pack into Rules the engine runs like built-in ones. For each match of `select`
// that `where` admits, the `when` condition is evaluated on the item; a match raises a finding
// (status fail/warn) with the subject built from the item and evidence pointing at the value the
// condition read. Items that do not match give one pass per subject. Conditions are compiled once
// (at load): a `matches` pattern becomes an RE2 program, which runs in time linear in its input.
import { RE2JS } from 're2js';
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import { MAX_PATTERN_CHARS } from './limits.js';
import { evaluatePath, type Hit } from './path.js';
import type { Condition, Pack, PackRule } from './schema.js';
import { snapshotView, type SnapshotView } from './view.js';

/** first value of a relative path ($ = the item), with its pointer inside the item */
function first(path: string, item: unknown): Hit | undefined {
  return evaluatePath(path, item)[0];
}

function valued(v: string | undefined, item: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!v.startsWith('$')) return v;
  const hit = first(v, item);
  return hit === undefined || hit.value === undefined || hit.value === null ? undefined : String(hit.value);
}

function compare(op: string, actual: unknown, expected: unknown): boolean {
  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'absent':
      return actual === undefined || actual === null;
    case 'eq':
      return actual === expected || String(actual) === String(expected);
    case 'ne':
      return !(actual === expected || String(actual) === String(expected));
    case 'lt':
      return Number(actual) < Number(expected);
    case 'le':
      return Number(actual) <= Number(expected);
    case 'gt':
      return Number(actual) > Number(expected);
    case 'ge':
      return Number(actual) >= Number(expected);
    case 'in':
      return Array.isArray(expected) && expected.some((e) => String(e) === String(actual));
    case 'nin':
      return Array.isArray(expected) && !expected.some((e) => String(e) === String(actual));
    case 'contains':
      return Array.isArray(actual)
        ? actual.some((a) => String(a) === String(expected))
        : typeof actual === 'string' && actual.includes(String(expected));
    default:
      return false;
  }
}

/** undefined when `pattern` is a `matches` value RE2 compiles; else why not (for a load problem) */
export function patternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return '`matches` needs a string value: a regular expression in RE2 syntax';
  if (pattern.length > MAX_PATTERN_CHARS)
    return `the pattern is ${pattern.length} characters, over the limit of ${MAX_PATTERN_CHARS}`;
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return `RE2 cannot compile /${pattern.slice(0, 80)}/: ${(err as Error).message} (no backreferences or lookaround: patterns run on a linear-time engine)`;
  }
}

/** a condition, ready to test items; `read` collects the pointers (inside the item) it read, for evidence */
export type Test = (item: unknown, read: string[]) => boolean;

/** compile a validated condition (nesting is capped at load, MAX_PACK_DEPTH); throws on a pattern RE2 refuses */
export function compileCondition(c: Condition): Test {
  if ('all' in c) {
    const parts = c.all.map(compileCondition);
    return (item, read) => parts.every((t) => t(item, read));
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition);
    return (item, read) => parts.some((t) => t(item, read));
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (item, read) => !inner(item, read);
  }
  const re = c.op === 'matches' ? RE2JS.compile(String(c.value)) : undefined;
  const { path, op, value } = c;
  return (item, read) => {
    const hit = first(path, item);
    if (hit && hit.value !== undefined) read.push(hit.pointer);
    const actual = hit?.value;
    return re ? typeof actual === 'string' && re.test(actual) : compare(op, actual, value);
  };
}

/** evaluate a condition once (tests and one-off use; rules compile theirs at load) */
export function holds(c: Condition, item: unknown, read: string[]): boolean {
  return compileCondition(c)(item, read);
}

function subjectOf(r: PackRule, item: unknown): Subject {
  const name = valued(r.subject.name, item) ?? '';
  const ns = valued(r.subject.namespace, item);
  const node = valued(r.subject.node, item);
  return {
    kind: r.subject.kind,
    name: r.subject.kind === 'cluster' ? '' : name,
    ...(ns ? { namespace: ns } : {}),
    ...(node ? { node } : {}),
  };
}

function evidenceFor(view: SnapshotView, base: string, rel: readonly string[]): EvidenceRef[] {
  const out: EvidenceRef[] = [];
  for (const p of rel.length ? rel : ['']) {
    const ev = view.evidenceAt(base + p);
    if (ev && !out.some((e) => e.pointer === ev.pointer && e.line === ev.line)) out.push(ev);
  }
  if (out.length === 0) {
    const ev = view.evidenceAt(base);
    if (ev) out.push(ev);
  }
  return out;
}

export function compileRule(r: PackRule, packName: string): Rule {
  const where = r.where ? compileCondition(r.where) : undefined;
  const when = compileCondition(r.when);
  return {
    id: r.id,
    slug: r.slug,
    layer: r.layer,
    severity: r.severity,
    title: r.title,
    needs: [`pack:${packName}`],
    docs: r.docs,
    messages: { match: r.message, ok: `${r.title}: ok for {subject}` },
    run(s) {
      const view = snapshotView(s);
      const out: Report[] = [];
      const passed = new Set<string>();
      for (const hit of evaluatePath(r.select, view.json)) {
        if (where && !where(hit.value, [])) continue;
        const subject = subjectOf(r, hit.value);
        const read: string[] = [];
        if (!when(hit.value, read)) {
          const key = JSON.stringify(subject);
          // the pass rests on the item it read: its place in the bundle is the basis
          if (!passed.has(key))
            out.push({
              status: 'pass',
              subject,
              messageId: 'ok',
              data: { subject: subject.name || subject.kind },
              basis: evidenceFor(view, hit.pointer, []),
            });
          passed.add(key);
          continue;
        }
        const data: Record<string, string> = {
          subject: subject.name || subject.kind,
          name: subject.name,
          ...(subject.namespace ? { namespace: subject.namespace } : {}),
          ...(subject.node ? { node: subject.node } : {}),
        };
        for (const [k, v] of Object.entries(r.data ?? {})) data[k] = valued(v, hit.value) ?? '';
        const rel = r.evidence ? [first(r.evidence, hit.value)?.pointer ?? ''] : read;
        out.push({
          status: r.status,
          subject,
          messageId: 'match',
          data,
          evidence: evidenceFor(view, hit.pointer, rel),
          ...(r.remediation ? { remediation: r.remediation } : {}),
        });
      }
      return out;
    },
  };
}

export function compilePack(pack: Pack): Rule[] {
  return pack.rules.map((r) => compileRule(r, pack.name));
}
