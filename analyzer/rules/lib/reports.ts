// Small builders for Reports that every rule needs. This file imports only types, so any rule may
// use it without pulling in the engine or the catalog (which would make an import cycle).
import type { Report, Subject } from '../types.js';

/**
 * Message ids the engine accepts from every rule without the rule declaring them:
 *  - missing-inputs: the rule could not check `subject` because `missing` sources are absent
 *  - rule-error: the engine's own finding for a rule that threw or broke the rule contract
 */
export const ENGINE_MESSAGES: Readonly<Record<string, string>> = {
  'missing-inputs': 'cannot check: {missing} missing from the bundle',
  'rule-error': 'rule {rule} could not run: {error}',
};

export const CLUSTER: Subject = { kind: 'cluster', name: '' };

export const nodeSubject = (name: string): Subject => ({ kind: 'node', name });

/** status unknown naming the missing source ids (never pass when inputs are missing) */
export function missingInputs(subject: Subject, missing: readonly string[]): Report {
  return { status: 'unknown', subject, messageId: 'missing-inputs', missing: [...new Set(missing)].sort() };
}
