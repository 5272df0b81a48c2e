// NET-231: a Service whose backend pods are isolated for ingress by NetworkPolicies that let no pod
// of the cluster reach them on the Service's target port. The Service has ready endpoints and kube-proxy
// programs it, so everything looks healthy while every connection from a client pod times out
// (Calico and Cilium drop, they do not reject). Typical causes: a `from` podSelector whose labels no
// client has (app=frontend against pods labelled role=frontend), a namespaceSelector on a label the
// client namespace lacks, a port given as the Service port instead of the container's targetPort.
// Clients are the cluster's own pods, one per group with the same namespace and labels; an ingress
// rule for the port that admits an ipBlock or every peer counts as reachable (clients outside the
// cluster). Not enforced (flannel alone): nothing is blocked today, NET-230 says why.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import type { Pod, Service } from '../../model/schemas.js';
import type { Located, Snapshot } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { policyEnforcement } from '../../model/network-policy-enforcement.js';
import { ingressRules } from '../../model/network-policy.js';
import { evaluatePolicy, policiesSelecting, policyName, type PolicyEndpoint } from '../../trace/policy.js';
import type { Proto } from '../../trace/types.js';
import { basisOf, CLUSTER, missingInputs } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';

/** policy evaluations one run may make; past it the rule says what it did not check */
export const MAX_EVALUATIONS = 200_000;

const running = (p: Located<Pod>) =>
  !p.obj.spec?.hostNetwork && p.obj.status?.podIP !== undefined && (p.obj.status.phase ?? 'Running') === 'Running';

/** one pod per (namespace, labels): pods alike are treated alike by every selector */
function clientGroups(s: Snapshot): Located<Pod>[] {
  const seen = new Map<string, Located<Pod>>();
  for (const p of s.cluster.pods ?? []) {
    if (!running(p)) continue;
    const k = `${p.obj.metadata.namespace ?? 'default'}\u0000${JSON.stringify(Object.entries(p.obj.metadata.labels ?? {}).sort())}`;
    if (!seen.has(k)) seen.set(k, p);
  }
  return [...seen.values()];
}

/** the container port a Service port reaches on this pod */
function targetPortOn(pod: Located<Pod>, port: NonNullable<Service['spec']['ports']>[number]): number | undefined {
  const t = port.targetPort ?? port.port;
  if (typeof t === 'number') return t;
  const proto = port.protocol ?? 'TCP';
  for (const c of pod.obj.spec?.containers ?? [])
    for (const cp of c.ports ?? []) if (cp.name === t && (cp.protocol ?? 'TCP') === proto) return cp.containerPort;
  return undefined;
}

export const networkPolicyBlocksService: Rule = {
  id: 'NET-231',
  slug: 'network-policy-blocks-service',
  layer: 'network',
  severity: 'critical',
  title: 'NetworkPolicy ingress lets no pod reach a Service',
  needs: ['cluster.networkpolicies', 'cluster.services', 'cluster.pods', 'cluster.daemonsets', 'cluster.namespaces'],
  docs: {
    why: "A NetworkPolicy that selects a Service's backend pods for ingress allows only what its rules name. When no client pod of the cluster matches any rule for the Service's target port, every connection to the Service is dropped by the CNI although its endpoints are ready and kube-proxy's rules are right. Policies see the container's targetPort after DNAT, not the Service port, and select clients by labels: a wrong label or port in the rule is enough.",
    fix: "Correct the `from` selectors (labels the clients really carry, a namespaceSelector the client namespace matches) and use the container's targetPort in `ports`.",
  },
  messages: {
    'no-clients':
      'no pod of the cluster may reach {port}/{proto} of the {backends} backend pod(s): isolated for ingress by {policies}, and no rule admits any of {clients} client group(s)',
    undetermined: 'cannot tell whether {policies} admits clients on {port}/{proto}: {why}',
    'too-many': 'checked {checked} policy evaluations; {services} Service(s) not checked',
    ok: 'every Service with policy-isolated backends admits some client ({services} checked)',
  },
  decidesFrom: [['cluster.networkpolicies', 'cluster.services', 'cluster.pods']],
  run(s) {
    const missing = [
      ...(s.cluster.networkPolicies ? [] : ['cluster.networkpolicies']),
      ...(s.cluster.services ? [] : ['cluster.services']),
      ...(s.cluster.pods ? [] : ['cluster.pods']),
    ];
    if (missing.length) return [missingInputs(CLUSTER, missing)];
    const e = policyEnforcement(s);
    const out: Report[] = [];
    // grouped on first need: a pass over every pod's labels, wasted when no backend is isolated
    let clients: Located<Pod>[] | undefined;
    let budget = MAX_EVALUATIONS;
    let checked = 0;
    let skipped = 0;
    let firstSkipped: Located<Service> | undefined;
    // no NetworkPolicy isolates any pod: every Service's backends would be checked to find none
    const services = s.cluster.networkPolicies?.length ? (s.cluster.services ?? []) : [];
    for (const svc of services) {
      const key = `${svc.obj.metadata.namespace ?? 'default'}/${svc.obj.metadata.name}`;
      const backends = s.index.podsSelectedBy(key).filter(running);
      const isolated = backends.filter((b) => policiesSelecting(s, b, 'ingress').selecting.length > 0);
      if (isolated.length === 0) continue;
      if (budget <= 0) {
        skipped++;
        firstSkipped ??= svc;
        continue;
      }
      checked++;
      if (e && !e.enforced) continue;
      clients ??= clientGroups(s);
      for (const port of svc.obj.spec.ports ?? []) {
        const r = judgePort(s, svc, port, isolated, clients, backends);
        budget -= isolated.length * clients.length;
        if (r) out.push(e ? r : missingInputs(r.subject, ['cluster.daemonsets']));
        if (r) break; // one finding per Service: the first port that nobody reaches
      }
    }
    if (firstSkipped)
      // not a verdict on those Services: a warning (info) that the check stopped, citing the first it skipped
      out.push({
        status: 'warn',
        severity: 'info',
        subject: CLUSTER,
        messageId: 'too-many',
        data: { checked: MAX_EVALUATIONS, services: skipped },
        evidence: [objectEvidence(firstSkipped, '/spec/selector', 'the first Service not checked')],
      });
    if (out.length === 0)
      out.push({
        status: 'pass',
        subject: CLUSTER,
        messageId: 'ok',
        data: { services: checked },
        basis: basisOf(s.cluster.networkPolicies, s.cluster.services, s.cluster.pods),
      });
    return out;
  },
};

