// The rule engine: runs rules over a Snapshot and turns their Reports into Findings.
//  - the engine fills ruleId, layer and severity, and formats the message from messageId + data
//  - a Report with a messageId the rule did not declare, or a rule that throws, becomes one finding
//    of that rule with status unknown, messageId "rule-error" and the error in data.error: a broken
//    rule is visible in the report's data-completeness part, it never vanishes and never passes
//  - findings come out in a stable order: layer bottom-up (system, network, service, dns, bundle),
//    then rule id, subject key, status, message
// Rules must not import this file (they use ./lib/reports.ts). analyzer/causal/analyze.ts composes
// runRules with the causal linker; the rules never call the floor above them.
import type { FileRef, Snapshot } from '../model/types.js';
import { CLUSTER, ENGINE_MESSAGES } from './lib/reports.js';
import {
  LAYER_DEPTH,
  subjectKey,
  type Finding,
  type Layer,
  type Report,
  type Rule,
  type RuleContext,
} from './types.js';

export interface RunOptions {
  /** rethrow rule errors and contract breaks instead of turning them into findings (tests) */
  readonly strict?: boolean;
}

export class RuleContractError extends Error {
  constructor(rule: string, message: string) {
    super(`${rule}: ${message}`);
    this.name = 'RuleContractError';
  }
}

/** `{name}` placeholders filled from data; a placeholder without data stays visible as `{name}` */
export function formatMessage(template: string, data: Readonly<Record<string, unknown>> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    data && data[key] !== undefined ? String(data[key]) : whole,
  );
}

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}

function templateFor(rule: Rule, messageId: string): string | undefined {
  return rule.messages[messageId] ?? ENGINE_MESSAGES[messageId];
}

/**
 * The verdict's basis: the report's own basis plus its evidence files, kept when collected (in the
 * snapshot's files). Without a snapshot (a bare toFinding in tests) every named file is kept.
 */
function basisFor(r: Report, s: Snapshot | undefined): FileRef[] {
  const out: FileRef[] = [];
  const seen = new Set<string>();
  for (const f of [...(r.basis ?? []), ...(r.evidence ?? [])]) {
    const k = `${f.bundle}\u0000${f.path}`;
    if (seen.has(k)) continue;
    seen.add(k);
    if (s && !s.files.has({ bundle: f.bundle, path: f.path })) continue;
    out.push({ bundle: f.bundle, path: f.path });
  }
  return out;
}

/** no evidence, no verdict: a pass/warn/fail that rests on no collected file becomes unknown */
function withoutVerdict(rule: Rule, r: Report): Report {
  const collectedNothing = rule.needs.length > 0 ? rule.needs : ['evidence'];
  return {
    status: 'unknown',
    subject: r.subject,
    messageId: 'no-basis',
    data: { verdict: r.status, ...(r.data ?? {}) },
    missing: r.missing ?? collectedNothing,
  };
}

function checkedData(rule: Rule, r: Report): { template: string; data: Report['data'] } {
  const template = templateFor(rule, r.messageId);
  if (template === undefined)
    throw new RuleContractError(rule.id, `unknown messageId "${r.messageId}" (declare it in messages)`);
  const data = r.missing && r.data?.missing === undefined ? { ...r.data, missing: r.missing.join(', ') } : r.data;
  const missingData = placeholdersOf(template).filter((p) => data?.[p] === undefined);
  if (missingData.length > 0)
    throw new RuleContractError(rule.id, `message "${r.messageId}" needs data ${missingData.join(', ')}`);
  return { template, data };
}

function toFinding(rule: Rule, r0: Report, s?: Snapshot): Finding {
  // the rule's own contract is checked first: a broken report is a rule error, not a missing basis
  let { template, data } = checkedData(rule, r0);
  let r = r0;
  let basis = basisFor(r, s);
  if (r.status !== 'unknown' && basis.length === 0) {
    r = withoutVerdict(rule, r);
    ({ template, data } = checkedData(rule, r));
    basis = [];
  }
  const severity = r.severity ?? (r.status === 'warn' ? 'warning' : rule.severity);
  return {
    ruleId: rule.id,
    status: r.status,
    severity,
    layer: rule.layer,
    subject: r.subject,
    messageId: r.messageId,
    message: formatMessage(template, data),
    evidence: r.evidence ?? [],
    ...(r.remediation ? { remediation: r.remediation } : {}),
    ...(r.missing ? { missing: r.missing } : {}),
    ...(data ? { data } : {}),
    basis,
  };
}

export function errorFinding(rule: Rule, err: unknown): Finding {
  const error = err instanceof Error ? err.message : String(err);
  const data = { rule: rule.id, error };
  return {
    ruleId: rule.id,
    status: 'unknown',
    severity: rule.severity,
    layer: rule.layer,
    subject: CLUSTER,
    messageId: 'rule-error',
    message: formatMessage(ENGINE_MESSAGES['rule-error'] ?? '', data),
    evidence: [],
    data,
    basis: [],
  };
}

/** One rule's findings (unsorted). */
export function runRule(rule: Rule, snapshot: Snapshot, ctx: RuleContext = {}, opts: RunOptions = {}): Finding[] {
  try {
    return rule.run(snapshot, ctx).map((r) => toFinding(rule, r, snapshot));
  } catch (err) {
    if (opts.strict) throw err;
    return [errorFinding(rule, err)];
  }
}

const layerOrder = (l: Layer): number => (l === 'bundle' ? 99 : LAYER_DEPTH[l]);
const STATUS_ORDER = { fail: 0, warn: 1, unknown: 2, pass: 3 } as const;

export function compareFindings(a: Finding, b: Finding): number {
  return (
    layerOrder(a.layer) - layerOrder(b.layer) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(subjectKey(a.subject), subjectKey(b.subject)) ||
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    cmp(a.messageId, b.messageId) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function runRules(
  rules: readonly Rule[],
  snapshot: Snapshot,
  ctx: RuleContext = {},
  opts: RunOptions = {},
): Finding[] {
  const c: RuleContext = { now: ctx.now ?? snapshot.now };
  return rules.flatMap((rule) => runRule(rule, snapshot, c, opts)).sort(compareFindings);
}
