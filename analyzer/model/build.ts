// buildSnapshot: RawBundles (bytes) -> the typed, read-only Snapshot rules see. Pure: no fs, no
// clock. Host data is keyed by node (the newest bundle of a node wins); cluster data comes from
// the newest bundle that has any, and other bundles whose cluster data disagrees are reported.
import type { RawBundle } from '../bundle/types.js';
import type { LoadProblem } from '../core/problem.js';
import type { BundleMeta, ClusterState, HostState, Snapshot, Sourced } from './types.js';
import { BundleReader } from './reader.js';
import { buildHost, hasHostData, nodeNameOf } from './host.js';
import { hostPodLogs, withHostPodLogs } from './host-distro.js';
import type { LogLine } from '../parse/types.js';
import { buildCluster, hasClusterData } from './cluster.js';
import { selectClusterBundles } from './conflicts.js';
import { buildIndexes } from './indexes.js';
import { buildDerived } from './derived.js';
import { createFileIndex } from './files.js';
import { PARSERS, type Parsers } from './parsers.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { newestFirst } from './order.js';
import { pushAll } from '../core/arrays.js';

export interface BuildOptions {
  /** swap parsers (tests); defaults to analyzer/parse/* */
  readonly parsers?: Parsers;
  /**
   * JSON files above this size are read item by item (default: WHOLE_JSON_MAX_BYTES when loading, LARGE_JSON_BYTES for
   * pointer lookups)
   */
  readonly largeJsonBytes?: number;
}

export function buildSnapshot(raws: readonly RawBundle[], opts: BuildOptions = {}): Snapshot {
  const parsers = opts.parsers ?? PARSERS;
  const readers = raws.map((raw) => new BundleReader(raw, opts.largeJsonBytes));
  const problems: LoadProblem[] = raws.flatMap((r) => r.problems);

  const bundles: BundleMeta[] = readers.map((r) => ({
    id: r.id,
    origin: r.raw.origin,
    manifest: r.raw.manifest,
    node: nodeNameOf(r),
    createdAt: r.raw.manifest?.createdAt,
    hasCluster: hasClusterData(r),
    hasHost: hasHostData(r),
    redacted: r.raw.manifest?.redaction !== undefined,
  }));

  // hosts: one per node, the newest bundle of that node
  const hosts = new Map<string, HostState>();
  // pod logs read from /var/log/pods on each node (host/pod-logs/), merged under cluster logs below
  const hostLogs = new Map<string, Sourced<readonly LogLine[]>>();
  const hostReaders = newestFirst(readers.filter(hasHostData).map((r) => ({ raw: r.raw, reader: r })));
  for (const { reader } of hostReaders) {
    const node = nodeNameOf(reader);
    const kept = hosts.get(node);
    if (kept) {
      problems.push({
        bundle: reader.id,
        file: 'manifest.json',
        message: `bundle ${reader.id} is a second bundle of node ${node}; its host data is ignored in favour of the newer ${kept.bundle}. Analyze one bundle per node`,
        severity: 'warning',
        code: LOAD_PROBLEM_CODES.duplicateNode,
      });
      continue;
    }
    hosts.set(node, buildHost(reader, node, parsers));
    for (const [key, log] of hostPodLogs(reader)) if (!hostLogs.has(key)) hostLogs.set(key, log);
  }

  // cluster: from the newest bundle that has it, gaps filled from agreeing older ones
  const selection = selectClusterBundles(
    newestFirst(readers.filter(hasClusterData).map((r) => ({ raw: r.raw, reader: r }))).map((c) => c.reader),
  );
  const cluster: ClusterState = withHostPodLogs(buildCluster(selection.use, parsers), hostLogs);
  pushAll(problems, selection.problems);

  // per bundle, by file then line: the order a person reads them in
  for (const r of readers)
    pushAll(
      problems,
      [...r.problems].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0)),
    );

  const newest = newestFirst(readers.map((r) => ({ raw: r.raw })))[0]?.raw.manifest?.createdAt;
  const files = createFileIndex(raws, { largeJsonBytes: opts.largeJsonBytes });
  return {
    bundles,
    problems,
    files,
    cluster,
    hosts,
    derived: buildDerived(cluster, hosts, files),
    index: buildIndexes(cluster),
    now: newest,
  };
}
