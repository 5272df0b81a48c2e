// Several bundles each carry cluster data; only the newest is used. Say so when another one
// disagrees: another cluster (a node of the same name with another uid), another node set, or
// data so much older that the cluster may have changed in between. BND-903 reports these.
import type { LoadProblem } from './problem.js';
import type { ClusterState } from './types.js';
import { BundleReader } from './reader.js';
import { createdAtMs } from './order.js';
import { LOAD_PROBLEM_CODES } from './codes.js';

/** cluster data collected further apart than this is called stale */
export const STALE_CLUSTER_MS = 60 * 60 * 1000;
const NODES_PATH = 'cluster/nodes.json';

/** node name -> uid ("" when unknown), read without validation: this is only a comparison */
function nodeIds(doc: unknown): Map<string, string> | undefined {
  const items = (doc as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return undefined;
  const out = new Map<string, string>();
  for (const it of items) {
    const meta = (it as { metadata?: { name?: unknown; uid?: unknown } } | null)?.metadata;
    if (typeof meta?.name === 'string') out.set(meta.name, typeof meta.uid === 'string' ? meta.uid : '');
  }
  return out;
}

function describeDifference(used: Map<string, string>, other: Map<string, string>): string | undefined {
  for (const [name, uid] of other) {
    const u = used.get(name);
    if (u !== undefined && u && uid && u !== uid) return `node ${name} has uid ${uid} there but ${u} here: another cluster`;
  }
  const onlyUsed = [...used.keys()].filter((n) => !other.has(n));
  const onlyOther = [...other.keys()].filter((n) => !used.has(n));
  if (onlyUsed.length === 0 && onlyOther.length === 0) return undefined;
  const list = (xs: string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? ` (+${xs.length - 5})` : '');
  const parts: string[] = [];
  if (onlyOther.length) parts.push(`nodes only there: ${list(onlyOther)}`);
  if (onlyUsed.length) parts.push(`nodes only here: ${list(onlyUsed)}`);
  return `different node sets (${parts.join('; ')})`;
}

export function clusterConflicts(chosen: BundleReader, cluster: ClusterState, others: readonly BundleReader[]): LoadProblem[] {
  const used = new Map<string, string>((cluster.nodes ?? []).map((n) => [n.obj.metadata.name, n.obj.metadata.uid ?? '']));
  const out: LoadProblem[] = [];
  for (const other of others) {
    const reasons: string[] = [];
    // a scratch reader: problems in cluster data we do not use are not the user's problem
    const theirs = nodeIds(new BundleReader(other.raw).json(NODES_PATH));
    if (theirs && cluster.nodes) {
      const diff = describeDifference(used, theirs);
      if (diff) reasons.push(diff);
    }
    const age = createdAtMs(chosen.raw) - createdAtMs(other.raw);
    if (Number.isFinite(age) && age > STALE_CLUSTER_MS) reasons.push(`collected ${Math.round(age / 60000)} minutes earlier`);
    if (reasons.length === 0) continue;
    out.push({
      bundle: other.id,
      file: NODES_PATH,
      message: `cluster data of ${other.id} disagrees with ${chosen.id}, whose newer cluster data is used: ${reasons.join('; ')}. Collect all bundles from one cluster at about the same time`,
      severity: 'warning',
      code: LOAD_PROBLEM_CODES.clusterConflict,
    });
  }
  return out;
}
