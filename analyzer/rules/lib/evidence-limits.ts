// Two ways a collected file can look like evidence and not be: a list that holds only some
// namespaces or a selection of objects (converted sosreports, Insights archives, pasted
// `kubectl get -n X`: model/coverage.ts), and a value a redactor replaced (troubleshoot writes
// `***HIDDEN***`, so a podCIDR reads `***HIDDEN***/24`). Neither can ground a pass: rules return
// these unknown reports instead.
import type { Snapshot } from '../../model/types.js';
import type { EvidenceRef, Report, Subject } from '../types.js';
import { partialList, type ListCoverage } from '../../model/coverage.js';
import { sourceIdForPath } from '../../model/source-ids.js';
import { isIp, parseCidr } from '../../model/net.js';
import { jsonEvidence } from './host.js';

/** unknown: the list a verdict on absence would rest on is partial (names the manifest field) */
export function partialListReport(s: Snapshot, subject: Subject, c: ListCoverage): Report {
  const ev = c.at ? jsonEvidence(s, c.at, c.at.pointer, 'the list is not every object') : undefined;
  return {
    status: 'unknown',
    subject,
    messageId: 'partial-list',
    data: { list: c.list.path, partial: c.partial ?? 'partial' },
    evidence: ev ? [ev] : [],
    missing: [sourceIdForPath(c.list.path)],
  };
}

/**
 * The unknown report when one of `paths` (collected) does not cover `namespaces` (none: the whole
 * cluster), else undefined: ask before a pass on "not found in the list".
 */
export function unlessListsCover(
  s: Snapshot,
  subject: Subject,
  paths: readonly string[],
  namespaces?: readonly string[],
): Report | undefined {
  const c = partialList(s, paths, namespaces);
  return c ? partialListReport(s, subject, c) : undefined;
}

/** troubleshoot's `***HIDDEN***`, generic `REDACTED`/`<redacted>`, `xxx.xxx.xxx.xxx` */
const REDACTION = /\*{3}HIDDEN\*{3}|redacted|^x{3,}(?:\.x{3,}){0,3}(?:\/\d+)?$/i;

/** a value a redactor replaced (it says so), as opposed to one that is merely malformed */
export function looksRedacted(value: string): boolean {
  return REDACTION.test(value);
}

/** what a value should parse as; undefined when it does */
export function unparsed(value: string, as: 'ip' | 'cidr'): string | undefined {
  return (as === 'ip' ? isIp(value) : parseCidr(value) !== undefined) ? undefined : value;
}

/**
 * unknown: the value a verdict would rest on is not an address. `redacted` in data says whether it
 * carries a redactor's mark (a malformed value cannot ground a pass either); `missing` names the
 * sources an unredacted copy of which would decide.
 */
export function redactedReport(
  subject: Subject,
  what: string,
  value: string,
  evidence: readonly EvidenceRef[],
  missing: readonly string[],
): Report {
  return {
    status: 'unknown',
    subject,
    messageId: 'redacted',
    data: { what, value, redacted: looksRedacted(value) },
    evidence: [...evidence],
    missing: [...missing],
  };
}
