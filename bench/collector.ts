// The collector at scale: collector/netsnap-collect.sh with real kubectl against the fake API
// server (test/helpers/apiserver.ts) serving L-sized lists generated item by item, so the lists
// never sit in memory. Host sources run against this machine (read-only, as on any node).
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { startFakeApiServer, type ItemSource } from '../test/helpers/apiserver.js';
import { daemonSetObjects, deploymentObjects, endpointSliceObject, endpointsObject, endpointViews, nodeObject, serviceObjects } from '../fixtures/generate/render/cluster-objects.js';
import { allPodObjects } from '../fixtures/generate/render/pod-objects.js';
import { eventObjects } from '../fixtures/generate/render/events.js';
import { configMapObjects } from '../fixtures/generate/render/configmaps.js';
import type { ClusterModel } from '../fixtures/generate/model.js';
import { benchCluster, repoRoot } from './generate.js';
import type { BenchSize } from './sizes.js';

export interface CollectorResult {
  readonly label: string;
  readonly wallMs: number;
  readonly bundleBytes: number;
  readonly uncompressedBytes: number;
  /** list requests the server saw (chunks included) */
  readonly listRequests: number;
  /** every pods list request carried limit= (kubectl --chunk-size) */
  readonly chunked: boolean;
  readonly exitCode: number | null;
  readonly error?: string;
  readonly skipped?: string;
}

/**
 * Items made on demand from a generator. The server reads them in order (a chunk, then the same
 * chunk again to send it), so a window of recent items avoids restarting the generator.
 */
export function sequentialItems(count: number, make: () => Iterator<object>, window = 4096): ItemSource {
  let it = make();
  let next = 0;
  const recent = new Map<number, object>();
  return {
    count,
    item(i: number): object {
      const hit = recent.get(i);
      if (hit) return hit;
      if (i < next) {
        it = make();
        next = 0;
        recent.clear();
      }
      let value: object | undefined;
      while (next <= i) {
        const r = it.next();
        if (r.done) throw new Error(`item ${i} past the end (${next} items)`);
        value = r.value;
        recent.set(next, value);
        if (recent.size > window) recent.delete(next - window);
        next++;
      }
      return value!;
    },
  };
}

function countOf(make: () => Iterable<unknown>): number {
  let n = 0;
  for (const _ of make()) n++;
  return n;
}

function source(make: () => Iterable<object>): ItemSource {
  return sequentialItems(countOf(make), () => make()[Symbol.iterator]());
}

function* map<T, U>(xs: Iterable<T>, f: (x: T) => U): Generator<U> {
  for (const x of xs) yield f(x);
}

export function clusterObjects(c: ClusterModel): Record<string, ItemSource> {
  return {
    nodes: source(() => map(c.nodes, (n) => nodeObject(c, n))),
    pods: source(() => allPodObjects(c)),
    services: source(() => serviceObjects(c)),
    endpoints: source(() => map(endpointViews(c), (v) => endpointsObject(c, v))),
    endpointslices: source(() => map(endpointViews(c), (v) => endpointSliceObject(c, v))),
    daemonsets: daemonSetObjects(c),
    deployments: source(() => deploymentObjects(c)),
    events: source(() => eventObjects(c)),
    configmaps: configMapObjects(c).map(([, , obj]) => obj),
  };
}

async function gunzippedBytes(path: string): Promise<number> {
  let n = 0;
  await pipeline(createReadStream(path), createGunzip(), new Writable({ write: (chunk: Buffer, _e, done) => ((n += chunk.length), done()) }));
  return n;
}

function hasKubectl(): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => {
    try {
      return statSync(join(d, 'kubectl')).isFile();
    } catch {
      return false;
    }
  });
}

export async function measureCollector(size: BenchSize, opts: { log?: (m: string) => void; timeoutS?: number } = {}): Promise<CollectorResult> {
  const label = `${size.name} (${size.nodes}/${size.pods}/${size.services})`;
  const empty = { label, wallMs: NaN, bundleBytes: NaN, uncompressedBytes: NaN, listRequests: 0, chunked: false, exitCode: null };
  if (!hasKubectl()) return { ...empty, skipped: 'kubectl is not on PATH', error: 'skipped: kubectl is not on PATH' };
  const c = benchCluster(size);
  const server = await startFakeApiServer({ objects: clusterObjects(c), gitVersion: 'v1.31.2' });
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-bench-collect-'));
  try {
    const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
    const out = join(dir, 'bundle.tar.gz');
    const script = join(repoRoot(), 'collector', 'netsnap-collect.sh');
    const argv = [script, '--kubeconfig', kubeconfig, '--node', 'control-plane', '--timeout', String(opts.timeoutS ?? 300), '-o', out];
    let stderr = '';
    const t0 = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const p = spawn('sh', argv, { cwd: dir, env: { ...process.env, HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      p.on('error', reject);
      p.on('exit', (code) => resolve(code));
    });
    const wallMs = performance.now() - t0;
    const lists = server.requests.filter((r) => /\/(pods|services|endpoints|endpointslices|nodes|events|deployments|daemonsets)$/.test(r.path));
    const podLists = lists.filter((r) => r.path.endsWith('/pods') && !r.query.includes('labelSelector'));
    const chunked = podLists.length > 0 && podLists.every((r) => /[?&]limit=\d+/.test(r.query));
    if (code !== 0) return { ...empty, wallMs, exitCode: code, listRequests: lists.length, chunked, error: `collector exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}` };
    return { label, wallMs, bundleBytes: statSync(out).size, uncompressedBytes: await gunzippedBytes(out), listRequests: lists.length, chunked, exitCode: code };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
