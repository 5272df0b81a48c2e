// Bench bundles: made with the scenario generator and cached outside the repo, keyed by the
// generator's version (a hash of its sources) and the size, so a rerun skips the slow part.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  promises as fsp,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBundleArchive, type BundleEntry } from '../analyzer/bundle/write.js';
import { buildCluster } from '../fixtures/generate/build.js';
import { corednsUpstreamTypo } from '../fixtures/generate/faults/dns.js';
import {
  endpointsNotReady,
  kubeProxyRestoreFailing,
  selectorNoMatch,
  targetPortWrong,
} from '../fixtures/generate/faults/service.js';
import { masqueradeMissing } from '../fixtures/generate/faults/system.js';
import type { ClusterModel } from '../fixtures/generate/model.js';
import { bundleEntries } from '../fixtures/generate/render/bundle.js';
import type { BenchSize } from './sizes.js';

/** bumped when this file changes what it injects */
const BENCH_SCENARIO_VERSION = 1;

export const repoRoot = (): string => resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function cacheDir(): string {
  return process.env.NETSNAP_BENCH_CACHE ?? join(homedir(), '.cache', 'netsnap-bench');
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listSources(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

/** generator version: hash of the generator's and bundle writer's sources (or their build output) */
export function generatorVersion(root = repoRoot()): string {
  const h = createHash('sha256').update(`scenario v${BENCH_SCENARIO_VERSION}\n`);
  const gen = join(root, 'fixtures', 'generate');
  const files = existsSync(gen) ? listSources(gen) : [];
  for (const extra of ['analyzer/bundle/write.ts', 'analyzer/bundle/sources.ts', 'analyzer/bundle/manifest.ts']) {
    if (existsSync(join(root, extra))) files.push(join(root, extra));
  }
  for (const f of files) h.update(f.slice(root.length)).update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

/** A few faults, all visible from the control-plane bundle, so rules have chains to link. */
export function benchCluster(size: BenchSize): ClusterModel {
  const c = buildCluster({ seed: `bench-${size.name}`, nodes: size.nodes, pods: size.pods, services: size.services });
  corednsUpstreamTypo(c);
  masqueradeMissing(c, 'control-plane');
  const svc = (j: number) => c.services[j]!;
  selectorNoMatch(c, svc(1).namespace, svc(1).name);
  targetPortWrong(c, svc(0).namespace, svc(0).name);
  endpointsNotReady(c, svc(4).namespace, svc(4).name);
  kubeProxyRestoreFailing(c, 'control-plane');
  return c;
}

export function bundlePathFor(size: BenchSize, dir = cacheDir(), version = generatorVersion()): string {
  return join(
    dir,
    `${version}-${size.name}-${size.nodes}n-${size.pods}p-${size.services}s`,
    'netsnap-control-plane.tar.gz',
  );
}

/**
 * The generator sizes a streamed entry by rendering it once and then renders it again to write it;
 * spooling the first rendering to a file halves the time to make the L bundle.
 */
function* renderedOnce(entries: Iterable<BundleEntry>, spool: string): Generator<BundleEntry> {
  for (const e of entries) {
    if (typeof e.data === 'string' || Buffer.isBuffer(e.data)) {
      yield e;
      continue;
    }
    const fd = openSync(spool, 'w');
    let size = 0;
    try {
      for (const chunk of e.data.chunks())
        size += writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    } finally {
      closeSync(fd);
    }
    yield { path: e.path, data: { size, chunks: () => readBack(spool, size) } };
  }
}

function* readBack(path: string, size: number): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (let at = 0; at < size;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, size - at));
      const n = readSync(fd, buf, 0, buf.length, at);
      if (n <= 0) throw new Error(`spool file ${path} ended early`);
      at += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** The cached bundle for a size, generating it first when missing. */
export async function ensureBundle(
  size: BenchSize,
  opts: { dir?: string; log?: (m: string) => void } = {},
): Promise<{ path: string; generated: boolean; ms: number }> {
  const path = bundlePathFor(size, opts.dir);
  if (existsSync(path)) return { path, generated: false, ms: 0 };
  const t0 = performance.now();
  opts.log?.(
    `generating ${size.name} bundle (${size.nodes} nodes, ${size.pods} pods, ${size.services} services) into ${dirname(path)}`,
  );
  const c = benchCluster(size);
  const tmp = `${path}.tmp-${process.pid}`;
  // level 1: the bench measures reading, and a fast gzip keeps first-run generation inside the budget
  const spool = `${path}.spool-${process.pid}`;
  try {
    await writeBundleArchive(tmp, renderedOnce(bundleEntries(c, c.nodes[0]!), spool), { level: 1 });
  } finally {
    rmSync(spool, { force: true });
  }
  await fsp.rename(tmp, path);
  return { path, generated: true, ms: performance.now() - t0 };
}
