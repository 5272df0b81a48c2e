// BND-903: bundles that disagree: cluster data from another cluster or much older than another
// bundle's (only the newest is used). Several bundles of one node are not a disagreement but a
// timeline (issue 13 item 4): verdicts use the newest, and one info note per node says which
// bundles there are and which one is used (`netsnap diff --node` compares the oldest and newest).
import type { BundleMeta, Snapshot } from '../../model/types.js';
import type { EvidenceRef, Report, Rule } from '../types.js';
import { lineEvidence } from '../../model/evidence.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { bundlesBasis, MANIFEST } from './basis.js';

const CODES = new Set(['cluster-conflict']);
/** bundle ids named in one note, at most */
const MAX_NAMED = 10;

const timeOf = (b: BundleMeta): number => {
  const t = b.createdAt ? Date.parse(b.createdAt) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
};

/** one info note per node that has several host bundles: the newest is the one used */
function timelineNotes(s: Snapshot): Report[] {
  const byNode = new Map<string, BundleMeta[]>();
  for (const b of s.bundles) {
    if (!b.hasHost || !b.node) continue;
    const list = byNode.get(b.node);
    if (list) list.push(b);
    else byNode.set(b.node, [b]);
  }
  const out: Report[] = [];
  for (const [node, list] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
    if (list.length < 2) continue;
    const sorted = [...list].sort((x, y) => timeOf(x) - timeOf(y) || x.id.localeCompare(y.id));
    const used = s.hosts.get(node)?.bundle ?? sorted[sorted.length - 1]?.id ?? '';
    const older = sorted.filter((b) => b.id !== used);
    const named = older.slice(0, MAX_NAMED).map((b) => b.id);
    const evidence = sorted.flatMap((b) => {
      const e = lineEvidence(
        s.files,
        { bundle: b.id, path: MANIFEST },
        1,
        1,
        `collected ${b.createdAt ?? '(unknown)'}`,
      );
      return e ? [e] : [];
    });
    out.push({
      status: 'warn',
      severity: 'info',
      subject: nodeSubject(node),
      messageId: 'timeline',
      data: {
        node,
        count: sorted.length,
        used,
        older: named.join(', ') + (older.length > named.length ? ` (+${older.length - named.length})` : ''),
        first: sorted[0]?.createdAt ?? '(unknown)',
        last: sorted[sorted.length - 1]?.createdAt ?? '(unknown)',
      },
      evidence,
      remediation: remedy('Compare the oldest and the newest bundle of this node to see what changed in between.', [
        cmd`netsnap diff --node ${word('node', node)} <bundles...>`,
      ]),
    });
  }
  return out;
}

export const bundlesDisagree: Rule = {
  id: 'BND-903',
  slug: 'bundles-disagree',
  layer: 'bundle',
  severity: 'warning',
  title: 'Bundles disagree (other cluster, stale cluster data); several bundles of a node are a timeline',
  needs: [],
  decidesFrom: [['manifest'], ['cluster.nodes']],
  docs: {
    why: "Findings compare cluster data with each node's host data. Bundles from another cluster, or collected far apart, make those comparisons wrong: endpoints, pods and rules may have changed in between.",
    fix: 'Collect one bundle per node of one cluster at about the same time and analyze those together.',
  },
  messages: {
    disagree: '{bundle}: {problem}',
    ok: 'the bundles agree',
    timeline:
      'node {node} has {count} bundles collected from {first} to {last}: a timeline; verdicts use the newest, {used} (older: {older})',
  },
  run(s) {
    if (s.bundles.length < 2) return [];
    const notes = timelineNotes(s);
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
    if (out.length > 0) return [...out, ...notes];
    // staleness is told by each bundle's collection time: without it, agreement is not known
    const undated = s.bundles.filter((b) => !b.createdAt).map((b) => b.id);
    if (undated.length > 0)
      return [
        missingInputs(
          CLUSTER,
          undated.map((id) => `${id}:manifest`),
        ),
        ...notes,
      ];
    out.push({ status: 'pass', subject: CLUSTER, messageId: 'ok', basis: bundlesBasis(s) }, ...notes);
    return out;
  },
};
