// BND-901: sources the collector tried and could not get (failed, timed out, permission denied),
// one finding per bundle naming the rules that need them. A source `absent` by design is data, not
// a gap: a file or tool that does not exist on the node (no ipvsadm, no systemd-resolved, no
// kube-proxy ConfigMap on k3s, no kubectl on the node), and a source `skipped` by a collector flag
// was asked for; the rules that needed them say unknown themselves, and the report's
// data-completeness part lists them.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { BundleMeta, Snapshot } from '../../model/types.js';
import { allRulesLazy } from './catalog-ref.js';
import { manifestRef } from './basis.js';
import { basisOf } from '../lib/reports.js';
import { cmd, plainCommand, raw, remedy, word, type Cmd } from '../../text/shell.js';

const FAILED = new Set(['failed', 'timeout', 'denied']);

/** only failures are gaps; absent and skipped are what the node is and what was asked */
function notCollected(status: string): boolean {
  return FAILED.has(status);
}

/** rules whose `needs` name this source id (patterns like cluster.log.<ns>... match by prefix) */
function rulesNeeding(source: string): string[] {
  return allRulesLazy()
    .filter((r) =>
      r.needs.some((n) => n === source || (n.includes('<') && source.startsWith(n.slice(0, n.indexOf('<'))))),
    )
    .map((r) => r.id);
}

function manifestEvidence(s: Snapshot, b: BundleMeta, index: number, quote: unknown): EvidenceRef | undefined {
  const ref = { bundle: b.id, path: 'manifest.json' };
  if (!s.files.has(ref)) return undefined;
  return {
    ...ref,
    pointer: `/sources/${index}`,
    quote: JSON.stringify(quote),
    note: "the collector's record of this source",
  };
}

/** the manifest's command line is bundle text: shown only when it holds no shell syntax */
function ranCommand(command: string, id: string): Cmd {
  const shown = plainCommand(command);
  if (shown === undefined)
    return cmd`# the collector's command for ${word('source', id)} holds shell syntax: read it in the bundle's manifest.json`;
  return cmd`${raw(shown)}   # what the collector ran for ${word('source', id)}`;
}

export const sourceNotCollected: Rule = {
  id: 'BND-901',
  slug: 'source-not-collected',
  layer: 'bundle',
  severity: 'warning',
  title: 'A source could not be collected',
  needs: ['manifest'],
  decidesFrom: [['manifest']],
  docs: {
    why: 'When the collector cannot read a source (no permission, a command failing or timing out), every rule that needs it can only say unknown; a clean report then does not mean a clean node.',
    fix: "Re-run the collector as root (`sudo sh netsnap-collect.sh`), with kubectl access for cluster sources, and read the source's stderr in manifest.json for the reason.",
  },
  messages: {
    failed: '{count} source(s) not collected: {sources}{reason}; left unknown: {rules}',
    ok: 'every source the collector tried was collected',
  },
  run(s) {
    const out: Report[] = [];
    for (const b of s.bundles) {
      const subject = { kind: 'bundle' as const, name: b.id };
      const sources = b.manifest?.sources ?? [];
      const bad = sources.map((src, i) => ({ src, i })).filter(({ src }) => notCollected(src.status));
      if (bad.length === 0) {
        if (b.manifest) out.push({ status: 'pass', subject, messageId: 'ok', basis: basisOf(manifestRef(s, b.id)) });
        continue;
      }
      const first = bad[0]!.src;
      const rules = [...new Set(bad.flatMap(({ src }) => rulesNeeding(src.id)))].sort();
      const evidence = bad
        .slice(0, 3)
        .map(({ src, i }) => manifestEvidence(s, b, i, src))
        .filter((e): e is EvidenceRef => e !== undefined);
      const reason = first.stderrTail.split('\n').filter(Boolean).pop() ?? '';
      out.push({
        status: 'warn',
        subject,
        messageId: 'failed',
        data: {
          count: bad.length,
          sources: bad.map(({ src }) => `${src.id} (${src.status})`).join(', '),
          source: first.id,
          status: first.status,
          reason: reason ? `: ${reason}` : '',
          rules: rules.join(', ') || 'none',
        },
        evidence,
        remediation: remedy(
          `Collect again where the collector can run what it needs${first.id.startsWith('cluster.') ? ' (kubectl with a kubeconfig that can read the cluster)' : ' (root)'}.`,
          ['sudo sh netsnap-collect.sh', ranCommand(first.command, first.id)],
        ),
      });
    }
    return out;
  },
};
