// What `netsnap inspect` shows, as plain data: per bundle its identity, each source's status,
// size and parse result, the load problems, and what the Snapshot found. Pure, JSON-serializable.
import { entryCount, entryOf, entryPaths } from '../bundle/entries.js';
import type { SourceStatus } from '../bundle/manifest.js';
import type { RawBundle } from '../bundle/types.js';
import type { LoadProblem } from '../core/problem.js';
import type { Snapshot } from './types.js';
import { sourceIdForPath } from './source-ids.js';

export type ParseResult = 'ok' | 'problems' | 'unused' | 'missing';

export interface SourceSummary {
  readonly id: string;
  readonly path: string;
  /** manifest status; "unrecorded" for a file the manifest does not list */
  readonly status: SourceStatus | 'unrecorded';
  readonly bytes?: number;
  readonly parse: ParseResult;
  readonly problems: number;
  readonly stderrTail?: string;
}

export interface BundleSummary {
  readonly id: string;
  readonly origin: string;
  readonly node?: string;
  readonly createdAt?: string;
  readonly collectorVersion?: string;
  readonly redaction: {
    readonly redacted: boolean;
    readonly tool?: string;
    readonly at?: string;
    readonly pseudonymized?: boolean;
  };
  readonly files: number;
  readonly usedFor: { readonly host: boolean; readonly cluster: boolean };
  readonly sources: readonly SourceSummary[];
  readonly problems: readonly LoadProblem[];
}

export interface InspectSummary {
  readonly bundles: readonly BundleSummary[];
  /** problems not tied to a bundle (paths that could not be opened) */
  readonly problems: readonly LoadProblem[];
  readonly nodes: readonly { readonly node: string; readonly bundle: string }[];
  readonly cluster: { readonly bundle?: string; readonly counts: Readonly<Record<string, number>> };
}

function clusterCounts(s: Snapshot): Record<string, number> {
  const c = s.cluster;
  const counts: Record<string, number> = {};
  const add = (k: string, list: readonly unknown[] | undefined) => {
    if (list) counts[k] = list.length;
  };
  add('nodes', c.nodes);
  add('pods', c.pods);
  add('services', c.services);
  add('endpoints', c.endpoints);
  add('endpointslices', c.endpointSlices);
  add('daemonsets', c.daemonSets);
  add('deployments', c.deployments);
  add('events', c.events);
  if (c.configMaps.size) counts.configmaps = c.configMaps.size;
  if (c.logs.size) counts.logs = c.logs.size;
  return counts;
}

export function summarize(snapshot: Snapshot, raws: readonly RawBundle[]): InspectSummary {
  const hostBundles = new Set([...snapshot.hosts.values()].map((h) => h.bundle));
  const bundles = raws.map((raw): BundleSummary => {
    const meta = snapshot.bundles.find((b) => b.id === raw.id);
    const problems = snapshot.problems.filter((p) => p.bundle === raw.id);
    const owners = snapshot.cluster.fileOwners ?? new Map<string, string>();
    const suppliesCluster = [...owners.values()].includes(raw.id);
    const used = { host: hostBundles.has(raw.id), cluster: suppliesCluster };
    const records = raw.manifest?.sources ?? [];
    const recorded = new Set(records.map((r) => r.path));
    const entries = [
      ...records.map((r) => ({
        id: r.id,
        path: r.path,
        status: r.status as SourceSummary['status'],
        stderrTail: r.stderrTail || undefined,
      })),
      ...entryPaths(raw)
        .filter((p) => p !== 'manifest.json' && !recorded.has(p))
        .sort()
        .map((p) => ({ id: sourceIdForPath(p), path: p, status: 'unrecorded' as const, stderrTail: undefined })),
    ];
    const sources = entries.map((e): SourceSummary => {
      const buf = entryOf(raw, e.path); // only its length is used
      const n = problems.filter((p) => p.file === e.path).length;
      const inUse = e.path.startsWith('cluster/')
        ? owners.get(e.path) === raw.id
        : e.path.startsWith('host/')
          ? used.host
          : true;
      const parse: ParseResult = !buf ? 'missing' : !inUse ? 'unused' : n ? 'problems' : 'ok';
      return {
        id: e.id,
        path: e.path,
        status: e.status,
        ...(buf ? { bytes: buf.length } : {}),
        parse,
        problems: n,
        ...(e.stderrTail ? { stderrTail: e.stderrTail } : {}),
      };
    });
    const red = raw.manifest?.redaction;
    return {
      id: raw.id,
      origin: raw.origin,
      node: meta?.node,
      createdAt: raw.manifest?.createdAt,
      collectorVersion: raw.manifest?.collectorVersion,
      redaction: red
        ? { redacted: true, tool: red.tool, at: red.at, pseudonymized: red.pseudonymized }
        : { redacted: false },
      files: entryCount(raw),
      usedFor: used,
      sources,
      problems,
    };
  });
  return {
    bundles,
    problems: snapshot.problems.filter((p) => p.bundle === undefined),
    nodes: [...snapshot.hosts.values()]
      .map((h) => ({ node: h.node, bundle: h.bundle }))
      .sort((a, b) => a.node.localeCompare(b.node)),
    cluster: { bundle: snapshot.cluster.bundle, counts: clusterCounts(snapshot) },
  };
}
