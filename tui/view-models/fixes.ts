// Fix commands as a reviewable shell script: written by `w`, printed on exit.
import { subjectKey } from '../../analyzer/rules/types.js';
import type { UiModel } from './model.js';

/** the findings whose fixes to export: the given ones, or every root cause */
export function fixTargets(m: UiModel, findings?: readonly number[]): number[] {
  return [...(findings ?? m.rootOrder)].filter((i) => (m.findings[i]?.remediation?.commands.length ?? 0) > 0);
}

export function fixScript(m: UiModel, findings: readonly number[]): string {
  const out = [
    '#!/bin/sh',
    '# netsnap fix suggestions: review each command before running it; netsnap never runs them.',
    '',
  ];
  for (const i of findings) {
    const f = m.findings[i];
    if (!f?.remediation?.commands.length) continue;
    out.push(`# ${f.ruleId} ${subjectKey(f.subject)}: ${f.message.replace(/\n/g, ' ')}`, ...f.remediation.commands, '');
  }
  return out.join('\n');
}
