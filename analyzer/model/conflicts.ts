// Several bundles carry cluster data; the newest is used, files it lacks come from the next
// newest (cluster.ts). Say so when another bundle disagrees: another cluster (a node of the same
// name with another uid), another node set, or data so much older that the cluster may have
// changed in between. Bundles of another cluster or node set are not used at all. BND-903
// reports these problems. An older bundle of the same node as a newer one is a timeline (the node
// collected again after a fix), not stale data: it is not reported here (BND-903 notes the timeline).
import type { LoadProblem } from '../core/problem.js';
import { BundleReader } from './reader.js';
import { createdAtMs } from './order.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { nodeNameOf } from './host.js';
import { loadListEarly } from './lists.js';
import { CLUSTER_LISTS } from './cluster.js';

/** cluster data collected further apart than this is called stale */
export const STALE_CLUSTER_MS = 60 * 60 * 1000;
const NODES_PATH = 'cluster/nodes.json';

/** node name -> uid ("" when unknown), read without validation: this is only a comparison */
function nodeIds(reader: BundleReader): Map<string, string> | undefined {
  if (!reader.has(NODES_PATH)) return undefined;
  // a scratch reader: problems in a file only compared here are reported where it is loaded
  const items = (new BundleReader(reader.raw).json(NODES_PATH) as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? idsOf(items) : undefined;
}

/**
 * The node ids of the bundle whose node list is used, from the list cluster.ts will load: loaded
 * here once (loadListEarly), then taken by cluster.ts's loadList instead of parsed again (a second
 * parse of a 5,000-node list cost as much as the first). Only a list that loads whole (no item
 * skipped by its schema, no problem) stands for the raw items; otherwise the raw parse, as for the others.
 */
function usedNodeIds(reader: BundleReader): Map<string, string> | undefined {
  if (!reader.has(NODES_PATH)) return undefined;
  const scratch = new BundleReader(reader.raw, reader.largeJsonBytes);
  const loaded = loadListEarly(scratch, NODES_PATH, CLUSTER_LISTS['cluster.nodes']);
  if (loaded && scratch.problems.length === 0) return idsOf(loaded.map((l) => l.obj));
  return nodeIds(reader);
}

function idsOf(items: readonly unknown[]): Map<string, string> {
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
    if (u !== undefined && u && uid && u !== uid)
      return `node ${name} has uid ${uid} there but ${u} here: another cluster`;
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

export interface ClusterSelection {
  /** newest first: the primary, then the bundles that may fill in files it lacks */
  readonly use: readonly BundleReader[];
  readonly problems: readonly LoadProblem[];
}

/** `readers` are the bundles with cluster data, newest first */
export function selectClusterBundles(readers: readonly BundleReader[]): ClusterSelection {
  const [primary, ...others] = readers;
  if (!primary) return { use: [], problems: [] };
  // one bundle: nothing to compare, and cluster.ts parses nodes.json anyway (a second parse of a
  // large node list here cost as much as the first)
  if (others.length === 0) return { use: [primary], problems: [] };
  // compare against the node list that will be used: the newest bundle that has one
  const nodesOwner = readers.find((r) => r.has(NODES_PATH));
  const used = nodesOwner && usedNodeIds(nodesOwner);
  const use = [primary];
  const problems: LoadProblem[] = [];
  const newer = new Set([nodeNameOf(primary)]);
  for (const other of others) {
    const timeline = newer.has(nodeNameOf(other));
    newer.add(nodeNameOf(other));
    const theirs = other === nodesOwner ? undefined : nodeIds(other);
    const diff = used && theirs ? describeDifference(used, theirs) : undefined;
    const reasons = diff ? [diff] : [];
    const age = createdAtMs(primary.raw) - createdAtMs(other.raw);
    if (Number.isFinite(age) && age > STALE_CLUSTER_MS && !timeline)
      reasons.push(`collected ${Math.round(age / 60000)} minutes earlier`);
    if (!diff) use.push(other);
    if (reasons.length === 0) continue;
    problems.push({
      bundle: other.id,
      file: NODES_PATH,
      message: `cluster data of ${other.id} disagrees with ${primary.id}, whose newer cluster data is used: ${reasons.join('; ')}. Collect all bundles from one cluster at about the same time`,
      severity: 'warning',
      code: LOAD_PROBLEM_CODES.clusterConflict,
    });
  }
  return { use, problems };
}
