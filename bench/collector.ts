// The collector at scale: collector/netsnap-collect.sh with real kubectl against the fake API
// server (test/helpers/apiserver.ts) serving L-sized lists. The server generates the objects item
// by item, in one pass, and keeps only their rendered bytes (~0.6 GB at L), before the clock starts, so that
// like a real API server it answers from memory. Host sources run against this machine
// (read-only, as on any node).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { startFakeApiServer, type ItemSource } from '../test/helpers/apiserver.js';
import {
  daemonSetObjects,
  deploymentObjects,
  endpointSliceObject,
  endpointsObject,
  endpointViews,
  nodeObject,
  serviceObjects,
} from '../fixtures/generate/render/cluster-objects.js';
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
  /** user + system CPU of the collector and every command it ran (the shell's `times`) */
  readonly cpuMs?: number;
  /** CPU of the fake API server (this process) while the collector ran */
  readonly serverCpuMs?: number;
  /** time to generate and pre-render the lists before the collector starts (not in wallMs) */
  readonly serverSetupMs?: number;
  readonly error?: string;
  readonly skipped?: string;
}

// walked once by the server as it renders (counting first generated every list twice: ~45% of setup)
const source = (walk: () => Iterable<object>): ItemSource => ({ walk });

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
  await pipeline(
    createReadStream(path),
    createGunzip(),
    new Writable({ write: (chunk: Buffer, _e, done) => ((n += chunk.length), done()) }),
  );
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

/** `times` output: the shell's own line, then its children's `0m22.780s 0m8.170s` */
export function childCpuMs(stderr: string): number | undefined {
  const last = stderr.trim().split('\n').at(-1) ?? '';
  const m = last.match(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/);
  if (!m) return undefined;
  return (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
}

/** the cluster lists whose manifest record is not ok (a fast run that lost a list is no result) */
function listsNotOk(bundle: string): string[] {
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', bundle, 'manifest.json'], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  ) as { sources: { id: string; status: string }[] };
  const lists = ['nodes', 'pods', 'services', 'endpoints', 'endpointslices', 'daemonsets', 'deployments', 'events'].map(
    (l) => `cluster.${l}`,
  );
  return manifest.sources.filter((s) => lists.includes(s.id) && s.status !== 'ok').map((s) => `${s.id} ${s.status}`);
}

export async function measureCollector(
  size: BenchSize,
  opts: {
    log?: (m: string) => void;
    timeoutS?: number;
    /** copy the bundle here (to read its manifest) */ keep?: string;
  } = {},
): Promise<CollectorResult> {
  const label = `${size.name} (${size.nodes}/${size.pods}/${size.services})`;
  const empty = {
    label,
    wallMs: NaN,
    bundleBytes: NaN,
    uncompressedBytes: NaN,
    listRequests: 0,
    chunked: false,
    exitCode: null,
  };
  if (!hasKubectl()) return { ...empty, skipped: 'kubectl is not on PATH', error: 'skipped: kubectl is not on PATH' };
  const setup0 = performance.now();
  const c = benchCluster(size);
  const server = await startFakeApiServer({ objects: clusterObjects(c), gitVersion: 'v1.31.2' });
  const serverSetupMs = performance.now() - setup0;
  opts.log?.(`fake API server ready in ${Math.round(serverSetupMs)} ms (lists pre-rendered)`);
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-bench-collect-'));
  try {
    const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
    const out = join(dir, 'bundle.tar.gz');
    const script = join(repoRoot(), 'collector', 'netsnap-collect.sh');
    const argv = [
      script,
      '--kubeconfig',
      kubeconfig,
      '--node',
      'control-plane',
      '--timeout',
      String(opts.timeoutS ?? 300),
      '-o',
      out,
    ];
    let stderr = '';
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      // `times` prints the CPU of the shell's children (the collector and all it ran) on its last line
      const p = spawn('sh', ['-c', '"$@"; rc=$?; times >&2; exit $rc', 'sh', 'sh', ...argv], {
        cwd: dir,
        env: { ...process.env, HOME: dir },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      p.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      p.on('error', reject);
      p.on('exit', (code) => resolve(code));
    });
    const wallMs = performance.now() - t0;
    const serverCpu = process.cpuUsage(cpu0);
    const serverCpuMs = (serverCpu.user + serverCpu.system) / 1000;
    const cpuMs = childCpuMs(stderr);
    const lists = server.requests.filter((r) =>
      /\/(pods|services|endpoints|endpointslices|nodes|events|deployments|daemonsets)$/.test(r.path),
    );
    const podLists = lists.filter((r) => r.path.endsWith('/pods') && !r.query.includes('labelSelector'));
    const chunked = podLists.length > 0 && podLists.every((r) => /[?&]limit=\d+/.test(r.query));
    const measured = { wallMs, cpuMs, serverCpuMs, serverSetupMs, listRequests: lists.length, chunked };
    if (code !== 0)
      return {
        ...empty,
        ...measured,
        exitCode: code,
        error: `collector exited ${code}: ${stderr.trim().split('\n').slice(-5).join(' / ')}`,
      };
    const notOk = listsNotOk(out);
    if (notOk.length > 0)
      return { ...empty, ...measured, exitCode: code, error: `lists not collected: ${notOk.join(', ')}` };
    if (opts.keep) copyFileSync(out, opts.keep);
    return {
      label,
      ...measured,
      bundleBytes: statSync(out).size,
      uncompressedBytes: await gunzippedBytes(out),
      exitCode: code,
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
