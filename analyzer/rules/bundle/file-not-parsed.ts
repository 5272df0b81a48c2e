// BND-902: a file that could not be parsed (LoadProblem with severity error): the rules reading it
// see nothing from that file, or only part of it.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { LoadProblem } from '../../core/problem.js';
import type { Snapshot } from '../../model/types.js';
import { lineEvidence } from '../../model/evidence.js';
import { bundlesBasis } from './basis.js';
import { cmd, remedy } from '../../text/shell.js';

function evidenceFor(s: Snapshot, p: LoadProblem): EvidenceRef | undefined {
  if (!p.bundle) return undefined;
  const ref = { bundle: p.bundle, path: p.file };
  if (!s.files.has(ref)) return undefined;
  const line = p.line ?? 1;
  if (p.pointer !== undefined) {
    const inner = s.files.lines({ ...ref, pointer: p.pointer }, line, line);
    if (inner && inner.length)
      return { ...ref, pointer: p.pointer, line, quote: inner.join('\n'), note: 'where parsing failed' };
    const v = s.files.pointer(ref, p.pointer);
    if (v !== undefined)
      return { ...ref, pointer: p.pointer, quote: JSON.stringify(v), note: 'the value that failed validation' };
  }
  return lineEvidence(s.files, ref, line, line, 'where parsing failed');
}

const SKIP_CODES = new Set(['duplicate-node', 'cluster-conflict', 'unknown-file', 'encoding']);

export const fileNotParsed: Rule = {
  id: 'BND-902',
  slug: 'file-not-parsed',
  layer: 'bundle',
  severity: 'warning',
  title: 'A bundle file could not be parsed',
  needs: [],
  decidesFrom: [['manifest'], ['any bundle file']],
  docs: {
    why: 'A file that does not parse (cut short, edited by hand, an unexpected tool version) leaves the rules that read it blind or half-blind; their pass may then be wrong.',
    fix: 'Open the file at the line named and compare it with what the tool prints; re-collect, or report the sample so the parser learns the format.',
  },
  messages: {
    'parse-error': '{file}{where} could not be parsed: {problem}',
    ok: 'every file parsed',
  },
  run(s) {
    const out: Report[] = [];
    for (const p of s.problems) {
      if (p.severity !== 'error' || !p.bundle || (p.code && SKIP_CODES.has(p.code))) continue;
      const ev = evidenceFor(s, p);
      out.push({
        status: 'warn',
        subject: { kind: 'bundle', name: p.bundle },
        messageId: 'parse-error',
        data: {
          file: p.file,
          where: `${p.pointer ? `#${p.pointer}` : ''}${p.line ? `:${p.line}` : ''}`,
          problem: p.message,
        },
        evidence: ev ? [ev] : [],
        remediation: remedy(`Check ${p.file} in the bundle, then re-collect it.`, [cmd`netsnap inspect ${p.bundle}`]),
      });
    }
    if (out.length === 0 && s.bundles.length > 0)
      out.push({ status: 'pass', subject: { kind: 'cluster', name: '' }, messageId: 'ok', basis: bundlesBasis(s) });
    return out;
  },
};
