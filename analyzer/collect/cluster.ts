// The cluster-wide sources, collected once from the laptop: the same collector with --no-host,
// using the laptop's kubectl and kubeconfig, into <out>/netsnap-cluster.tar.gz.
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterAttempt } from '../bundle/collection-index.js';
import { lastLines } from './outcome.js';
import { CLUSTER_BUNDLE, isGzip } from './run.js';
import { spawnToFile } from './spawn-to-file.js';

export interface ClusterOptions {
  readonly scriptPath: string;
  readonly outDir: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly timeoutSeconds: number;
  /** per-command limit inside the collector */
  readonly commandTimeout?: number;
  readonly signal: AbortSignal;
}

export async function collectCluster(o: ClusterOptions): Promise<ClusterAttempt> {
  // without kubectl here the collector would write a bundle of absent sources: say so instead
  const probe = await spawnToFile({ argv: ['kubectl', 'version', '--client'], timeoutMs: 20_000, signal: o.signal });
  if (probe.spawnError)
    return {
      outcome: 'skipped',
      bundle: null,
      durationMs: probe.durationMs,
      error: 'kubectl is not installed on this machine: no cluster objects (collect them on a machine that has it)',
    };
  const part = join(o.outDir, `.${CLUSTER_BUNDLE}.part`);
  const argv = ['sh', o.scriptPath, '--no-host', '--node', 'cluster', '-o', part];
  if (o.kubeconfig) argv.push('--kubeconfig', o.kubeconfig);
  if (o.context) argv.push('--context', o.context);
  if (o.commandTimeout) argv.push('--timeout', String(o.commandTimeout));
  const r = await spawnToFile({ argv, timeoutMs: o.timeoutSeconds * 1000, signal: o.signal });
  const base = { durationMs: r.durationMs };
  if (r.exitCode === 0 && isGzip(part)) {
    renameSync(part, join(o.outDir, CLUSTER_BUNDLE));
    return { ...base, outcome: 'ok', bundle: CLUSTER_BUNDLE, error: '' };
  }
  rmSync(part, { force: true });
  const said = lastLines(r.stderrTail);
  if (r.aborted) return { ...base, outcome: 'interrupted', bundle: null, error: said };
  if (r.timedOut) return { ...base, outcome: 'timeout', bundle: null, error: `not done within ${o.timeoutSeconds} s` };
  return { ...base, outcome: 'failed', bundle: null, error: r.spawnError ?? said };
}
