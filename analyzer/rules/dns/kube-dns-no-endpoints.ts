// DNS-406: the kube-dns Service has no ready endpoints, so every lookup through 10.96.0.10 fails.
// kube-proxy then installs `REJECT ... "kube-system/kube-dns:dns has no endpoints"`, which answers
// with ICMP port-unreachable: clients see "connection refused", not a timeout. The packet tracer
// shows it: a pod's query to the ClusterIP, followed through a node's rules, ends at that REJECT.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import type { Endpoints, Service } from '../../model/schemas.js';
import type { Located, Snapshot } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { simulate } from '../../trace/simulate.js';
import { decidingStep, podProbes, stepEvidence, traceHostWith } from '../lib/pod-trace.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { kubeDnsService, kubeDnsSubject } from './corefile.js';

const subject = kubeDnsSubject;

function readyCount(ep: Endpoints): number {
  return (ep.subsets ?? []).reduce((n, ss) => n + (ss.addresses?.length ?? 0), 0);
}

function notReadyCount(ep: Endpoints): number {
  return (ep.subsets ?? []).reduce((n, ss) => n + (ss.notReadyAddresses?.length ?? 0), 0);
}

/**
 * What a DNS query from a pod meets, traced on each node (first two): pod -> kube-dns ClusterIP
 * :53/udp through that node's routes and iptables. In iptables mode kube-proxy's filter
 * KUBE-SERVICES rejects it ("has no endpoints"); the step that did is the evidence.
 */
function tracedRejects(s: Snapshot, clusterIP: string): EvidenceRef[] {
  const out: EvidenceRef[] = [];
  for (const h of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    if (!h.iptables || !h.routes || !h.addrs) continue;
    const th = traceHostWith(s, h, h.iptables);
    const pod = podProbes(s, h, th).probes.find((p) => p.direction === 'egress');
    if (!pod) continue;
    const result = simulate(th, { ...pod.input, dst: clusterIP, proto: 'udp', dport: 53 });
    const rejected = result.branches.find((b) => b.fate.kind === 'rejected');
    const st = rejected && decidingStep(rejected);
    const ev =
      st &&
      stepEvidence(
        s,
        h.iptables.ref,
        st,
        `traced on ${h.node}: a pod's DNS query ${pod.input.src} -> ${clusterIP}:53/udp is rejected here`,
      );
    if (ev) out.push(ev);
    if (out.length >= 2) break;
  }
  return out;
}

export const kubeDnsNoEndpoints: Rule = {
  id: 'DNS-406',
  slug: 'kube-dns-no-endpoints',
  layer: 'dns',
  severity: 'critical',
  title: 'kube-dns Service has no ready endpoints',
  needs: ['cluster.services', 'cluster.endpoints', 'cluster.endpointslices', 'host.iptables-save'],
  docs: {
    why: 'Pods resolve names through the kube-dns ClusterIP. Without a ready endpoint kube-proxy rejects the traffic (iptables REJECT "has no endpoints"), so every DNS lookup in the cluster fails at once. The cause is almost always below: CoreDNS pods not Ready (DNS-401) and why.',
    fix: 'Make CoreDNS pods Ready again (see the finding that explains this one); the endpoints follow automatically.',
  },
  messages: {
    'no-endpoints': 'kube-dns has no ready endpoints ({notReady} not ready)',
    ok: 'kube-dns has {ready} ready endpoints',
  },
  decidesFrom: [
    ['cluster.services', 'cluster.endpoints'],
    ['cluster.services', 'cluster.endpointslices'],
  ],
  run(s) {
    // Endpoints, or the EndpointSlices that replace them (kubectl get endpoints is deprecated in 1.33)
    const slicesOnly = !s.cluster.endpoints && s.cluster.endpointSlices !== undefined;
    const missing = [
      ...(s.cluster.services ? [] : ['cluster.services']),
      ...(s.cluster.endpoints || slicesOnly ? [] : ['cluster.endpoints']),
    ];
    if (missing.length) return [missingInputs(subject, missing)];
    const svc = kubeDnsService(s);
    if (!svc) return [];
    const key = `${svc.obj.metadata.namespace ?? 'kube-system'}/${svc.obj.metadata.name}`;
    const svcSubject = { ...kubeDnsSubject, name: svc.obj.metadata.name };
    if (slicesOnly) return [fromSlices(s, svc, key, svcSubject)];
    const ep = s.index.endpointsByService.get(key);
    const ready = ep ? readyCount(ep.obj) : 0;
    if (ready > 0)
      return [{ status: 'pass', subject: svcSubject, messageId: 'ok', data: { ready }, basis: basisOf(svc, ep) }];
    const clusterIP = svc.obj.spec.clusterIP && svc.obj.spec.clusterIP !== 'None' ? svc.obj.spec.clusterIP : undefined;
    const evidence: EvidenceRef[] = [
      ep
        ? objectEvidence(
            ep,
            (ep.obj.subsets?.length ?? 0) > 0 ? '/subsets' : '',
            'kube-dns Endpoints without ready addresses',
          )
        : objectEvidence(svc, '/spec/selector', 'kube-dns selector (no Endpoints object)'),
      ...(clusterIP ? tracedRejects(s, clusterIP) : []),
    ];
    return [
      {
        status: 'fail',
        subject: svcSubject,
        messageId: 'no-endpoints',
        data: { notReady: ep ? notReadyCount(ep.obj) : 0 },
        evidence,
        remediation: {
          explanation: 'The endpoints come back once CoreDNS pods are Ready; find out why they are not.',
          commands: [
            'kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide',
            'kubectl -n kube-system describe endpoints kube-dns',
            'kubectl -n kube-system describe pod -l k8s-app=kube-dns',
          ],
        },
      },
    ];
  },
};

/** the kube-dns EndpointSlices: ready endpoints (conditions.ready unset counts as ready, as kube-proxy reads it) */
function fromSlices(s: Snapshot, svc: Located<Service>, key: string, subject: Subject): Report {
  const slices = s.index.endpointSlicesByService.get(key) ?? [];
  const eps = slices.flatMap((sl) => sl.obj.endpoints ?? []);
  const ready = eps.filter((e) => e.conditions?.ready !== false).reduce((n, e) => n + e.addresses.length, 0);
  if (ready > 0) return { status: 'pass', subject, messageId: 'ok', data: { ready }, basis: basisOf(svc, slices) };
  const clusterIP = svc.obj.spec.clusterIP && svc.obj.spec.clusterIP !== 'None' ? svc.obj.spec.clusterIP : undefined;
  const evidence: EvidenceRef[] = [
    slices[0]
      ? objectEvidence(
          slices[0],
          (slices[0].obj.endpoints?.length ?? 0) > 0 ? '/endpoints' : '',
          'kube-dns EndpointSlice without ready endpoints',
        )
      : objectEvidence(svc, '/spec/selector', 'kube-dns selector (no EndpointSlice)'),
    ...(clusterIP ? tracedRejects(s, clusterIP) : []),
  ];
  return {
    status: 'fail',
    subject,
    messageId: 'no-endpoints',
    data: { notReady: eps.length },
    evidence,
    remediation: {
      explanation: 'The endpoints come back once CoreDNS pods are Ready; find out why they are not.',
      commands: [
        'kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide',
        'kubectl -n kube-system get endpointslices -l kubernetes.io/service-name=kube-dns -o yaml',
        'kubectl -n kube-system describe pod -l k8s-app=kube-dns',
      ],
    },
  };
}
