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

export function layerStack(m: Pick<UiModel, 'findings' | 'rootOrder'>, layers: readonly Layer[] = STACK_LAYERS): LayerRow[] {
  const roots = new Set(m.rootOrder);
  return layers.map((layer) => {
    const counts: Record<Status, number> = { fail: 0, warn: 0, unknown: 0, pass: 0 };
    let rootCauses = 0;
    let total = 0;
    m.findings.forEach((f, i) => {
      if (f.layer !== layer) return;
      counts[f.status]++;
      total++;
      if (roots.has(i)) rootCauses++;
    });
    const worst = (Object.keys(counts) as Status[])
      .filter((s) => counts[s] > 0)
      .sort((a, b) => STATUS_RANK[a] - STATUS_RANK[b])[0];
    return { layer, status: worst ?? 'unknown', counts, rootCauses, total };
  });
}
