// Lookups rules need, built once so no rule scans every pod per service (150,000 pods x 10,000
// services would be 1.5e9 checks). podsSelectedBy goes through a label -> pods index.
import type { ClusterState, Indexes, Located } from './types.js';
import type { EndpointSlice, Endpoints, KubeNode, Pod, Service } from './schemas.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export const objectKey = (meta: { name: string; namespace?: string }): string => `${meta.namespace ?? ''}/${meta.name}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** all IPs of a pod: podIPs (dual-stack) plus podIP */
export function podIPs(pod: Pod): string[] {
  const list = pod.status?.podIPs;
  const ip = pod.status?.podIP;
  // nearly every pod: podIPs is [podIP] (or absent); no Set for 150,000 pods
  if (!list || list.length === 0) return ip ? [ip] : [];
  if (list.length === 1) {
    const only = (list[0] as { ip: string }).ip;
    return !ip || ip === only ? [only] : [only, ip];
  }
  const ips = new Set<string>();
  for (const p of pod.status?.podIPs ?? []) ips.add(p.ip);
  if (pod.status?.podIP) ips.add(pod.status.podIP);
  return [...ips];
}

function buildPodByIP(pods: readonly Located<Pod>[]): Map<string, Located<Pod>> {
  const out = new Map<string, Located<Pod>>();
  for (const p of pods) {
    // hostNetwork pods carry the node's IP; many share it, and it is the node's, not theirs
    if (p.obj.spec?.hostNetwork) continue;
    for (const ip of podIPs(p.obj)) {
      const prev = out.get(ip);
      // a finished pod's IP may already belong to a running one: the running pod owns it
      if (!prev || (prev.obj.status?.phase !== 'Running' && p.obj.status?.phase === 'Running')) out.set(ip, p);
    }
  }
  return out;
}

function serviceIPs(svc: Service): string[] {
  const ips = new Set<string>(svc.spec.clusterIPs ?? []);
  if (svc.spec.clusterIP) ips.add(svc.spec.clusterIP);
  ips.delete('None'); // headless
  ips.delete('');
  return [...ips];
}

export function buildIndexes(cluster: ClusterState): Indexes {
  const pods = cluster.pods ?? [];
  const podsByNode = new Map<string, Located<Pod>[]>();
  // `ns\0key=value` -> pods carrying that label
  const podsByLabel = new Map<string, Located<Pod>[]>();
  for (const p of pods) {
    if (p.obj.spec?.nodeName) push(podsByNode, p.obj.spec.nodeName, p);
    const ns = p.obj.metadata.namespace ?? '';
    for (const [k, v] of Object.entries(p.obj.metadata.labels ?? {})) push(podsByLabel, `${ns}\u0000${k}=${v}`, p);
  }

  const serviceByClusterIP = new Map<string, Located<Service>>();
  const serviceByName = new Map<string, Located<Service>>();
  for (const s of cluster.services ?? []) {
    serviceByName.set(objectKey(s.obj.metadata), s);
    for (const ip of serviceIPs(s.obj)) serviceByClusterIP.set(ip, s);
  }

  const endpointsByService = new Map<string, Located<Endpoints>>();
  for (const e of cluster.endpoints ?? []) endpointsByService.set(objectKey(e.obj.metadata), e);

  const endpointSlicesByService = new Map<string, Located<EndpointSlice>[]>();
  for (const es of cluster.endpointSlices ?? []) {
    const svc = es.obj.metadata.labels?.[SERVICE_NAME_LABEL];
    if (svc) push(endpointSlicesByService, `${es.obj.metadata.namespace ?? ''}/${svc}`, es);
  }

  const nodeByName = new Map<string, Located<KubeNode>>();
  for (const n of cluster.nodes ?? []) nodeByName.set(n.obj.metadata.name, n);

  const selected = new Map<string, readonly Located<Pod>[]>();
  function podsSelectedBy(serviceKey: string): readonly Located<Pod>[] {
    const hit = selected.get(serviceKey);
    if (hit) return hit;
    const svc = serviceByName.get(serviceKey);
    const selector = Object.entries(svc?.obj.spec.selector ?? {});
    let result: readonly Located<Pod>[] = [];
    if (svc && selector.length > 0) {
      const ns = svc.obj.metadata.namespace ?? '';
      // start from the rarest label, then check the rest on each candidate
      const candidates = selector.map(([k, v]) => podsByLabel.get(`${ns}\u0000${k}=${v}`) ?? []);
      const smallest = candidates.reduce((a, b) => (b.length < a.length ? b : a));
      result = smallest.filter((p) => selector.every(([k, v]) => p.obj.metadata.labels?.[k] === v));
    }
    selected.set(serviceKey, result);
    return result;
  }

  return {
    podByIP: buildPodByIP(pods),
    podsByNode,
    serviceByClusterIP,
    serviceByName,
    endpointsByService,
    endpointSlicesByService,
    nodeByName,
    podsSelectedBy,
  };
}
