// BND-901: a source the collector tried and could not get (failed, timed out, permission denied),
// naming the rules that need it. "absent" (the file or tool does not exist on that node, e.g. no
// ipvsadm) and "skipped" (by a collector flag) are facts, not failures: the rules that needed them
// say unknown themselves, and the report's data-completeness part lists them.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { BundleMeta, Snapshot } from '../../model/types.js';
import { allRulesLazy } from './catalog-ref.js';

const FAILED = new Set(['failed', 'timeout', 'denied']);

/** rules whose `needs` name this source id (patterns like cluster.log.<ns>... match by prefix) */
function rulesNeeding(source: string): string[] {
  return allRulesLazy()
    .filter((r) => r.needs.some((n) => n === source || (n.includes('<') && source.startsWith(n.slice(0, n.indexOf('<'))))))
    .map((r) => r.id);
}

function manifestEvidence(s: Snapshot, b: BundleMeta, index: number, quote: unknown): EvidenceRef | undefined {
  const ref = { bundle: b.id, path: 'manifest.json' };
  if (!s.files.has(ref)) return undefined;
  return { ...ref, pointer: `/sources/${index}`, quote: JSON.stringify(quote), note: 'the collector\'s record of this source' };
}

export const sourceNotCollected: Rule = {
  id: 'BND-901',
  slug: 'source-not-collected',
  layer: 'bundle',
  severity: 'warning',
  title: 'A source could not be collected',
  needs: ['manifest'],
  docs: {
    why: 'When the collector cannot read a source (no permission, a command failing or timing out), every rule that needs it can only say unknown; a clean report then does not mean a clean node.',
    fix: 'Re-run the collector as root (`sudo sh netsnap-collect.sh`), with kubectl access for cluster sources, and read the source\'s stderr in manifest.json for the reason.',
  },
  messages: {
    failed: '{source} was not collected ({status}{stderr}); left unknown: {rules}',
    ok: 'every source the collector tried was collected',
  },
  run(s) {
    const out: Report[] = [];
    for (const b of s.bundles) {
      const subject = { kind: 'bundle' as const, name: b.id };
      const sources = b.manifest?.sources ?? [];
      let bad = 0;
      sources.forEach((src, i) => {
        if (!FAILED.has(src.status)) return;
        bad++;
        const ev = manifestEvidence(s, b, i, src);
        const rules = rulesNeeding(src.id);
        out.push({
          status: 'warn',
          subject,
          messageId: 'failed',
          data: { source: src.id, status: src.status, stderr: src.stderrTail ? `: ${src.stderrTail.split('\n').filter(Boolean).pop() ?? ''}` : '', rules: rules.join(', ') || 'none' },
          evidence: ev ? [ev] : [],
          remediation: { explanation: `Collect ${src.path} again with the permissions it needs.`, commands: ['sudo sh netsnap-collect.sh', `${src.command}   # what the collector ran`] },
        });
      });
      if (b.manifest && bad === 0) out.push({ status: 'pass', subject, messageId: 'ok' });
    }
    return out;
  },
};
