// Cluster-object questions rules ask again and again: is a pod ready, which pods are CoreDNS,
// which kube-proxy/flannel pod runs on a node, what do a pod's logs say. Pure; no scanning of
// services x pods (use snapshot.index), each helper at most one pass over a list.
import type { EvidenceRef } from '../types.js';
import type { LogLine } from '../../parse/types.js';
import type { Deployment, Pod } from '../../model/schemas.js';
import type { Located, Snapshot, Sourced } from '../../model/types.js';
import { knownLineEvidence, objectEvidence } from '../../model/evidence.js';

export const KUBE_DNS_KEY = 'kube-system/kube-dns';

export const podName = (p: Located<Pod>): string => p.obj.metadata.name;
export const podNs = (p: Located<Pod>): string => p.obj.metadata.namespace ?? 'default';

export function labelsMatch(
  labels: Readonly<Record<string, string>> | undefined,
  selector: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** index of the Ready condition, for evidence pointers */
export function readyConditionIndex(pod: Pod): number {
  return (pod.status?.conditions ?? []).findIndex((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export interface PodTrouble {
  readonly ready: boolean;
  readonly phase: string;
  readonly restarts: number;
  /** CrashLoopBackOff, ImagePullBackOff, Error... from a waiting or terminated container */
  readonly reason?: string;
  readonly crashLooping: boolean;
  /** the container status the reason came from, for evidence */
  readonly containerIndex?: number;
}

export function podTrouble(pod: Pod): PodTrouble {
  const statuses = pod.status?.containerStatuses ?? [];
  let reason: string | undefined;
  let containerIndex: number | undefined;
  statuses.forEach((cs, i) => {
    const r =
      cs.state?.waiting?.reason ??
      cs.state?.terminated?.reason ??
      (!cs.ready ? cs.lastState?.terminated?.reason : undefined);
    if (r && reason === undefined) {
      reason = r;
      containerIndex = i;
    }
  });
  const restarts = statuses.reduce((n, cs) => n + cs.restartCount, 0);
  return {
    ready: isPodReady(pod),
    phase: pod.status?.phase ?? 'Unknown',
    restarts,
    reason: reason ?? pod.status?.reason,
    crashLooping: reason === 'CrashLoopBackOff',
    containerIndex,
  };
}

/** evidence for why a pod is not healthy: the Ready condition and the container state */
export function podTroubleEvidence(pod: Located<Pod>, t: PodTrouble = podTrouble(pod.obj)): EvidenceRef[] {
  const out: EvidenceRef[] = [];
  const ri = readyConditionIndex(pod.obj);
  if (ri >= 0) out.push(objectEvidence(pod, `/status/conditions/${ri}`, `${podName(pod)} Ready condition`));
  else out.push(objectEvidence(pod, '/status/phase', `${podName(pod)} phase`));
  if (t.containerIndex !== undefined)
    out.push(objectEvidence(pod, `/status/containerStatuses/${t.containerIndex}`, `${podName(pod)} container state`));
  return out;
}

/** The CoreDNS Deployment: kube-system/coredns, else one selecting k8s-app=kube-dns. */
export function corednsDeployment(s: Snapshot): Located<Deployment> | undefined {
  const ds = (s.cluster.deployments ?? []).filter((d) => d.obj.metadata.namespace === 'kube-system');
  return (
    ds.find((d) => d.obj.metadata.name === 'coredns') ??
    ds.find((d) => d.obj.spec.selector?.matchLabels?.['k8s-app'] === 'kube-dns')
  );
}

/** CoreDNS pods: those the Deployment selects (default k8s-app=kube-dns) in kube-system. */
export function corednsPods(s: Snapshot): readonly Located<Pod>[] {
  let got = corednsCache.get(s);
  if (!got) corednsCache.set(s, (got = findCorednsPods(s)));
  return got;
}

// asked by most DNS rules; each answer is a pass over every pod, so it is found once per snapshot
const corednsCache = new WeakMap<Snapshot, readonly Located<Pod>[]>();

function findCorednsPods(s: Snapshot): Located<Pod>[] {
  const selector = corednsDeployment(s)?.obj.spec.selector?.matchLabels ?? { 'k8s-app': 'kube-dns' };
  return (s.cluster.pods ?? [])
    .filter((p) => p.obj.metadata.namespace === 'kube-system' && labelsMatch(p.obj.metadata.labels, selector))
    .sort((a, b) => podName(a).localeCompare(podName(b)));
}

/** Pods of a node-agent DaemonSet (kube-proxy, flannel) by node name, from one pass over pods. */
export function agentPodsByNode(s: Snapshot, isAgent: (p: Pod) => boolean): Map<string, Located<Pod>[]> {
  const out = new Map<string, Located<Pod>[]>();
  for (const p of s.cluster.pods ?? []) {
    const node = p.obj.spec?.nodeName;
    if (!node || !isAgent(p.obj)) continue;
    const list = out.get(node);
    if (list) list.push(p);
    else out.set(node, [p]);
  }
  return out;
}

export const isKubeProxyPod = (p: Pod): boolean =>
  p.metadata.labels?.['k8s-app'] === 'kube-proxy' || /^kube-proxy-[a-z0-9]+$/.test(p.metadata.name);
export const isFlannelPod = (p: Pod): boolean =>
  p.metadata.labels?.app === 'flannel' ||
  p.metadata.labels?.['k8s-app'] === 'flannel' ||
  /^kube-flannel-ds-/.test(p.metadata.name);

export interface PodLog {
  readonly key: string;
  readonly container: string;
  readonly previous: boolean;
  readonly log: Sourced<readonly LogLine[]>;
}

/** the logs collected for one pod (current and previous containers), sorted by key */
export function logsOfPod(s: Snapshot, ns: string, pod: string): PodLog[] {
  const prefix = `${ns}/${pod}/`;
  const out: PodLog[] = [];
  for (const [key, log] of s.cluster.logs) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const previous = rest.endsWith('.previous');
    out.push({ key, container: previous ? rest.slice(0, -'.previous'.length) : rest, previous, log });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export interface LogHit {
  readonly pod: string;
  readonly log: PodLog;
  readonly line: LogLine;
  readonly match: RegExpExecArray;
}

/** lines of the given logs matching `re`, in file order */
export function searchLogs(logs: readonly (PodLog & { pod?: string })[], re: RegExp): LogHit[] {
  const out: LogHit[] = [];
  for (const l of logs) {
    for (const line of l.log.value) {
      const m = re.exec(line.raw);
      if (m) out.push({ pod: l.pod ?? l.key.split('/')[1] ?? '', log: l, line, match: m });
    }
  }
  return out;
}

export function logLineEvidence(hit: LogHit, note?: string): EvidenceRef {
  return knownLineEvidence(hit.log.log.ref, hit.line.line, hit.line.raw, note);
}

/** all logs of all CoreDNS pods (by pod list; by name prefix when pods were not collected) */
export function corednsLogs(s: Snapshot): (PodLog & { pod: string })[] {
  const pods = s.cluster.pods ? corednsPods(s).map(podName) : undefined;
  const out: (PodLog & { pod: string })[] = [];
  if (pods) for (const p of pods) out.push(...logsOfPod(s, 'kube-system', p).map((l) => ({ ...l, pod: p })));
  else {
    for (const key of s.cluster.logs.keys()) {
      // RKE2's chart names the pods after its release: rke2-coredns-rke2-coredns-<hash>
      const m = /^kube-system\/((?:rke2-coredns-rke2-)?coredns-[^/]+)\//.exec(key);
      if (m && !out.some((o) => o.key === key))
        out.push(
          ...logsOfPod(s, 'kube-system', m[1] as string)
            .filter((l) => l.key === key)
            .map((l) => ({ ...l, pod: m[1] as string })),
        );
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}
