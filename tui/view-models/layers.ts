// Findings -> the four-layer stack of the overview (dns on top, system at the bottom).
import type { Layer, Status } from '../../analyzer/rules/types.js';
import { STATUS_RANK } from '../theme.js';
import type { UiModel } from './model.js';

export const STACK_LAYERS: readonly Layer[] = ['dns', 'service', 'network', 'system'];

export interface LayerRow {
  readonly layer: Layer;
  /** the worst status in the layer; unknown when no check of the layer ran */
  readonly status: Status;
  readonly counts: Readonly<Record<Status, number>>;
  readonly rootCauses: number;
  readonly total: number;
}

export function layerStack(
  m: Pick<UiModel, 'findings' | 'rootOrder'>,
  layers: readonly Layer[] = STACK_LAYERS,
): LayerRow[] {
  const roots = new Set(m.rootOrder);
  // one pass over the findings for all layers (20,000 findings on a 5,000-node cluster)
  const tally = new Map<Layer, { counts: Record<Status, number>; rootCauses: number; total: number }>();
  for (const layer of layers)
    tally.set(layer, { counts: { fail: 0, warn: 0, unknown: 0, pass: 0 }, rootCauses: 0, total: 0 });
  m.findings.forEach((f, i) => {
    const t = tally.get(f.layer);
    if (!t) return;
    t.counts[f.status]++;
    t.total++;
    if (roots.has(i)) t.rootCauses++;
  });
  return layers.map((layer) => {
    const { counts, rootCauses, total } = tally.get(layer)!;
    const worst = (Object.keys(counts) as Status[])
      .filter((s) => counts[s] > 0)
      .sort((a, b) => STATUS_RANK[a] - STATUS_RANK[b])[0];
    return { layer, status: worst ?? 'unknown', counts, rootCauses, total };
  });
}
