// Every scenario reads like a bug report: its expected.json names the root causes the analyzer must
// find, the symptoms linked beneath each, and the rules that must say unknown. Nothing else may fail
// as a root cause; healthy scenarios have no fail or warn at all. Every evidence reference of every
// finding opens and its quote is really there; every fail has fix commands; every unknown names what
// was missing (in this file rather than a file of its own, so each scenario is analyzed once).
import { describe, expect, it } from 'vitest';
import { symptomsOf } from '../analyzer/causal/link.js';
import { contractProblems } from '../analyzer/rules/testing.js';
import { subjectKey, type Finding } from '../analyzer/rules/types.js';
import { analyzed, expectedOf, scenarioNames } from './scenario-helpers.js';

const key = (f: Pick<Finding, 'ruleId' | 'subject'>): string => `${f.ruleId} ${subjectKey(f.subject)}`;
const names = scenarioNames();

describe.skipIf(names.length === 0)('scenarios', () => {
  for (const name of names) {
    describe(name, () => {
      const exp = expectedOf(name);

      it('finds exactly the expected failing root causes, each with its symptoms', async () => {
        const { analysis } = await analyzed(name);
        const roots = analysis.roots.filter((r) => r.finding.status === 'fail');
        const got = roots.map((r) => ({
          root: key(r.finding),
          symptoms: symptomsOf(r)
            .filter((f) => f.status === 'fail' || f.status === 'warn')
            .map(key)
            .sort(),
        }));
        const want = exp.rootCauses.map((r) => ({
          root: `${r.rule} ${r.subject}`,
          symptoms: r.symptoms.map((s) => `${s.rule} ${s.subject}`).sort(),
        }));
        const byRoot = (a: { root: string }, b: { root: string }) => a.root.localeCompare(b.root);
        expect(got.sort(byRoot)).toEqual(want.sort(byRoot));
      });

      it('says unknown (never pass) where the inputs are missing', async () => {
        const { analysis } = await analyzed(name);
        for (const u of exp.unknown ?? []) {
          const fs = analysis.findings.filter((f) => f.ruleId === u.rule && subjectKey(f.subject) === u.subject);
          expect(
            fs.map((f) => `${key(f)} ${f.status}`),
            `${u.rule} ${u.subject}`,
          ).toEqual(fs.length ? fs.map((f) => `${key(f)} unknown`) : [`${u.rule} ${u.subject} unknown`]);
        }
      });

      if (exp.warnings) {
        it('raises the expected warnings', async () => {
          const { analysis } = await analyzed(name);
          const warns = new Set(analysis.findings.filter((f) => f.status === 'warn').map(key));
          for (const w of exp.warnings ?? [])
            expect(warns.has(`${w.rule} ${w.subject}`), `${w.rule} ${w.subject}`).toBe(true);
        });
      }

      if (exp.rootCauses.length === 0 && !exp.warnings && !exp.unknown) {
        it('a healthy cluster has no fail or warn', async () => {
          const { analysis } = await analyzed(name);
          expect(
            analysis.findings
              .filter((f) => f.status === 'fail' || f.status === 'warn')
              .map((f) => `${key(f)} ${f.status} ${f.messageId}: ${f.message}`),
          ).toEqual([]);
        });
      }

      it('every evidence reference resolves, every fail has fixes, every unknown names what is missing', async () => {
        const { snapshot, analysis } = await analyzed(name);
        const problems = analysis.findings.flatMap((f) =>
          contractProblems(f, snapshot).filter((p) => !p.includes('rule threw')),
        );
        expect(problems).toEqual([]);
      });

      it('no rule crashed', async () => {
        const { analysis } = await analyzed(name);
        expect(
          analysis.findings
            .filter((f) => f.messageId === 'rule-error')
            .map((f) => `${f.ruleId}: ${String(f.data?.error)}`),
        ).toEqual([]);
      });
    });
  }
});
