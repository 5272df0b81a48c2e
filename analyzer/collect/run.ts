// The fan-out: every node through one runner (ssh or pod), `concurrency` at a time, each bundle
// streamed to <out>/netsnap-<node>.tar.gz. collection.json is rewritten (atomically) after every
// node, so Ctrl-C or a crash of the laptop leaves an index that matches the bundles on disk.
import { existsSync, openSync, readSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COLLECTION_FILE,
  COLLECTION_FORMAT_VERSION,
  parseCollectionIndex,
  type ClusterAttempt,
  type CollectMode,
  type CollectionIndex,
  type NodeAttempt,
  type NodeOutcome,
  type Privilege,
} from '../bundle/collection-index.js';
import type { NodeTarget } from './nodes.js';

/** what a runner reports for one node; run.ts adds the rest of the NodeAttempt */
export interface NodeRun {
  readonly outcome: NodeOutcome;
  readonly error: string;
  readonly exitCode: number | null;
  readonly privilege: Privilege;
}

export interface NodeContext {
  /** the file the bundle must be streamed to (a .part name; run.ts renames it when ok) */
  readonly outFile: string;
  readonly signal: AbortSignal;
  readonly onBytes: (n: number) => void;
}

export type NodeRunner = (t: NodeTarget, ctx: NodeContext) => Promise<NodeRun>;

export interface CollectPlan {
  readonly outDir: string;
  readonly mode: CollectMode;
  readonly nodes: readonly NodeTarget[];
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  readonly tool: string;
  readonly runner: NodeRunner;
  /** the cluster-wide collection (once, from the laptop), or why it is skipped */
  readonly cluster: (() => Promise<ClusterAttempt>) | { readonly skipped: string };
  readonly signal: AbortSignal;
  readonly progress?: ProgressSink;
}

export interface ProgressSink {
  start(node: string): void;
  bytes(n: number): void;
  done(node: string, outcome: NodeOutcome): void;
}

/** a node name as a file name: what the collector itself does with its tarball's name */
export const safeName = (node: string): string => node.replace(/[^A-Za-z0-9._-]/g, '_');
export const bundleName = (node: string): string => `netsnap-${safeName(node)}.tar.gz`;
export const CLUSTER_BUNDLE = 'netsnap-cluster.tar.gz';

/** the first two bytes of a gzip stream */
export function isGzip(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    try {
      const b = Buffer.alloc(2);
      return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

export function writeIndex(outDir: string, index: CollectionIndex): void {
  const tmp = join(outDir, `.${COLLECTION_FILE}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(index, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, join(outDir, COLLECTION_FILE));
}

/** records of an earlier run into the same folder, kept for the nodes not attempted again */
function earlierNodes(outDir: string): NodeAttempt[] {
  const file = join(outDir, COLLECTION_FILE);
  if (!existsSync(file)) return [];
  const parsed = parseCollectionIndex(readFileSync(file));
  return parsed.ok ? parsed.index.nodes : [];
}

export async function runCollection(plan: CollectPlan): Promise<CollectionIndex> {
  const startedAt = new Date().toISOString();
  const attempted = new Set(plan.nodes.map((n) => n.node));
  const kept = earlierNodes(plan.outDir).filter((n) => !attempted.has(n.node));
  const records: NodeAttempt[] = plan.nodes.map((t) => ({
    node: t.node,
    target: t.target,
    via: plan.mode,
    privilege: 'login',
    outcome: 'pending',
    bundle: null,
    bytes: 0,
    exitCode: null,
    startedAt: null,
    durationMs: null,
    error: '',
  }));
  let cluster: ClusterAttempt =
    'skipped' in plan.cluster
      ? { outcome: 'skipped', bundle: null, durationMs: null, error: plan.cluster.skipped }
      : { outcome: 'pending', bundle: null, durationMs: null, error: '' };
  const index = (finished: boolean): CollectionIndex => ({
    formatVersion: COLLECTION_FORMAT_VERSION,
    tool: plan.tool,
    mode: plan.mode,
    startedAt,
    finishedAt: finished ? new Date().toISOString() : null,
    complete: finished && !plan.signal.aborted,
    timeoutSeconds: plan.timeoutSeconds,
    concurrency: plan.concurrency,
    cluster,
    nodes: [...kept, ...records],
  });
  writeIndex(plan.outDir, index(false));

  const clusterJob =
    'skipped' in plan.cluster
      ? Promise.resolve()
      : plan.cluster().then((c) => {
          cluster = c;
          writeIndex(plan.outDir, index(false));
        });

  // two node names that differ only in characters a file name cannot hold still get two files
  const names: string[] = [];
  const taken = new Set<string>();
  for (const [i, t] of plan.nodes.entries()) {
    let name = bundleName(t.node);
    if (taken.has(name)) name = name.replace(/\.tar\.gz$/, `-${i}.tar.gz`);
    taken.add(name);
    names.push(name);
  }

  let next = 0;
  const worker = async (): Promise<void> => {
    while (!plan.signal.aborted) {
      const i = next++;
      const t = plan.nodes[i];
      if (!t) return;
      const name = names[i] as string;
      const part = join(plan.outDir, `.${name}.part`);
      const t0 = Date.now();
      records[i] = { ...records[i]!, startedAt: new Date(t0).toISOString() };
      plan.progress?.start(t.node);
      let bytes = 0;
      let r: NodeRun;
      try {
        r = await plan.runner(t, {
          outFile: part,
          signal: plan.signal,
          onBytes: (n) => {
            bytes += n;
            plan.progress?.bytes(n);
          },
        });
      } catch (err) {
        r = {
          outcome: 'failed',
          error: err instanceof Error ? err.message : String(err),
          exitCode: null,
          privilege: 'login',
        };
      }
      if (r.outcome === 'ok') renameSync(part, join(plan.outDir, name));
      else rmSync(part, { force: true });
      records[i] = {
        ...records[i]!,
        privilege: r.privilege,
        outcome: r.outcome,
        bundle: r.outcome === 'ok' ? name : null,
        bytes: r.outcome === 'ok' ? bytes : 0,
        exitCode: r.exitCode,
        durationMs: Date.now() - t0,
        error: r.error,
      };
      writeIndex(plan.outDir, index(false));
      plan.progress?.done(t.node, r.outcome);
    }
  };
  await Promise.all([clusterJob, ...Array.from({ length: Math.min(plan.concurrency, plan.nodes.length) }, worker)]);
  if (plan.signal.aborted && cluster.outcome === 'pending') cluster = { ...cluster, outcome: 'interrupted' };
  const final = index(true);
  writeIndex(plan.outDir, final);
  return final;
}
