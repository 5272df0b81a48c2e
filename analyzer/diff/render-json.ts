// The diff as JSON (schema netsnap.diff/v1, docs/diff.md): every matched id with its category and
// both sides' verdicts, the root chains of each side and the source changes with their refs.
// Written through safeJson: bundle text cannot smuggle controls into a consumer's terminal.
import type { Finding } from '../rules/types.js';
import { subjectKey } from '../rules/types.js';
import { safeJson } from '../text/inert.js';
import { categoryCounts } from './diff.js';
import type { DiffResult } from './types.js';

export const DIFF_SCHEMA = 'netsnap.diff/v1';

function side(f: Finding | undefined, full: boolean): object | null {
  if (!f) return null;
  return {
    ruleId: f.ruleId,
    status: f.status,
    severity: f.severity,
    layer: f.layer,
    subject: subjectKey(f.subject),
    messageId: f.messageId,
    message: f.message,
    ...(full ? { evidence: f.evidence } : {}),
  };
}

export function diffJson(d: DiffResult, exitCode?: number): object {
  return {
    schema: DIFF_SCHEMA,
    ...(d.node !== undefined ? { node: d.node } : {}),
    before: d.before,
    after: d.after,
    summary: categoryCounts(d),
    ...(exitCode !== undefined ? { exitCode } : {}),
    findings: d.findings.map((m) => ({
      id: m.id,
      category: m.category,
      before: side(m.before, m.category !== 'unchanged'),
      after: side(m.after, m.category !== 'unchanged'),
      explainedBy: m.explainedBy,
    })),
    rootsBefore: d.rootsBefore,
    rootsAfter: d.rootsAfter,
    sources: d.sources,
    sourcesOmitted: d.sourcesOmitted,
  };
}

export function renderDiffJson(d: DiffResult, exitCode?: number): string {
  return `${safeJson(diffJson(d, exitCode))}\n`;
}
