// Does a collected cluster list cover the whole cluster, or a given namespace? netsnap's collector
// always lists every namespace, but lists converted from a sosreport, an Insights archive or a
// pasted `kubectl get -n X` cover some namespaces or a selection of objects; their manifest record
// says so (docs/bundle-format.md: `partial`, `namespaces`). Absence in such a list ("no flannel
// pod", "no kube-proxy DaemonSet") is not absence in the cluster: rules ask here before they pass
// or fail on something they did not find.
import type { ComponentName, FileIndex, FileRef, Snapshot } from './types.js';
import type { LogLine } from '../parse/types.js';

export interface ListCoverage {
  /** the list file */
  readonly list: FileRef;
  /** every object of the cluster: the record does not say `partial` */
  readonly whole: boolean;
  /** the namespaces the record says the list covers (only these when `partial`) */
  readonly namespaces?: readonly string[];
  /** why the list is not every object, as the record says */
  readonly partial?: string;
  /** the manifest field that says the list is partial, for evidence */
  readonly at?: FileRef & { readonly pointer: string };
}

/** the namespaces a component's workload lives in on the distributions netsnap knows */
export const COMPONENT_NAMESPACES: Readonly<Record<ComponentName, readonly string[]>> = {
  flannel: ['kube-flannel', 'kube-system'],
  'kube-proxy': ['kube-system'],
  coredns: ['kube-system'],
  calico: ['calico-system', 'kube-system'],
};

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** the coverage a manifest `sources` array states for `list` (no record, or no fields: the whole cluster) */
export function coverageFromSources(list: FileRef, sources: unknown): ListCoverage {
  const all = Array.isArray(sources) ? sources : [];
  const index = all.findIndex((r) => isRecord(r) && r.path === list.path);
  const rec = all[index] as Record<string, unknown> | undefined;
  const ns = Array.isArray(rec?.namespaces)
    ? rec.namespaces.filter((n): n is string => typeof n === 'string')
    : undefined;
  const why = rec?.partial;
  const partial = typeof why === 'string' && why !== '' ? why : why === true ? 'the record says partial' : undefined;
  const ref = { bundle: list.bundle, path: list.path };
  if (partial === undefined) return { list: ref, whole: true, ...(ns ? { namespaces: ns } : {}) };
  return {
    list: ref,
    whole: false,
    partial,
    ...(ns ? { namespaces: ns } : {}),
    at: { bundle: list.bundle, path: 'manifest.json', pointer: `/sources/${index}/partial` },
  };
}

/** the coverage of one list file from its bundle's manifest.json, read through the file index (model build) */
export function coverageInFiles(files: FileIndex, list: FileRef): ListCoverage {
  return coverageFromSources(list, files.pointer({ bundle: list.bundle, path: 'manifest.json' }, '/sources'));
}

/**
 * The coverage of a collected cluster list (`cluster/pods.json`), read from the manifest record of
 * the bundle that supplied it; undefined when the list was not collected.
 */
export function listCoverage(s: Snapshot, path: string): ListCoverage | undefined {
  const bundle = s.cluster.fileOwners?.get(path) ?? s.cluster.bundle;
  if (bundle === undefined || !s.files.has({ bundle, path })) return undefined;
  const manifest = s.bundles.find((b) => b.id === bundle)?.manifest;
  return manifest
    ? coverageFromSources({ bundle, path }, manifest.sources)
    : coverageInFiles(s.files, { bundle, path });
}

/** does the list hold every object of these namespaces (none given: of the whole cluster)? */
export function coversNamespaces(c: ListCoverage, namespaces?: readonly string[]): boolean {
  if (c.whole) return true;
  if (namespaces === undefined || c.namespaces === undefined) return false;
  return namespaces.every((n) => c.namespaces?.includes(n));
}

/** does the list cover where `component` would run, so that not finding it there means it is not there? */
export function coversComponent(c: ListCoverage, component: ComponentName): boolean {
  return coversNamespaces(c, COMPONENT_NAMESPACES[component]);
}

/**
 * The first of `lists` that was collected but does not cover `namespaces` (undefined: all that were
 * collected cover them). Rules turn a pass on absence into unknown with this list's `partial`.
 */
export function partialList(
  s: Snapshot,
  paths: readonly string[],
  namespaces?: readonly string[],
): ListCoverage | undefined {
  for (const p of paths) {
    const c = listCoverage(s, p);
    if (c && !coversNamespaces(c, namespaces)) return c;
  }
  return undefined;
}

// journalctl's own markers: `-- Logs begin at … --`, `-- No entries --`, `-- Reboot --`
const JOURNAL_MARKER = /^-- .* --$/;

/**
 * The first line a unit logged, skipping journalctl's markers: undefined for a journal that holds
 * only `-- No entries --` (nothing ran under that unit while the journal kept lines), which is no
 * evidence that the unit runs.
 */
export function firstEntry(lines: readonly LogLine[]): LogLine | undefined {
  return lines.find((l) => l.raw.trim() !== '' && !JOURNAL_MARKER.test(l.raw.trim()));
}
