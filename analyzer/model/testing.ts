// Builders for tests across the project: in-memory bundles and realistic Kubernetes objects.
// Shapes follow real kubectl output (/work/shared/reference/09-kubectl-json-shapes.txt).
//
//   const s = snapshotOf(rawBundle({ node: 'worker-1', files: {
//     'cluster/pods.json': kubeList([podJson({ name: 'web-1', ip: '10.244.1.5', labels: { app: 'web' } })]),
//     'host/sysctl.txt': 'net.ipv4.ip_forward = 0\n',
//   }}));
import type { Manifest, SourceRecord } from '../bundle/manifest.js';
import { FORMAT_VERSION } from '../bundle/manifest.js';
import { sourceByPath } from '../bundle/sources.js';
import type { RawBundle } from '../bundle/types.js';
import type { LoadProblem } from '../core/problem.js';
import type { Snapshot } from './types.js';
import { buildSnapshot } from './build.js';
import { sourceIdForPath } from './source-ids.js';
export * from './testing-objects.js';
export { sourceIdForPath } from './source-ids.js';

export const DEFAULT_CREATED_AT = '2025-01-15T10:00:00Z';

/** an ok manifest record for a file of `bytes` bytes; override any field */
export function sourceRecord(path: string, over: Partial<SourceRecord> = {}): SourceRecord {
  const id = over.id ?? sourceIdForPath(path);
  return {
    id,
    path,
    command: sourceByPath(path)?.command ?? `cat ${path}`,
    status: 'ok',
    exitCode: 0,
    durationMs: 5,
    bytes: 0,
    stderrTail: '',
    ...over,
  };
}

export interface RawBundleSpec {
  readonly id?: string;
  readonly node?: string;
  readonly createdAt?: string;
  /** path -> text, or an object (JSON, 2-space indent, trailing newline) */
  readonly files: Readonly<Record<string, string | Buffer | object>>;
  /** merged over the synthesised manifest; `null` for a bundle without manifest */
  readonly manifest?: Partial<Manifest> | null;
  /** extra manifest records (failed/absent sources) appended to the synthesised ok ones */
  readonly extraSources?: readonly SourceRecord[];
  readonly problems?: readonly LoadProblem[];
}

export function rawBundle(spec: RawBundleSpec): RawBundle {
  const node = spec.node ?? 'node-1';
  const id = spec.id ?? `netsnap-${node}`;
  const files = new Map<string, Buffer>();
  for (const [path, content] of Object.entries(spec.files)) {
    files.set(
      path,
      Buffer.isBuffer(content)
        ? content
        : Buffer.from(typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`, 'utf8'),
    );
  }
  const sources: SourceRecord[] = [...files].map(([path, buf]) => sourceRecord(path, { bytes: buf.length }));
  sources.push(...(spec.extraSources ?? []));
  const manifest: Manifest | undefined =
    spec.manifest === null
      ? undefined
      : {
          formatVersion: FORMAT_VERSION,
          collectorVersion: '0.1.0-test',
          createdAt: spec.createdAt ?? DEFAULT_CREATED_AT,
          node,
          hostname: node,
          sources,
          ...spec.manifest,
        };
  return { id, origin: `memory:${id}`, manifest, files, problems: spec.problems ?? [] };
}

export function snapshotOf(...bundles: readonly (RawBundle | RawBundleSpec)[]): Snapshot {
  return buildSnapshot(bundles.map((b) => ('origin' in b ? b : rawBundle(b))));
}

/** a RawBundle as the entries of a bundle on disk (manifest.json first), for writeBundleDir/Archive */
export function bundleEntries(raw: RawBundle): { path: string; data: Buffer }[] {
  const out: { path: string; data: Buffer }[] = [];
  if (raw.manifest)
    out.push({ path: 'manifest.json', data: Buffer.from(`${JSON.stringify(raw.manifest, null, 2)}\n`) });
  for (const [path, data] of raw.files) if (path !== 'manifest.json') out.push({ path, data });
  return out;
}
