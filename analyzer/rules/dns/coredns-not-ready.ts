// DNS-401: CoreDNS pods not Ready or crash-looping. A NotReady pod is removed from kube-dns's
// endpoints (DNS-406); its Pod IP still answers ping, so "cannot ping the CoreDNS pod" needs
// another cause (the article treats the two as one).
import type { EvidenceRef, Report, Rule } from '../types.js';
import { objectEvidence } from '../../model/evidence.js';
import type { Snapshot } from '../../model/types.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import {
  corednsDeployment,
  corednsLogs,
  corednsPods,
  logLineEvidence,
  podName,
  podTrouble,
  podTroubleEvidence,
  searchLogs,
  type LogHit,
} from '../lib/cluster.js';
import { COREDNS_LOG_SOURCE, corednsDeploymentSubject } from './corefile.js';
import {
  API_FAILURE,
  COREFILE_REJECTED,
  KLOG_EXIT,
  LOOP_FATAL,
  READY_WAITING,
  RELOAD_REJECTED,
} from './coredns-log.js';
import { cmd, remedy, word } from '../../text/shell.js';

/**
 * log lines that say why CoreDNS is not ready: upstream errors, loop, waiting plugins, fatal, a rejected Corefile, the
 * API
 */
const WHY_LINE =
  /\[(ERROR|FATAL)\]|plugin\/ready: Still waiting on|Error during parsing|Failed to list|Kubernetes API connection failure|log: exiting because of error/;
const MAX_LOG_EVIDENCE = 3;
/** "Still waiting" lines a normal start may print before the kubernetes plugin syncs; more mean it never did */
const WAITING_AT_START = 2;
const subject = corednsDeploymentSubject;

/**
 * With no pod list, the Deployment's status says Ready: every wanted replica counted ready. Fewer
 * is left to the pod list (a rollout in progress also counts short).
 */
function fromDeployment(s: Snapshot): Report | undefined {
  const dep = corednsDeployment(s);
  const replicas = dep?.obj.spec.replicas;
  if (!dep || !replicas || dep.obj.status?.readyReplicas !== replicas) return undefined;
  return { status: 'pass', subject, messageId: 'ok-deployment', data: { total: replicas }, basis: basisOf(dep) };
}

/**
 * With no pod list, the logs alone: CoreDNS exits on a loop or a Corefile it cannot parse (the
 * kubelet then restarts it: a crash loop), and stays NotReady while the ready plugin keeps waiting.
 * A log without those lines is no pass: readiness (the probe, the endpoints) is not in the log, so
 * the pass needs the pod list or the Deployment's status.
 */
function fromLogs(s: Snapshot): Report | undefined {
  const logs = corednsLogs(s);
  if (logs.length === 0) return undefined;
  // a refused reload keeps CoreDNS running on the previous Corefile: not an exit
  const exits = [
    ...searchLogs(logs, LOOP_FATAL),
    ...searchLogs(logs, COREFILE_REJECTED).filter((h) => !RELOAD_REJECTED.test(h.line.raw)),
    ...searchLogs(logs, KLOG_EXIT),
  ];
  const waiting = searchLogs(logs, READY_WAITING);
  const api = searchLogs(logs, API_FAILURE);
  const stuck = waiting.length > WAITING_AT_START || (waiting.length > 0 && api.length > 0);
  if (exits.length === 0 && !stuck) return undefined;
  const hits: LogHit[] = exits.length > 0 ? exits : [...waiting.slice(0, 1), ...api.slice(0, 2)];
  const pods = [...new Set(hits.map((h) => h.pod))].sort().join(', ');
  return {
    status: 'fail',
    subject,
    messageId: exits.length > 0 ? 'log-exits' : 'log-waiting',
    data: {
      pods,
      ...(waiting[0] ? { plugin: waiting[0].match[1] as string } : {}),
      ...(api[0] ? { error: api[0].match[1] as string } : {}),
    },
    evidence: hits.slice(0, MAX_LOG_EVIDENCE).map((h) => logLineEvidence(h, `${h.pod} log`)),
    remediation: {
      explanation:
        exits.length > 0
          ? 'CoreDNS exits at start (see the log line); the kubelet restarts it in a loop. Fix the cause named in the line, then restart CoreDNS.'
          : "The ready plugin waits for the kubernetes plugin, which cannot sync with the API server: check that pods on the CoreDNS nodes reach the kubernetes Service ClusterIP (kube-proxy, CNI, firewall) and that CoreDNS's RBAC allows list/watch.",
      commands: [
        'kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide',
        'kubectl -n kube-system logs -l k8s-app=kube-dns --previous',
        'kubectl get endpoints kubernetes',
      ],
    },
  };
}

