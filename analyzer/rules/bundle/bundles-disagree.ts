// BND-903: bundles that disagree: cluster data from another cluster or much older than another
// bundle's (only the newest is used), or two bundles of one node (the older one's host data is ignored).
import type { EvidenceRef, Report, Rule } from '../types.js';
import { lineEvidence } from '../../model/evidence.js';
import { CLUSTER, missingInputs } from '../lib/reports.js';
import { bundlesBasis } from './basis.js';

const CODES = new Set(['cluster-conflict', 'duplicate-node']);

export const bundlesDisagree: Rule = {
  id: 'BND-903',
  slug: 'bundles-disagree',
  layer: 'bundle',
  severity: 'warning',
  title: 'Bundles disagree (other cluster, stale cluster data, same node twice)',
  needs: [],
  decidesFrom: [['manifest'], ['cluster.nodes']],
  docs: {
    why: "Findings compare cluster data with each node's host data. Bundles from another cluster, or collected far apart, make those comparisons wrong: endpoints, pods and rules may have changed in between.",
    fix: 'Collect one bundle per node of one cluster at about the same time and analyze those together.',
  },
  messages: {
    disagree: '{bundle}: {problem}',
    ok: 'the bundles agree',
  },
  run(s) {
    if (s.bundles.length < 2) return [];
    const out: Report[] = [];
    for (const p of s.problems) {
      if (!p.code || !CODES.has(p.code) || !p.bundle) continue;
      const ev: EvidenceRef | undefined = lineEvidence(
        s.files,
        { bundle: p.bundle, path: p.file },
        1,
        1,
        'the other bundle',
      );
      out.push({
        status: 'warn',
        subject: CLUSTER,
        messageId: 'disagree',
        data: { bundle: p.bundle, problem: p.message, code: p.code },
        evidence: ev ? [ev] : [],
        remediation: {
          explanation: 'Analyze bundles of one cluster collected together.',
          commands: ['netsnap inspect <bundles...>'],
        },
      });
    }
    if (out.length > 0) return out;
    // staleness is told by each bundle's collection time: without it, agreement is not known
    const undated = s.bundles.filter((b) => !b.createdAt).map((b) => b.id);
    if (undated.length > 0)
      return [
        missingInputs(
          CLUSTER,
          undated.map((id) => `${id}:manifest`),
        ),
      ];
    out.push({ status: 'pass', subject: CLUSTER, messageId: 'ok', basis: bundlesBasis(s) });
    return out;
  },
};
