// Turn a validated pack into Rules the engine runs like built-in ones. For each match of `select`
// the `when` condition is evaluated on the item; a match raises a finding (status fail/warn) with the
// subject built from the item and evidence pointing at the value the condition read. Items that do
// not match give one pass per subject.
import { JSONPath } from 'jsonpath-plus';
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import type { Condition, Pack, PackRule } from './schema.js';
import { snapshotView, type SnapshotView } from './view.js';

interface Hit {
  readonly value: unknown;
  readonly pointer: string;
}

function query(path: string, json: unknown): Hit[] {
  const res = JSONPath({ path, json: json as object, resultType: 'all', eval: 'safe', wrap: true }) as { value: unknown; pointer: string }[] | undefined;
  return (res ?? []).map((r) => ({ value: r.value, pointer: r.pointer }));
}

/** first value of a relative path ($ = the item), with its pointer inside the item */
function first(path: string, item: unknown): Hit | undefined {
  return query(path, item)[0];
}

function valued(v: string | undefined, item: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!v.startsWith('$')) return v;
  const hit = first(v, item);
  return hit === undefined || hit.value === undefined || hit.value === null ? undefined : String(hit.value);
}

function compare(op: string, actual: unknown, expected: unknown): boolean {
  switch (op) {
    case 'exists': return actual !== undefined && actual !== null;
    case 'absent': return actual === undefined || actual === null;
    case 'eq': return actual === expected || String(actual) === String(expected);
    case 'ne': return !(actual === expected || String(actual) === String(expected));
    case 'lt': return Number(actual) < Number(expected);
    case 'le': return Number(actual) <= Number(expected);
    case 'gt': return Number(actual) > Number(expected);
    case 'ge': return Number(actual) >= Number(expected);
    case 'in': return Array.isArray(expected) && expected.some((e) => String(e) === String(actual));
    case 'nin': return Array.isArray(expected) && !expected.some((e) => String(e) === String(actual));
    case 'matches': return typeof actual === 'string' && new RegExp(String(expected)).test(actual);
    case 'contains': return Array.isArray(actual) ? actual.some((a) => String(a) === String(expected)) : typeof actual === 'string' && actual.includes(String(expected));
    default: return false;
  }
}

/** evaluate; `read` collects the pointers (inside the item) the decision read, for evidence */
export function holds(c: Condition, item: unknown, read: string[]): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, item, read));
  if ('any' in c) return c.any.some((x) => holds(x, item, read));
  if ('not' in c) return !holds(c.not, item, read);
  const hit = first(c.path, item);
  if (hit && hit.value !== undefined) read.push(hit.pointer);
  return compare(c.op, hit?.value, c.value);
}

function subjectOf(r: PackRule, item: unknown): Subject {
  const name = valued(r.subject.name, item) ?? '';
  const ns = valued(r.subject.namespace, item);
  const node = valued(r.subject.node, item);
  return { kind: r.subject.kind, name: r.subject.kind === 'cluster' ? '' : name, ...(ns ? { namespace: ns } : {}), ...(node ? { node } : {}) };
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
      for (const hit of query(r.select, view.json)) {
        const subject = subjectOf(r, hit.value);
        const read: string[] = [];
        if (!holds(r.when, hit.value, read)) {
          const key = JSON.stringify(subject);
          // the pass rests on the item it read: its place in the bundle is the basis
          if (!passed.has(key)) out.push({ status: 'pass', subject, messageId: 'ok', data: { subject: subject.name || subject.kind }, basis: evidenceFor(view, hit.pointer, []) });
          passed.add(key);
          continue;
        }
        const data: Record<string, string> = { subject: subject.name || subject.kind, name: subject.name, ...(subject.namespace ? { namespace: subject.namespace } : {}), ...(subject.node ? { node: subject.node } : {}) };
        for (const [k, v] of Object.entries(r.data ?? {})) data[k] = valued(v, hit.value) ?? '';
        const rel = r.evidence ? [first(r.evidence, hit.value)?.pointer ?? ''] : read;
        out.push({ status: r.status, subject, messageId: 'match', data, evidence: evidenceFor(view, hit.pointer, rel), ...(r.remediation ? { remediation: r.remediation } : {}) });
      }
      return out;
    },
  };
}

export function compilePack(pack: Pack): Rule[] {
  return pack.rules.map((r) => compileRule(r, pack.name));
}