export const corednsNotReady: Rule = {
  id: 'DNS-401',
  slug: 'coredns-not-ready',
  layer: 'dns',
  severity: 'critical',
  title: 'CoreDNS pods are not Ready or are crash-looping',
  needs: ['cluster.pods', 'cluster.deployments', COREDNS_LOG_SOURCE],
  docs: {
    why: "Only Ready CoreDNS pods are endpoints of the kube-dns Service; when none is Ready every pod's DNS lookups fail. Crash loops (e.g. the loop plugin exiting on a forwarding loop) and failing readiness probes are the usual reasons; the pod's events and logs say which.",
    fix: 'Read `kubectl -n kube-system describe pod -l k8s-app=kube-dns` and the logs (also --previous), fix the cause the other findings name, then `kubectl -n kube-system rollout restart deployment coredns`.',
  },
  messages: {
    'not-ready': '{notReady} of {total} CoreDNS pods are not Ready ({pods})',
    'crash-looping': '{notReady} of {total} CoreDNS pods are not Ready ({pods}); {crashLooping} crash-looping',
    'no-pods': 'the CoreDNS Deployment wants {replicas} replicas but no CoreDNS pod exists',
    'log-exits': 'CoreDNS exits at start according to its logs ({pods})',
    'log-waiting': 'CoreDNS stays NotReady: the ready plugin keeps waiting on {plugin} ({pods})',
    ok: 'all {total} CoreDNS pods are Ready',
    'ok-deployment': 'the CoreDNS Deployment counts all {total} replicas Ready (no pod list)',
  },
  decidesFrom: [['cluster.pods'], ['cluster.deployments'], [COREDNS_LOG_SOURCE]],
  explains: [{ rule: 'DNS-406', match: 'cluster' }],
  run(s) {
    if (!s.cluster.pods) return [fromLogs(s) ?? fromDeployment(s) ?? missingInputs(subject, ['cluster.pods'])];
    const pods = corednsPods(s);
    const dep = corednsDeployment(s);
    if (pods.length === 0) {
      const replicas = dep?.obj.spec.replicas ?? 0;
      if (!dep || replicas === 0) return [];
      return [
        {
          status: 'fail',
          subject,
          messageId: 'no-pods',
          data: { replicas },
          evidence: [objectEvidence(dep, '/status', 'Deployment status')],
          remediation: {
            explanation:
              'The Deployment has no pods: look at its ReplicaSet events for why pods are not created (quota, admission, scheduling).',
            commands: [
              'kubectl -n kube-system describe deployment coredns',
              'kubectl -n kube-system get events --field-selector involvedObject.kind=ReplicaSet',
            ],
          },
        },
      ];
    }
    const bad = pods
      .map((p) => ({ p, t: podTrouble(p.obj) }))
      .filter(({ t }) => !t.ready || t.crashLooping || t.phase !== 'Running');
    if (bad.length === 0)
      return [{ status: 'pass', subject, messageId: 'ok', data: { total: pods.length }, basis: basisOf(pods) }];
    const crashLooping = bad.filter(({ t }) => t.crashLooping).length;
    const badNames = new Set(bad.map(({ p }) => podName(p)));
    const logHits = searchLogs(
      corednsLogs(s).filter((l) => badNames.has(l.pod)),
      WHY_LINE,
    );
    const evidence: EvidenceRef[] = [
      ...bad.flatMap(({ p, t }) => podTroubleEvidence(p, t)),
      ...logHits.slice(0, MAX_LOG_EVIDENCE).map((h) => logLineEvidence(h, `${h.pod} log`)),
    ];
    const first = podName(bad[0]!.p);
    const report: Report = {
      status: 'fail',
      subject,
      messageId: crashLooping > 0 ? 'crash-looping' : 'not-ready',
      data: {
        notReady: bad.length,
        total: pods.length,
        pods: bad.map(({ p, t }) => `${podName(p)}${t.reason ? ` ${t.reason}` : ''}`).join(', '),
        crashLooping,
        nodes: [...new Set(bad.map(({ p }) => p.obj.spec?.nodeName).filter((n): n is string => !!n))].sort().join(','),
      },
      evidence,
      remediation: remedy(
        'Find why the pods are not Ready (probe failures and errors in the logs), fix that cause, then restart CoreDNS.',
        [
          cmd`kubectl -n kube-system describe pod ${word('pod', first)}`,
          cmd`kubectl -n kube-system logs ${word('pod', first)} --previous`,
          'kubectl -n kube-system rollout restart deployment coredns',
        ],
      ),
    };
    return [report];
  },
};
