// The detected distribution and component deployment styles, for every report header, inspect and
// the TUI: one plain shape (JSON-ready) and one line of text, both from Snapshot.derived.
import type { ComponentName, Derived, DeploymentStyle, Distribution, Seen } from '../model/types.js';

export interface PlatformEvidence {
  readonly bundle: string;
  readonly path: string;
  readonly pointer?: string;
  readonly line?: number;
}

export interface PlatformFact<T extends string> {
  readonly value: T;
  /** who or what says so ("node/n1 kubeletVersion v1.28.5+k3s1") */
  readonly by: string;
  readonly evidence: PlatformEvidence;
}

export interface Platform {
  /** null when no evidence names a distribution */
  readonly distribution: PlatformFact<Distribution> | null;
  /** each component's deployment style; null = unknown (nothing collected says) */
  readonly components: Readonly<Record<ComponentName, PlatformFact<DeploymentStyle> | null>>;
}

export const PLATFORM_COMPONENTS: readonly ComponentName[] = ['flannel', 'kube-proxy', 'coredns', 'calico'];

function fact<T extends string>(s: Seen<T> | undefined): PlatformFact<T> | null {
  if (!s) return null;
  const { bundle, path, pointer, line } = s.at;
  return {
    value: s.value,
    by: s.by,
    evidence: { bundle, path, ...(pointer !== undefined ? { pointer } : {}), ...(line !== undefined ? { line } : {}) },
  };
}

export function platformOf(derived: Pick<Derived, 'distribution' | 'components'>): Platform {
  const components = Object.fromEntries(PLATFORM_COMPONENTS.map((c) => [c, fact(derived.components.get(c))])) as Record<
    ComponentName,
    PlatformFact<DeploymentStyle> | null
  >;
  return { distribution: fact(derived.distribution), components };
}

/** `distribution k3s · flannel embedded · kube-proxy embedded · coredns deployment · calico unknown` */
export function platformLine(p: Platform): string {
  const d = p.distribution ? `distribution ${p.distribution.value}` : 'distribution unknown';
  return [d, ...PLATFORM_COMPONENTS.map((c) => `${c} ${p.components[c]?.value ?? 'unknown'}`)].join(' · ');
}

/**
 * where the distribution was read, for a second header line: `node/n1 kubeletVersion v1.28.5+k3s1
 * (cluster/nodes.json#/items/0/...)`
 */
export function platformSource(p: Platform): string | undefined {
  const d = p.distribution;
  if (!d) return undefined;
  const e = d.evidence;
  return `${d.by} (${e.path}${e.pointer !== undefined ? `#${e.pointer}` : ''}${e.line !== undefined ? `:${e.line}` : ''})`;
}
