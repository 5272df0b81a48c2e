// A strict, table-driven rule tester in the manner of ESLint's RuleTester:
//
//   ruleTester(rule).run({
//     valid:   [{ name: 'forwarding on', snapshot: () => snapshotOf(...) }],
//     invalid: [{ name: 'ip_forward=0', snapshot: ..., findings: [{ status: 'fail', subject: 'node:worker-1' }] }],
//   });
//
// It registers one vitest case per row and fails on: duplicate case names, a messageId the rule did
// not declare, a placeholder without data, a rule that throws, a fail/warn without evidence, evidence
// whose quote is not really at its place in the bundle, a fail without remediation commands, and an
// unknown without the missing source ids. `valid` means no fail, warn or unknown at all. `invalid`
// compares the non-pass findings exactly (all findings when a row expects a pass), each expected row
// matching one finding on status + subject key (+ messageId, data subset, missing when given).
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../model/types.js';
import { resolveEvidence } from '../model/evidence.js';
import { runRules } from './engine.js';
import { subjectKey, type Finding, type Rule, type Status } from './types.js';

export interface ValidCase {
  readonly name: string;
  /** a function is called inside the test, so a bad fixture fails only its own case */
  readonly snapshot: Snapshot | (() => Snapshot);
  readonly now?: string;
}

export interface ExpectedFinding {
  readonly status: Status;
  /** subjectKey(), e.g. "node:worker-1", "service:default/web@worker-2", "cluster" */
  readonly subject: string;
  readonly messageId?: string;
  /** a subset of the finding's data */
  readonly data?: Readonly<Record<string, string | number | boolean>>;
  readonly missing?: readonly string[];
  /** evidence the finding must cite: each a prefix of `path[#pointer][:line]` of one of its refs */
  readonly cites?: readonly string[];
}

export interface InvalidCase extends ValidCase {
  readonly findings: readonly ExpectedFinding[];
}

export interface TesterCases {
  readonly valid?: readonly ValidCase[];
  readonly invalid?: readonly InvalidCase[];
}

/** Contract breaks of one finding (empty when fine). Used by the tester and the scenario tests. */
export function contractProblems(f: Finding, snapshot: Snapshot): string[] {
  const where = `${f.ruleId} ${f.status} ${subjectKey(f.subject)} (${f.messageId})`;
  const out: string[] = [];
  if (f.messageId === 'rule-error') out.push(`${where}: rule threw: ${String(f.data?.error)}`);
  if ((f.status === 'fail' || f.status === 'warn') && f.evidence.length === 0) out.push(`${where}: no evidence`);
  if (f.status === 'fail' && (!f.remediation || f.remediation.commands.length === 0))
    out.push(`${where}: fail without remediation commands`);
  if (f.status === 'unknown' && f.messageId !== 'rule-error' && (!f.missing || f.missing.length === 0))
    out.push(`${where}: unknown without missing sources`);
  for (const ev of f.evidence) {
    const at = `${ev.bundle}:${ev.path}${ev.line !== undefined ? `:${ev.line}` : ''}${ev.pointer !== undefined ? `#${ev.pointer}` : ''}`;
    const resolved = resolveEvidence(snapshot.files, ev);
    if (!resolved) out.push(`${where}: evidence ${at} does not resolve (no such file)`);
    else if (!resolved.matches)
      out.push(`${where}: evidence ${at} quote ${JSON.stringify(ev.quote)} is not what is there`);
  }
  return out;
}

function describeFinding(f: Finding): string {
  return `${f.status} ${subjectKey(f.subject)} ${f.messageId}${f.data ? ` ${JSON.stringify(f.data)}` : ''}${f.missing ? ` missing=${f.missing.join(',')}` : ''}`;
}

