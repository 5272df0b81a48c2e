// Several bundles of one node collected minutes apart are a timeline (issue 13 item 4). For
// `netsnap diff --node N bundles/` the oldest and the newest bundle of N are before and after;
// every other bundle (other nodes, the cluster data) goes to both sides, where the newest of each
// node is used as always, so the diff is about what changed on N.
import type { BundleMeta } from '../model/types.js';

export interface TimelineSplit {
  /** bundle ids for each side */
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** N's bundles, oldest first */
  readonly timeline: readonly BundleMeta[];
}

const timeOf = (b: BundleMeta): number => {
  const t = b.createdAt ? Date.parse(b.createdAt) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
};

/** oldest first, ties by id (never by argument order) */
export function nodeTimeline(bundles: readonly BundleMeta[], node: string): BundleMeta[] {
  return bundles
    .filter((b) => b.node === node && b.hasHost)
    .sort((x, y) => timeOf(x) - timeOf(y) || x.id.localeCompare(y.id));
}

/** the split, or a one-line reason why there is no timeline of `node` */
export function splitTimeline(bundles: readonly BundleMeta[], node: string): TimelineSplit | string {
  const timeline = nodeTimeline(bundles, node);
  if (timeline.length === 0) {
    const nodes = [...new Set(bundles.flatMap((b) => (b.node && b.hasHost ? [b.node] : [])))].sort();
    return `no bundle of node ${node} (nodes: ${nodes.join(', ') || 'none'})`;
  }
  if (timeline.length === 1) return `only one bundle of node ${node} (${timeline[0]?.id ?? ''}): a timeline needs two`;
  const undated = timeline.filter((b) => !b.createdAt);
  if (undated.length > 0)
    return `bundle ${undated[0]?.id ?? ''} has no collection time (manifest.json): cannot order it`;
  const first = timeline[0] as BundleMeta;
  const last = timeline[timeline.length - 1] as BundleMeta;
  const mine = new Set(timeline.map((b) => b.id));
  const others = bundles.filter((b) => !mine.has(b.id)).map((b) => b.id);
  return { before: [...others, first.id], after: [...others, last.id], timeline };
}
