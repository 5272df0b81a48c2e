// Every evidence reference of every finding in every scenario opens, and its quote is really
// there; every fail has fix commands; every unknown names what was missing.
import { describe, expect, it } from 'vitest';
import { contractProblems } from '../analyzer/rules/testing.js';
import { analyzed, scenarioNames } from './scenario-helpers.js';

const names = scenarioNames();

describe.skipIf(names.length === 0)('evidence resolves in every scenario', () => {
  for (const name of names) {
    it(name, async () => {
      const { snapshot, analysis } = await analyzed(name);
      const problems = analysis.findings.flatMap((f) =>
        contractProblems(f, snapshot).filter((p) => !p.includes('rule threw')),
      );
      expect(problems).toEqual([]);
    });
  }
});
