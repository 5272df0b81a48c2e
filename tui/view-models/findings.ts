// Findings -> list rows: sorted root causes first, filtered by layer/severity/status/node/text.
// Pure; the list component draws only the visible slice of the result.
import { LAYER_DEPTH, LAYERS, subjectKey, type Layer, type Severity, type Status } from '../../analyzer/rules/types.js';
import { STATUS_RANK, SEVERITY_RANK } from '../theme.js';
import type { FindingFilter } from '../state/route.js';
import { nodeOf, type UiModel } from './model.js';

export interface FindingRow {
  readonly index: number;
  readonly ruleId: string;
  readonly status: Status;
  readonly severity: Severity;
  readonly layer: Layer;
  readonly subject: string;
  readonly node?: string;
  readonly message: string;
  readonly isRoot: boolean;
  /** a root that is a symptom nothing explains (a probe failure), not a cause */
  readonly unexplained: boolean;
  /** how many findings this one explains (directly) */
  readonly explains: number;
}

/** the lower-cased text the free-text filter searches, built on the first text filter, not per row up front */
const haystacks = new WeakMap<FindingRow, string>();
function haystackOf(r: FindingRow): string {
  let h = haystacks.get(r);
  if (h === undefined) {
    h = `${r.ruleId} ${r.subject} ${r.message} ${r.layer} ${r.status}`.toLowerCase();
    haystacks.set(r, h);
  }
  return h;
}

/** localeCompare's order at a fraction of its cost per call: 25,000 rows sort in one pass */
const collator = new Intl.Collator();

/** all findings as rows: root causes (in the engine's order) first, then by status, layer, id */
export function findingRows(m: UiModel): FindingRow[] {
  const rootRank = new Map(m.rootOrder.map((i, r) => [i, r]));
  const rows = m.findings.map((f, index): FindingRow => {
    const subject = subjectKey(f.subject);
    const node = nodeOf(f);
    return {
      index,
      ruleId: f.ruleId,
      status: f.status,
      severity: f.severity,
      layer: f.layer,
      subject,
      ...(node !== undefined ? { node } : {}),
      message: f.message,
      isRoot: rootRank.has(index),
      unexplained: m.unexplained.has(index),
      explains: m.symptomsOf.get(index)?.length ?? 0,
    };
  });
  // one number per row for everything but the ids and subjects (roots by engine order, then
  // status, severity, layer), and each distinct rule id ranked once: the comparator mostly
  // compares numbers, and only rows of one rule compare subjects
  const ruleRank = new Map(
    [...new Set(rows.map((r) => r.ruleId))].sort(collator.compare).map((id, i) => [id, i] as const),
  );
  const roots = m.rootOrder.length;
  const key = new Float64Array(rows.length);
  const rule = new Float64Array(rows.length);
  for (const r of rows) {
    key[r.index] =
      rootRank.get(r.index) ??
      roots + (STATUS_RANK[r.status] * 100 + SEVERITY_RANK[r.severity]) * 100 + LAYER_DEPTH[r.layer];
    rule[r.index] = ruleRank.get(r.ruleId) ?? 0;
  }
  return rows.sort(
    (a, b) =>
      key[a.index]! - key[b.index]! || rule[a.index]! - rule[b.index]! || collator.compare(a.subject, b.subject),
  );
}

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
const STATUSES: readonly Status[] = ['fail', 'warn', 'unknown', 'pass'];

const ROLES: readonly string[] = ['root', 'unexplained'];

/** `layer:dns sev:critical status:fail node:worker-1 is:unexplained rest of text` -> a filter */
export function parseFilterText(text: string, base: Omit<FindingFilter, 'text'> = {}): FindingFilter {
  const free: string[] = [];
  let f: FindingFilter = { ...base, text: '' };
  for (const tok of text.split(/\s+/).filter(Boolean)) {
    const m = /^(layer|sev|severity|status|node|is):(.+)$/i.exec(tok);
    const key = m?.[1]?.toLowerCase();
    const val = m?.[2]?.toLowerCase() ?? '';
    if (key === 'layer' && (LAYERS as readonly string[]).includes(val)) f = { ...f, layer: val as Layer };
    else if ((key === 'sev' || key === 'severity') && (SEVERITIES as readonly string[]).includes(val))
      f = { ...f, severity: val as Severity };
    else if (key === 'status' && (STATUSES as readonly string[]).includes(val)) f = { ...f, status: val as Status };
    else if (key === 'node' && m?.[2]) f = { ...f, node: m[2] };
    else if (key === 'is' && ROLES.includes(val)) f = { ...f, role: val as 'root' | 'unexplained' };
    else free.push(tok.toLowerCase());
  }
  return { ...f, text: free.join(' ') };
}

export function filterRows(rows: readonly FindingRow[], filter: FindingFilter): readonly FindingRow[] {
  const f = parseFilterText(filter.text, filter);
  const words = f.text ? f.text.split(' ') : [];
  if (!f.layer && !f.severity && !f.status && !f.node && !f.role && words.length === 0) return rows;
  return rows.filter(
    (r) =>
      (!f.layer || r.layer === f.layer) &&
      (!f.severity || r.severity === f.severity) &&
      (!f.status || r.status === f.status) &&
      (!f.node || r.node === f.node) &&
      (!f.role || (f.role === 'root' ? r.isRoot && !r.unexplained : r.unexplained)) &&
      (words.length === 0 || words.every((w) => haystackOf(r).includes(w))),
  );
}

/** the next value in a cycle that starts and ends with "no filter" */
export function cycle<T>(values: readonly T[], current: T | undefined): T | undefined {
  if (current === undefined) return values[0];
  const i = values.indexOf(current);
  return i < 0 || i === values.length - 1 ? undefined : values[i + 1];
}

export const FILTER_LAYERS = LAYERS;
export const FILTER_SEVERITIES = SEVERITIES;

/** one line describing the active filter, for the breadcrumb and the list header */
export function describeFilter(filter: FindingFilter): string {
  const parts: string[] = [];
  if (filter.layer) parts.push(`layer=${filter.layer}`);
  if (filter.severity) parts.push(`sev=${filter.severity}`);
  if (filter.status) parts.push(`status=${filter.status}`);
  if (filter.node) parts.push(`node=${filter.node}`);
  if (filter.role) parts.push(filter.role === 'root' ? 'root causes' : 'unexplained symptoms');
  if (filter.text) parts.push(`"${filter.text}"`);
  return parts.join(' ');
}
