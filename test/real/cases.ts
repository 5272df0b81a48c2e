// The real-case corpus (fixtures/real/): incidents from public issue threads as partial bundles,
// and complete captures from public repositories. See fixtures/real/README.md for the layout.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { rawBundle, snapshotOf } from '../../analyzer/model/testing.js';
import type { Snapshot } from '../../analyzer/model/types.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { subjectKey, type Analysis, type Finding } from '../../analyzer/rules/types.js';

export const REAL_DIR = new URL('../../fixtures/real/', import.meta.url).pathname;
export const INCIDENTS_DIR = join(REAL_DIR, 'incidents');
export const CAPTURES_DIR = join(REAL_DIR, 'captures');

export interface ExpectedRoot {
  readonly rule: string;
  /** subjectKey (`node:worker-1`, `deployment:kube-system/coredns`); any subject when left out */
  readonly subject?: string;
}

export interface IncidentCase {
  readonly title: string;
  /** coredns, kube-proxy, flannel, calico, iptables, sysctl, kubeadm, k3s, rke2, cni, ... */
  readonly family: string;
  /** `owner/repo#number` of the thread(s) the evidence and the confirmed cause come from */
  readonly provenance: readonly string[];
  readonly distribution?: string;
  readonly versions?: Readonly<Record<string, string>>;
  /** node name of the synthesized manifest (files/ without manifest.json) */
  readonly node?: string;
  readonly createdAt?: string;
  readonly expected: {
    /** the confirmed cause as root rule ids; [] for "expected behaviour, nothing wrong" */
    readonly roots: readonly ExpectedRoot[];
    /**
     * rule ids that may also fail as roots on this evidence without being wrong (a second real fault the thread shows)
     */
    readonly alsoAllowed?: readonly string[];
  };
  /** bundle paths built from prose or a table rather than quoted verbatim */
  readonly synthesized?: readonly string[];
}

export function incidentNames(): string[] {
  if (!existsSync(INCIDENTS_DIR)) return [];
  return readdirSync(INCIDENTS_DIR)
    .filter((n) => existsSync(join(INCIDENTS_DIR, n, 'case.json')))
    .sort();
}

export function incidentCase(name: string): IncidentCase {
  return JSON.parse(readFileSync(join(INCIDENTS_DIR, name, 'case.json'), 'utf8')) as IncidentCase;
}

function walk(dir: string, base = dir): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) Object.assign(out, walk(p, base));
    else out[relative(base, p)] = readFileSync(p);
  }
  return out;
}

/**
 * The bundles of a case: `files/` (one node) or `bundles/<node>/` (several). A folder with its own
 * manifest.json loads as the collector wrote it; one without gets a manifest that lists exactly the
 * files present as collected (`ok`) and nothing else, like a dump pasted into a ticket.
 */
export async function incidentSnapshot(name: string): Promise<Snapshot> {
  const dir = join(INCIDENTS_DIR, name);
  const c = incidentCase(name);
  const folders = existsSync(join(dir, 'bundles'))
    ? readdirSync(join(dir, 'bundles'))
        .sort()
        .map((n) => ({ node: n, path: join(dir, 'bundles', n) }))
    : [{ node: c.node ?? 'node-1', path: join(dir, 'files') }];
  if (folders.every((f) => existsSync(join(f.path, 'manifest.json'))))
    return (await loadSnapshot(folders.map((f) => f.path))).snapshot;
  return snapshotOf(
    ...folders.map((f) =>
      rawBundle({
        id: `${name}-${f.node}`,
        node: f.node,
        ...(c.createdAt ? { createdAt: c.createdAt } : {}),
        files: walk(f.path),
      }),
    ),
  );
}

export interface CaseScore {
  readonly name: string;
  readonly ok: boolean;
  /** expected roots that were not named as a failing root */
  readonly missed: readonly string[];
  /** failing roots (outside the bundle layer) that the case does not expect */
  readonly wrong: readonly string[];
  readonly roots: readonly string[];
}

const rootKey = (f: Finding): string => `${f.ruleId} ${subjectKey(f.subject)}`;

export function scoreCase(name: string, c: IncidentCase, analysis: Analysis): CaseScore {
  const roots = analysis.roots.map((r) => r.finding).filter((f) => f.status === 'fail');
  const named = (e: ExpectedRoot) =>
    roots.some((f) => f.ruleId === e.rule && (e.subject === undefined || subjectKey(f.subject) === e.subject));
  const missed = c.expected.roots.filter((e) => !named(e)).map((e) => `${e.rule}${e.subject ? ` ${e.subject}` : ''}`);
  const allowed = new Set([...c.expected.roots.map((e) => e.rule), ...(c.expected.alsoAllowed ?? [])]);
  const wrong = roots.filter((f) => f.layer !== 'bundle' && !allowed.has(f.ruleId)).map(rootKey);
  return { name, ok: missed.length === 0 && wrong.length === 0, missed, wrong, roots: roots.map(rootKey) };
}

export async function scoreIncident(name: string): Promise<CaseScore & { analysis: Analysis; snapshot: Snapshot }> {
  const snapshot = await incidentSnapshot(name);
  const analysis = analyze(snapshot);
  return { ...scoreCase(name, incidentCase(name), analysis), analysis, snapshot };
}

// ---- complete captures (fixtures/real/captures/<name>/): bundle folders with their own manifest

export interface CaptureMeta {
  readonly title: string;
  /** kubeadm, k3s, rke2, charmed, microk8s, k8s-snap, openshift, ... */
  readonly distribution: string;
  /** `owner/repo:path@commit` or `owner/repo#number` of the material (file by file in PROVENANCE.md) */
  readonly provenance: readonly string[];
  readonly versions?: Readonly<Record<string, string>>;
}

/** An error-severity load problem the capture's PROVENANCE.md declares (`- expected problem: <file>: <text>`). */
export interface ExpectedProblem {
  readonly file: string;
  readonly text: string;
}

export function captureNames(): string[] {
  if (!existsSync(CAPTURES_DIR)) return [];
  return readdirSync(CAPTURES_DIR)
    .filter((n) => existsSync(join(CAPTURES_DIR, n, 'capture.json')))
    .sort();
}

export function captureMeta(name: string): CaptureMeta {
  return JSON.parse(readFileSync(join(CAPTURES_DIR, name, 'capture.json'), 'utf8')) as CaptureMeta;
}

/** the bundle folders of a capture: `bundles/<node>/`, each with its manifest.json */
export function captureBundleDirs(name: string): string[] {
  const dir = join(CAPTURES_DIR, name, 'bundles');
  return readdirSync(dir)
    .sort()
    .map((n) => join(dir, n));
}

export function captureExpectedProblems(name: string): ExpectedProblem[] {
  const text = readFileSync(join(CAPTURES_DIR, name, 'PROVENANCE.md'), 'utf8');
  return [...text.matchAll(/^- expected problem: `([^`]+)`: (.+)$/gm)].map((m) => ({
    file: m[1] as string,
    text: (m[2] as string).trim(),
  }));
}

export async function captureAnalysis(name: string): Promise<{ snapshot: Snapshot; analysis: Analysis }> {
  const { snapshot } = await loadSnapshot(captureBundleDirs(name));
  return { snapshot, analysis: analyze(snapshot) };
}