function judgePort(
  s: Snapshot,
  svc: Located<Service>,
  port: NonNullable<Service['spec']['ports']>[number],
  isolated: readonly Located<Pod>[],
  clients: readonly Located<Pod>[],
  backends: readonly Located<Pod>[],
): Report | undefined {
  const proto = (port.protocol ?? 'TCP').toLowerCase() as Proto;
  const subject: Subject = {
    kind: 'service',
    namespace: svc.obj.metadata.namespace ?? 'default',
    name: svc.obj.metadata.name,
  };
  const others = clients.filter((c) => !backends.includes(c));
  if (others.length === 0) return undefined;
  const selecting = new Map<string, ReturnType<typeof policiesSelecting>['selecting'][number]>();
  let unsure: { why: string; needs: readonly string[] } | undefined;
  for (const b of isolated) {
    const target = targetPortOn(b, port);
    if (target === undefined) return undefined; // SVC rules report a targetPort no container has
    const sel = policiesSelecting(s, b, 'ingress').selecting;
    for (const p of sel) selecting.set(policyName(p), p);
    // clients outside the cluster: a rule for this port with an ipBlock, or with no `from` at all
    if (
      sel.some((p) => ingressRules(p.obj).some((r) => (r.peers ?? []).length === 0 || r.peers!.some((x) => x.ipBlock)))
    )
      return undefined;
    const dst: PolicyEndpoint = { ip: b.obj.status!.podIP!, pod: b };
    for (const c of others) {
      const d = evaluatePolicy(s, { src: { ip: c.obj.status!.podIP!, pod: c }, dst, proto, port: target }).ingress;
      if (d.verdict === 'allowed' || d.verdict === 'not-isolated') return undefined;
      // an undetermined verdict no collected source could settle (an unknown selector operator) is left out
      if (d.verdict === 'undetermined' && d.needs.length > 0) unsure ??= { why: d.why, needs: d.needs };
    }
  }
  const policies = [...selecting.keys()].join(', ');
  const evidence: EvidenceRef[] = [
    ...[...selecting.values()].slice(0, 3).map((p) => objectEvidence(p, '/spec', 'ingress isolation of the backends')),
    objectEvidence(svc, '/spec/selector', 'the Service and its backends'),
    // the pods decided it too: the backends the selector picks and the clients tried
    objectEvidence(isolated[0]!, '/metadata/labels', 'a backend pod isolated for ingress'),
  ];
  const data = { port: port.port, proto: proto.toUpperCase(), policies };
  if (unsure)
    return {
      status: 'unknown',
      subject,
      messageId: 'undetermined',
      data: { ...data, why: unsure.why },
      missing: unsure.needs,
      evidence,
    };
  return {
    status: 'fail',
    subject,
    messageId: 'no-clients',
    data: { ...data, backends: isolated.length, clients: others.length },
    evidence,
    remediation: remedy(
      "Make a rule of the policy admit the Service's clients: check the `from` selectors against the clients' labels and namespace, and that `ports` names the container's targetPort.",
      [
        cmd`kubectl -n ${word('namespace', subject.namespace!)} get networkpolicy -o yaml`,
        cmd`kubectl -n ${word('namespace', subject.namespace!)} get pods --show-labels`,
      ],
    ),
  };
}
