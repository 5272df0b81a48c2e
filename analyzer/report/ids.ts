// Stable finding ids (issue 20 item 6, docs/report-schema.md "Finding ids"). Other code matches on
// them (netsnap diff, HTML anchors, the TUI), so the signature and the format are a contract:
//   `${ruleId}/${subjectKey}`                when the rule reports that subject once
//   `${ruleId}/${subjectKey}/${messageId}`   when it reports the subject more than once
//   `…/${messageId}/${n}`                    when even the message id ties (n from 1, ordered by
//                                            status, then message, then the rest of the finding)
// An id depends only on the finding set it is computed over, never on positions: compute it over
// the FULL analysis (before --layer/--node filters) and it is the same across runs and bundle order.
// Every character outside [A-Za-z0-9._:/@-] is percent-encoded (UTF-8), so an id is plain ASCII with
// no spaces, quotes, `<`, `#` or controls; a subject key longer than MAX_SUBJECT is cut and ends in
// `~` plus 12 hex digits of its sha256 (bundle strings are untrusted and may be huge).
import { createHash } from 'node:crypto';
import { subjectKey, type Finding } from '../rules/types.js';

const MAX_SUBJECT = 96;
const KEEP = 80;
const SAFE = /^[A-Za-z0-9._:/@-]$/;

/** percent-encode every character outside the safe set (so `~` and `%` never appear unencoded) */
export function idPart(text: string): string {
  let out = '';
  for (const ch of text) {
    if (SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function subjectPart(f: Finding): string {
  const key = subjectKey(f.subject);
  const enc = idPart(key);
  if (enc.length <= MAX_SUBJECT) return enc;
  // cut on a whole escape, never inside `%XX`
  let cut = enc.slice(0, KEEP);
  const pct = cut.lastIndexOf('%');
  if (pct >= 0 && pct > cut.length - 3) cut = cut.slice(0, pct);
  return `${cut}~${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

const STATUS_ORDER: Readonly<Record<Finding['status'], number>> = { fail: 0, warn: 1, unknown: 2, pass: 3 };

/** everything else about a finding, as a last tie-break that does not depend on input order */
const rest = (f: Finding): string =>
  JSON.stringify([
    f.ruleId,
    f.subject,
    f.messageId,
    f.severity,
    f.layer,
    f.data ?? {},
    f.evidence,
    f.missing ?? [],
    f.remediation ?? null,
  ]);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byContent(a: Finding, b: Finding): number {
  return STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || cmp(a.message, b.message) || cmp(rest(a), rest(b));
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
}

/** one id per finding, in input order; unique within the list */
export function stableFindingIds(findings: readonly Finding[]): string[] {
  const idx = findings.map((f, i) => ({ f, i, base: `${idPart(f.ruleId)}/${subjectPart(f)}` }));
  const ids = new Array<string>(findings.length);
  for (const [base, group] of groupBy(idx, (x) => x.base)) {
    if (group.length === 1) {
      ids[group[0]?.i ?? 0] = base;
      continue;
    }
    for (const [withMsg, same] of groupBy(group, (x) => `${base}/${idPart(x.f.messageId)}`)) {
      if (same.length === 1) {
        ids[same[0]?.i ?? 0] = withMsg;
        continue;
      }
      [...same].sort((a, b) => byContent(a.f, b.f)).forEach((x, n) => (ids[x.i] = `${withMsg}/${n + 1}`));
    }
  }
  // A hostile subject can spell another finding's suffixed id (a name holding `/`): settle such
  // clashes in an order that does not depend on the input order, by appending `/~n`.
  const order = idx
    .map((x) => x.i)
    .sort((a, b) => cmp(ids[a] ?? '', ids[b] ?? '') || byContent(findings[a] as Finding, findings[b] as Finding));
  const taken = new Set<string>();
  for (const i of order) {
    let id = ids[i] ?? '';
    for (let n = 2; taken.has(id); n++) id = `${ids[i] ?? ''}/~${n}`;
    taken.add(id);
    ids[i] = id;
  }
  return ids;
}
