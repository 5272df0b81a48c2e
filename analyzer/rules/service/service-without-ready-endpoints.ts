// SVC-304: a Service whose selector leaves it without one ready endpoint answers nothing (iptables
// mode: "has no endpoints" REJECT). Which of three causes it is decides the fix: the selector
// matches no pod, the pods are not running, or they run but are not Ready. kube-dns is DNS-406's.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { Pod, Service } from '../../model/schemas.js';
import { objectEvidence } from '../../model/evidence.js';
import { partialList } from '../../model/coverage.js';
import { partialListReport } from '../lib/evidence-limits.js';
import { CLUSTER, basisOf, clusterFile, missingInputs } from '../lib/reports.js';
import { present } from '../lib/host.js';
import { readyEndpoints } from '../lib/host-proxy.js';
import { cmd, remedy, word, type Cmd } from '../../text/shell.js';

/**
 * ready-not-listed: the pods run and are Ready, yet the endpoints controller lists none of them;
 * a named targetPort they do not declare does that (SVC-305 says which).
 */
export type NoEndpointsReason = 'selector-no-match' | 'pods-not-running' | 'pods-not-ready' | 'ready-not-listed';

const DNS_OWNED = 'kube-system/kube-dns';

export function reasonFor(pods: readonly Located<Pod>[]): NoEndpointsReason {
  if (pods.length === 0) return 'selector-no-match';
  if (!pods.some((p) => p.obj.status?.phase === 'Running')) return 'pods-not-running';
  if (
    pods.some(
      (p) =>
        p.obj.status?.phase === 'Running' &&
        (p.obj.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    )
  )
    return 'ready-not-listed';
  return 'pods-not-ready';
}

/**
 * A pod of the namespace that carries every selector key and differs in the value of exactly one
 * (`role: primary` where the Service selects `role: replicas`): the Service selects a role no pod
 * holds right now (a database's replicas Service on a one-member cluster), not a mistyped selector.
 * Needs at least two selector keys, so the others prove the pods are the intended workload.
 */
export function podOutOfRole(
  s: Snapshot,
  ns: string,
  selector: Readonly<Record<string, string>>,
): { pod: Located<Pod>; key: string; value: string } | undefined {
  const keys = Object.keys(selector);
  if (keys.length < 2) return undefined;
  for (const p of s.cluster.pods ?? []) {
    if ((p.obj.metadata.namespace ?? 'default') !== ns) continue;
    const labels = p.obj.metadata.labels ?? {};
    if (!keys.every((k) => labels[k] !== undefined)) continue;
    const differing = keys.filter((k) => labels[k] !== selector[k]);
    if (differing.length === 1)
      return { pod: p, key: differing[0] as string, value: labels[differing[0] as string] as string };
  }
  return undefined;
}

/** Services with a selector, the ones whose endpoints the cluster manages */
export function selectedServices(s: Snapshot): Located<Service>[] {
  return (s.cluster.services ?? []).filter(
    (svc) => Object.keys(svc.obj.spec.selector ?? {}).length > 0 && svc.obj.spec.type !== 'ExternalName',
  );
}

function commands(
  nsName: string,
  svcName: string,
  reason: NoEndpointsReason,
  selectorText: string,
  pod?: string,
): Cmd[] {
  const ns = word('namespace', nsName);
  const name = word('service', svcName);
  const selector = word('selector', selectorText);
  if (reason === 'selector-no-match')
    return [
      cmd`kubectl -n ${ns} get pods -l ${selector} --show-labels`,
      cmd`kubectl -n ${ns} get pods --show-labels`,
      cmd`kubectl -n ${ns} edit service ${name}`,
    ];
  const p = pod !== undefined ? cmd`${word('pod', pod)}` : cmd`-l ${selector}`;
  if (reason === 'pods-not-running')
    return [cmd`kubectl -n ${ns} describe pod ${p}`, cmd`kubectl -n ${ns} get events --sort-by=.lastTimestamp`];
  if (reason === 'ready-not-listed')
    return [
      cmd`kubectl -n ${ns} get service ${name} -o jsonpath='{.spec.ports}'`,
      cmd`kubectl -n ${ns} get pod ${p} -o jsonpath='{.spec.containers[*].ports}'`,
      cmd`kubectl -n ${ns} edit service ${name}`,
    ];
  return [
    cmd`kubectl -n ${ns} describe pod ${p}`,
    cmd`kubectl -n ${ns} logs ${p}`,
    cmd`kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${name}`,
  ];
}

export const serviceWithoutReadyEndpoints: Rule = {
  id: 'SVC-304',
  slug: 'service-without-ready-endpoints',
  layer: 'service',
  severity: 'critical',
  title: 'A Service has no ready endpoints',
  needs: ['cluster.services', 'cluster.endpointslices', 'cluster.pods'],
  decidesFrom: [
    ['cluster.services', 'cluster.endpointslices', 'cluster.pods'],
    ['cluster.services', 'cluster.endpoints', 'cluster.pods'],
  ],
  docs: {
    why: 'A Service only forwards to pods that its selector matches and that are Ready. With none, kube-proxy installs a REJECT ("has no endpoints") and every client gets "connection refused" or a timeout, although the network itself is fine. The cause is one of three: the selector matches no pod (a typo, a changed label), the pods are not running (pending, crash-looping), or they run but fail their readiness probe.',
    fix: "Selector: make the Service selector equal the pod labels. Not running: see the pod's events. Not ready: see why the readiness probe fails (`kubectl describe pod`, the pod log).",
  },
  messages: {
    noReady: 'Service {service} has no ready endpoints: {reason} ({pods} pods selected)',
    noneInRole:
      "Service {service} has no endpoints: it selects {key}={wanted} and its workload's pods hold {key}={held} now (a role no pod holds, e.g. replicas of a one-member cluster)",
    allReady: '{count} Services with a selector have ready endpoints',
  },
  run(s) {
    if (!s.cluster.services) return [missingInputs(CLUSTER, ['cluster.services'])];
    if (!s.cluster.endpointSlices && !s.cluster.endpoints)
      return [missingInputs(CLUSTER, ['cluster.endpointslices', 'cluster.endpoints'])];
    const out: Report[] = [];
    let ok = 0;
    for (const svc of selectedServices(s)) {
      const ns = svc.obj.metadata.namespace ?? 'default';
      const key = `${ns}/${svc.obj.metadata.name}`;
      if (key === DNS_OWNED || svc.obj.spec.publishNotReadyAddresses) continue;
      const ready = readyEndpoints(s, key) ?? new Map();
      if ([...ready.values()].some((p) => p.ready.size > 0)) {
        ok++;
        continue;
      }
      const subject: Subject = { kind: 'service', namespace: ns, name: svc.obj.metadata.name };
      if (!s.cluster.pods) {
        out.push(missingInputs(subject, ['cluster.pods']));
        continue;
      }
      const pods = s.index.podsSelectedBy(key);
      // "matches no pod" in a pods list of other namespaces (a converted sosreport) or a selection of pods is no
      // verdict
      const partial = pods.length === 0 ? partialList(s, ['cluster/pods.json'], [ns]) : undefined;
      if (partial) {
        out.push(partialListReport(s, subject, partial));
        continue;
      }
      const reason = reasonFor(pods);
      const role = reason === 'selector-no-match' ? podOutOfRole(s, ns, svc.obj.spec.selector ?? {}) : undefined;
      if (role) {
        out.push({
          status: 'warn',
          subject,
          messageId: 'noneInRole',
          data: { service: key, key: role.key, wanted: svc.obj.spec.selector?.[role.key] ?? '', held: role.value },
          evidence: [
            objectEvidence(svc, '/spec/selector', 'the selector'),
            objectEvidence(role.pod, '/metadata/labels', "the workload's pod, in another role"),
          ],
          remediation: remedy(
            'If the role should have members (scale the workload), add them; if not, clients should not use this Service now.',
            [
              cmd`kubectl -n ${word('namespace', ns)} get pods -l ${word('label-key', role.key)} -L ${word('label-key', role.key)}`,
              cmd`kubectl -n ${word('namespace', ns)} describe service ${word('service', svc.obj.metadata.name)}`,
            ],
          ),
        });
        continue;
      }
      const selector = Object.entries(svc.obj.spec.selector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const shown = pods.slice(0, 3);
      const evidence: (EvidenceRef | undefined)[] = [
        objectEvidence(
          svc,
          '/spec/selector',
          reason === 'selector-no-match' ? 'no pod in the namespace carries these labels' : 'the selector',
        ),
        ...shown.map((p) =>
          objectEvidence(
            p,
            reason === 'pods-not-running' ? '/status/phase' : '/status/conditions',
            reason === 'pods-not-running'
              ? 'the pod is not running'
              : reason === 'ready-not-listed'
                ? 'the pod is Ready, yet not an endpoint'
                : 'the pod is not Ready',
          ),
        ),
        [...ready.values()][0]?.evidence,
      ];
      out.push({
        status: 'fail',
        subject,
        messageId: 'noReady',
        data: { service: key, reason, pods: pods.length },
        evidence: present(...evidence),
        remediation: remedy(
          reason === 'selector-no-match'
            ? "Make the selector match the pods' labels (or fix the labels)."
            : reason === 'pods-not-running'
              ? 'Get the selected pods running: their events say why they are not.'
              : reason === 'ready-not-listed'
                ? 'The pods are Ready but the endpoints controller lists none: a named targetPort they do not declare does this; name a port they declare.'
                : 'The pods run but fail readiness: see the probe and the pod log.',
          commands(ns, svc.obj.metadata.name, reason, selector, shown[0]?.obj.metadata.name),
        ),
      });
    }
    if (out.length === 0)
      out.push({
        status: 'pass',
        subject: CLUSTER,
        messageId: 'allReady',
        data: { count: ok },
        basis: basisOf(
          clusterFile(s, 'cluster/services.json'),
          clusterFile(s, 'cluster/endpointslices.json'),
          clusterFile(s, 'cluster/endpoints.json'),
        ),
      });
    return out;
  },
};
