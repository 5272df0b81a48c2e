// Several bundles of one node collected minutes apart are a timeline (issue 13 item 4). For
// `netsnap diff --node N bundles/` the oldest and the newest bundle of N are before and after. Each
// side also takes, of every other node (and node-less bundle), the bundle collected nearest in
// time to its bundle of N: N's host data is judged against the cluster as it was then (the newest
// cluster data beside N's old iptables would report kube-proxy rules as stale that were not).
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
  const groups = new Map<string, BundleMeta[]>();
  for (const b of bundles) {
    if (mine.has(b.id)) continue;
    const key = b.node && b.hasHost ? `node:${b.node}` : `bundle:${b.id}`;
    const list = groups.get(key);
    if (list) list.push(b);
    else groups.set(key, [b]);
  }
  const nearest = (t: number): string[] =>
    [...groups.values()].map((list) => {
      const dist = (b: BundleMeta) => Math.abs(timeOf(b) - t);
      const best = [...list].sort((x, y) => dist(x) - dist(y) || timeOf(x) - timeOf(y) || x.id.localeCompare(y.id))[0];
      return (best as BundleMeta).id;
    });
  return {
    before: [...nearest(timeOf(first)), first.id],
    after: [...nearest(timeOf(last)), last.id],
    timeline,
  };
}