function fits(e: ExpectedFinding, f: Finding): boolean {
  if (e.status !== f.status || e.subject !== subjectKey(f.subject)) return false;
  if (e.messageId !== undefined && e.messageId !== f.messageId) return false;
  if (e.data && !Object.entries(e.data).every(([k, v]) => f.data?.[k] === v)) return false;
  if (e.missing && JSON.stringify([...e.missing].sort()) !== JSON.stringify([...(f.missing ?? [])].sort()))
    return false;
  const cited = f.evidence.map(
    (ev) =>
      `${ev.path}${ev.pointer !== undefined ? `#${ev.pointer}` : ''}${ev.line !== undefined ? `:${ev.line}` : ''}`,
  );
  if (e.cites && !e.cites.every((c) => cited.some((x) => x.startsWith(c)))) return false;
  return true;
}

/** Pair expected rows with findings; what is left on either side is the difference. */
export function compareFindingsTo(
  expected: readonly ExpectedFinding[],
  findings: readonly Finding[],
): { notFound: string[]; unexpected: string[] } {
  const withPass = expected.some((e) => e.status === 'pass');
  const left = findings.filter((f) => withPass || f.status !== 'pass');
  const notFound: string[] = [];
  for (const e of expected) {
    const i = left.findIndex((f) => fits(e, f));
    if (i === -1) notFound.push(JSON.stringify(e));
    else left.splice(i, 1);
  }
  return { notFound, unexpected: left.map(describeFinding) };
}

const snapshotOfCase = (c: ValidCase): Snapshot => (typeof c.snapshot === 'function' ? c.snapshot() : c.snapshot);

function runCase(rule: Rule, c: ValidCase): { findings: Finding[]; snapshot: Snapshot } {
  const snapshot = snapshotOfCase(c);
  const findings = runRules([rule], snapshot, { now: c.now }, { strict: true });
  return { findings, snapshot };
}

export function ruleTester(rule: Rule): { run(cases: TesterCases): void } {
  return {
    run(cases: TesterCases): void {
      const names = new Set<string>();
      for (const c of [...(cases.valid ?? []), ...(cases.invalid ?? [])]) {
        if (names.has(c.name)) throw new Error(`${rule.id}: duplicate test case name "${c.name}"`);
        names.add(c.name);
      }
      describe(`${rule.id} ${rule.slug}`, () => {
        describe('valid', () => {
          for (const c of cases.valid ?? []) {
            it(c.name, () => {
              const { findings, snapshot } = runCase(rule, c);
              expect(findings.flatMap((f) => contractProblems(f, snapshot))).toEqual([]);
              expect(findings.filter((f) => f.status !== 'pass').map(describeFinding)).toEqual([]);
            });
          }
        });
        describe('invalid', () => {
          for (const c of cases.invalid ?? []) {
            it(c.name, () => {
              if (c.findings.length === 0)
                throw new Error(`${rule.id}: invalid case "${c.name}" expects no findings; put it under valid`);
              const { findings, snapshot } = runCase(rule, c);
              expect(findings.flatMap((f) => contractProblems(f, snapshot))).toEqual([]);
              expect(compareFindingsTo(c.findings, findings)).toEqual({ notFound: [], unexpected: [] });
            });
          }
        });
      });
    },
  };
}

/** a snapshot whose files under host/ count as collected and nothing else: engine and linker tests */
export const hostOnlySnapshot = {
  now: '2024-05-01T00:00:00Z',
  files: { has: (r: { path: string }): boolean => r.path.startsWith('host/') },
} as unknown as Snapshot;

/** a minimal rule for engine and linker tests: messages `bad` ({value}) and `ok` */
export function stubRule(id: string, layer: Rule['layer'], run: Rule['run'], extra: Partial<Rule> = {}): Rule {
  return {
    id,
    slug: id.toLowerCase(),
    layer,
    severity: 'critical',
    title: id,
    needs: [],
    docs: { why: 'w', fix: 'f' },
    messages: { bad: 'value {value} is bad', ok: 'fine' },
    run,
    ...extra,
  };
}
