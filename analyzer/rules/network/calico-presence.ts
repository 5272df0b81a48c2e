// Is Calico (calico-node, alone or as canal) part of this cluster, and which pod runs it on each node?
// Decided from the pods list (calico-node / canal / rke2-canal pods, or any pod with a calico-node
// container), else from Calico's IP pools; without either the Calico rules say unknown.
import type { Report } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import { basisOf, CLUSTER } from '../lib/reports.js';

const CALICO_APPS = new Set(['calico-node', 'canal', 'rke2-canal']);

/** calico-node pods (their node from spec.nodeName), sorted by node */
export function calicoNodePods(s: Snapshot): readonly { node: string; pod: Located<Pod> }[] {
  let got = cache.get(s);
  if (!got) cache.set(s, (got = findCalicoNodePods(s)));
  return got;
}

// asked by every Calico rule; each answer is a pass over every pod, so it is found once per snapshot
const cache = new WeakMap<Snapshot, readonly { node: string; pod: Located<Pod> }[]>();

function findCalicoNodePods(s: Snapshot): { node: string; pod: Located<Pod> }[] {
  const out: { node: string; pod: Located<Pod> }[] = [];
  for (const p of s.cluster.pods ?? []) {
    const app = p.obj.metadata.labels?.['k8s-app'] ?? '';
    const hasContainer = (p.obj.spec?.containers ?? []).some((c) => c.name === 'calico-node');
    const node = p.obj.spec?.nodeName;
    if (node && (CALICO_APPS.has(app) || hasContainer)) out.push({ node, pod: p });
  }
  return out.sort((a, b) => a.node.localeCompare(b.node));
}

/** [] when Calico runs here; else a pass (Calico is not used, from the collected pods) or an unknown */
export function unlessCalico(s: Snapshot): Report[] {
  if (calicoNodePods(s).length > 0 || (s.cluster.calico?.ipPools?.length ?? 0) > 0) return [];
  if (s.cluster.pods)
    return [{ status: 'pass', subject: CLUSTER, messageId: 'notUsed', basis: basisOf(s.cluster.pods) }];
  return [{ status: 'unknown', subject: CLUSTER, messageId: 'missing-inputs', missing: ['cluster.pods'] }];
}

/** does the calico-node container run BIRD (CALICO_NETWORKING_BACKEND bird, the default; canal sets none)? */
export function runsBird(pod: Located<Pod>): boolean {
  const c = (pod.obj.spec?.containers ?? []).find((x) => x.name === 'calico-node') as
    { env?: { name?: string; value?: string }[] } | undefined;
  const backend = c?.env?.find((e) => e.name === 'CALICO_NETWORKING_BACKEND')?.value;
  return backend === undefined || backend === 'bird';
}
