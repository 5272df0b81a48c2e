// Small builders for Reports that every rule needs. This file imports only types, so any rule may
// use it without pulling in the engine or the catalog (which would make an import cycle).
import type { FileRef, Snapshot } from '../../model/types.js';
import type { Report, Subject } from '../types.js';

/**
 * Message ids the engine accepts from every rule without the rule declaring them:
 *  - missing-inputs: the rule could not check `subject` because `missing` sources are absent
 *  - rule-error: the engine's own finding for a rule that threw or broke the rule contract
 *  - not-a-node: a node check skipped on a host that holds nothing of Kubernetes (lib/node-scope.ts)
 *  - partial-list: a verdict on absence withheld: the list it would rest on is not every object
 *    (its manifest record says `partial`; model/coverage.ts)
 *  - redacted: a verdict withheld because the value it rests on is no address (troubleshoot writes HIDDEN stars)
 */
export const ENGINE_MESSAGES: Readonly<Record<string, string>> = {
  'missing-inputs': 'cannot check: {missing} missing from the bundle',
  'rule-error': 'rule {rule} could not run: {error}',
  'no-basis': 'no verdict: the rule would say "{verdict}" but names no collected file it rests on',
  'not-a-node': 'not checked: {node} does not look like a Kubernetes node (see BND-904)',
  'partial-list': 'cannot tell: {list} is not every object ({partial}), so what it does not show may still exist',
  redacted: 'cannot tell: {what} reads "{value}", not an address (a redactor hid it before the bundle was shared)',
};

export const CLUSTER: Subject = { kind: 'cluster', name: '' };

export const nodeSubject = (name: string): Subject => ({ kind: 'node', name });

/** status unknown naming the missing source ids (never pass when inputs are missing) */
export function missingInputs(subject: Subject, missing: readonly string[]): Report {
  return { status: 'unknown', subject, messageId: 'missing-inputs', missing: [...new Set(missing)].sort() };
}

/** anything that carries a bundle place: Sourced, Located, EvidenceRef, FileRef */
type HasRef = { readonly ref: FileRef } | FileRef;

/**
 * The files a verdict rests on, from parsed sources, located objects, evidence refs or file refs;
 * undefined entries (sources that were not collected) are skipped, duplicates dropped.
 * Lists of located objects are passed as lists: basisOf(s.cluster.nodes, host.routes).
 */
export function basisOf(...xs: readonly (HasRef | readonly HasRef[] | undefined)[]): FileRef[] {
  const out: FileRef[] = [];
  const seen = new Set<string>();
  const add = (x: HasRef): void => {
    const r = 'ref' in x ? x.ref : x;
    const k = `${r.bundle}\u0000${r.path}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ bundle: r.bundle, path: r.path });
    }
  };
  for (const x of xs) {
    if (x === undefined) continue;
    if (Array.isArray(x)) {
      // a list of located objects: consecutive items of one file are one entry (150,000 pods at L)
      let last: FileRef | undefined;
      for (const y of x as readonly HasRef[]) {
        const r = 'ref' in y ? y.ref : y;
        if (last && last.path === r.path && last.bundle === r.bundle) continue;
        last = r;
        add(r);
      }
    } else add(x as HasRef);
  }
  return out;
}

/**
 * A cluster file as a basis even when its list is empty (an empty pods list is evidence too):
 * `cluster/nodes.json` -> the bundle that supplied it, or undefined when it was not collected.
 */
export function clusterFile(s: Snapshot, path: string): FileRef | undefined {
  const bundle = s.cluster.fileOwners?.get(path) ?? s.cluster.bundle;
  return bundle !== undefined && s.files.has({ bundle, path }) ? { bundle, path } : undefined;
}
