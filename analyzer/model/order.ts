// Which bundle is newest: manifest.createdAt, bundles without one count as oldest.
import type { RawBundle } from '../bundle/types.js';

export function createdAtMs(raw: RawBundle): number {
  const t = raw.manifest?.createdAt ? Date.parse(raw.manifest.createdAt) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

/** newest first; ties by id so the result never depends on argument order */
export function newestFirst<T extends { readonly raw: RawBundle }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => {
    const d = createdAtMs(b.raw) - createdAtMs(a.raw);
    return (Number.isNaN(d) ? 0 : d) || a.raw.id.localeCompare(b.raw.id);
  });
}
