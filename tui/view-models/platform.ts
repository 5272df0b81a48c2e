// The header's platform summary: the detected distribution and the components whose deployment
// style is known, e.g. `k3s: flannel embedded, kube-proxy embedded, coredns deployment`.
import type { Derived } from '../../analyzer/model/types.js';
import { PLATFORM_COMPONENTS, platformOf } from '../../analyzer/report/platform.js';

export function platformSummary(derived: Pick<Derived, 'distribution' | 'components'>): string {
  const p = platformOf(derived);
  const known = PLATFORM_COMPONENTS.flatMap((c) => (p.components[c] ? [`${c} ${p.components[c].value}`] : []));
  const name = p.distribution?.value ?? 'distribution unknown';
  return known.length ? `${name}: ${known.join(', ')}` : name;
}
