// DNS-410: pods isolated for egress by a NetworkPolicy whose rules allow no DNS to CoreDNS. The
// classic "default deny egress" policy without the DNS exception breaks every name lookup in the
// namespace; the classic failed fix allows an ipBlock around the kube-dns ClusterIP, which cannot
// work: kube-proxy rewrites the ClusterIP to a CoreDNS pod address before the policy sees the packet,
// so the rule must name the CoreDNS pods (namespaceSelector kube-system + podSelector k8s-app=kube-dns)
// or their addresses.
// Decided by the evaluator in analyzer/trace/policy.ts, per group of pods with the same namespace and
// labels (bounded: at most MAX_GROUPS groups), for 53/udp and 53/tcp to every CoreDNS pod.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import type { Pod, Service } from '../../model/schemas.js';
import type { Located, Snapshot } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { ipInCidr } from '../../model/net.js';
import { enforcementEvidence, policyEnforcement } from '../../model/network-policy-enforcement.js';
import { egressRules, type NetworkPolicy } from '../../model/network-policy.js';
import { evaluatePolicy, policiesSelecting, policyName, type PolicyEndpoint } from '../../trace/policy.js';
import { basisOf, CLUSTER, missingInputs } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { kubeDnsService } from './corefile.js';

/** distinct (namespace, labels) groups evaluated; beyond it the rule says what it did not check */
export const MAX_GROUPS = 2000;

/** pods that resolve through cluster DNS: not host-network, not dnsPolicy Default, with an address */
function dnsClients(s: Snapshot): Located<Pod>[] {
  return (s.cluster.pods ?? []).filter(
    (p) =>
      !p.obj.spec?.hostNetwork &&
      p.obj.spec?.dnsPolicy !== 'Default' &&
      p.obj.status?.podIP !== undefined &&
      (p.obj.status.phase ?? 'Running') === 'Running',
  );
}

/** an egress ipBlock that holds the kube-dns ClusterIP: the JSON pointer of the first one */
function clusterIpBlock(p: Located<NetworkPolicy>, clusterIP: string | undefined): string | undefined {
  if (!clusterIP) return undefined;
  for (const [i, r] of egressRules(p.obj).entries())
    for (const [j, peer] of (r.peers ?? []).entries())
      if (peer.ipBlock && ipInCidr(clusterIP, peer.ipBlock.cidr)) return `/spec/egress/${i}/to/${j}/ipBlock`;
  return undefined;
}

interface Group {
  readonly pods: Located<Pod>[];
}

export const defaultDenyEgressBlocksDns: Rule = {
  id: 'DNS-410',
  slug: 'default-deny-egress-blocks-dns',
  layer: 'dns',
  severity: 'critical',
  title: 'NetworkPolicy egress isolation blocks DNS to CoreDNS',
  needs: ['cluster.networkpolicies', 'cluster.pods', 'cluster.services', 'cluster.daemonsets', 'cluster.namespaces'],
  docs: {
    why: 'A NetworkPolicy with policyTypes Egress isolates the pods it selects: from then on they may open only the connections some egress rule allows. A "default deny egress" policy without a DNS exception therefore stops every name lookup of those pods, and applications fail with "could not resolve host" while the network looks healthy. Policies see the packet after kube-proxy has rewritten the kube-dns ClusterIP to a CoreDNS pod address, so an ipBlock around the ClusterIP (a common attempt at a fix) allows nothing.',
    fix: 'Add an egress rule that allows 53/udp and 53/tcp to the CoreDNS pods: `to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]`.',
  },
  messages: {
    blocked:
      '{pods} pod(s) of namespace {namespace} cannot reach CoreDNS on 53/udp: isolated for egress by {policies}, and no egress rule allows it',
    'blocked-clusterip':
      '{pods} pod(s) of namespace {namespace} cannot reach CoreDNS on 53/udp: {policies} allows the kube-dns ClusterIP {clusterIP} by ipBlock, but policies see the CoreDNS pod address after kube-proxy rewrote it',
    partial:
      '{pods} pod(s) of namespace {namespace} reach {allowed} of {endpoints} CoreDNS pods on 53/udp ({policies}): lookups fail whenever kube-proxy picks another',
    'tcp-blocked':
      '{pods} pod(s) of namespace {namespace} may use 53/udp but not 53/tcp to CoreDNS ({policies}): answers too large for UDP fail',
    'not-enforced':
      '{pods} pod(s) of namespace {namespace} would be cut off from DNS by {policies}, but {enforcer} does not enforce NetworkPolicy: it breaks the day a policy-enforcing CNI is installed',
    undetermined: 'cannot tell whether {policies} lets pods of namespace {namespace} reach CoreDNS: {why}',
    'too-many':
      'checked the first {checked} groups of pods alike (same namespace and labels); {skipped} more not checked',
    ok: 'no NetworkPolicy keeps a pod from CoreDNS ({isolated} pod(s) isolated for egress, {pods} pod(s) checked)',
  },
  decidesFrom: [['cluster.networkpolicies', 'cluster.pods', 'cluster.services']],
  run(s) {
    const missing = [
      ...(s.cluster.networkPolicies ? [] : ['cluster.networkpolicies']),
      ...(s.cluster.pods ? [] : ['cluster.pods']),
      ...(s.cluster.services ? [] : ['cluster.services']),
    ];
    if (missing.length) return [missingInputs(CLUSTER, missing)];
    const svc = kubeDnsService(s);
    if (!svc) return [];
    const coredns = s.index.podsSelectedBy(`kube-system/${svc.obj.metadata.name}`).filter((p) => p.obj.status?.podIP);
    if (coredns.length === 0)
      return [
        missingInputs({ kind: 'service', namespace: 'kube-system', name: svc.obj.metadata.name }, ['cluster.pods']),
      ];
    const clients = dnsClients(s);
    const groups = new Map<string, Group>();
    let isolated = 0;
    for (const p of clients) {
      if (policiesSelecting(s, p, 'egress').selecting.length === 0) continue;
      isolated++;
      const k = `${p.obj.metadata.namespace ?? 'default'}\u0000${JSON.stringify(Object.entries(p.obj.metadata.labels ?? {}).sort())}`;
      const g = groups.get(k);
      if (g) g.pods.push(p);
      else groups.set(k, { pods: [p] });
    }
    const enforcement = policyEnforcement(s);
    const clusterIP = svc.obj.spec.clusterIP && svc.obj.spec.clusterIP !== 'None' ? svc.obj.spec.clusterIP : undefined;
    const byNamespace = new Map<string, Report>();
    let checked = 0;
    for (const g of groups.values()) {
      if (checked >= MAX_GROUPS) break;
      checked++;
      const r = judgeGroup(s, g, svc, coredns, clusterIP, enforcement);
      const ns = g.pods[0]!.obj.metadata.namespace ?? 'default';
      const prev = byNamespace.get(ns);
      // one finding per namespace: the worst group decides, pods add up when they fail alike
      if (!r) continue;
      if (!prev || RANK[r.status] > RANK[prev.status]) byNamespace.set(ns, r);
      else if (prev.messageId === r.messageId)
        byNamespace.set(ns, { ...prev, data: { ...prev.data, pods: Number(prev.data?.pods) + Number(r.data?.pods) } });
    }
    const out = [...byNamespace.values()];
    if (groups.size > MAX_GROUPS) {
      // not a verdict on those pods: a warning (info) that the check stopped, citing the first pod it skipped
      const first = [...groups.values()][MAX_GROUPS]!.pods[0]!;
      out.push({
        status: 'warn',
        severity: 'info',
        subject: CLUSTER,
        messageId: 'too-many',
        data: { checked: MAX_GROUPS, skipped: groups.size - MAX_GROUPS },
        evidence: [objectEvidence(first, '/metadata/labels', 'the first pod not checked')],
      });
    }
    if (out.length === 0)
      out.push({
        status: 'pass',
        subject: CLUSTER,
        messageId: 'ok',
        data: { isolated, pods: clients.length },
        basis: basisOf(s.cluster.networkPolicies, s.cluster.pods, svc),
      });
    return out;
  },
};

const ev = (e: EvidenceRef | undefined): EvidenceRef[] => (e ? [e] : []);

const RANK: Record<Report['status'], number> = { pass: 0, unknown: 1, warn: 2, fail: 3 };

function judgeGroup(
  s: Snapshot,
  g: Group,
  dns: Located<Service>,
  coredns: readonly Located<Pod>[],
  clusterIP: string | undefined,
  enforcement: ReturnType<typeof policyEnforcement>,
): Report | undefined {
  const pod = g.pods[0]!;
  const ns = pod.obj.metadata.namespace ?? 'default';
  const src: PolicyEndpoint = { ip: pod.obj.status!.podIP!, pod };
  const to = (proto: 'udp' | 'tcp') =>
    coredns.map((d) => evaluatePolicy(s, { src, dst: { ip: d.obj.status!.podIP!, pod: d }, proto, port: 53 }).egress);
  const udp = to('udp');
  const tcp = to('tcp');
  const selecting = policiesSelecting(s, pod, 'egress').selecting;
  const policies = selecting.map(policyName).join(', ');
  const subject: Subject = { kind: 'pod', namespace: ns, name: pod.obj.metadata.name };
  // the verdict rests on the policies, the pod (its labels select it) and the kube-dns Service (it names CoreDNS)
  const evidence: EvidenceRef[] = [
    ...selecting.slice(0, 3).map((p) => objectEvidence(p, '/spec', 'egress isolation')),
    objectEvidence(pod, '/metadata/labels', 'the pod the policies select'),
    objectEvidence(dns, '/spec/selector', 'the kube-dns Service: its pods are CoreDNS'),
  ];
  const base = { namespace: ns, pods: g.pods.length, policies };
  // an undetermined verdict no collected source could settle (an unknown selector operator) is left out
  const unsure = [...udp, ...tcp].find((d) => d.verdict === 'undetermined' && d.needs.length > 0);
  if (unsure && unsure.verdict === 'undetermined')
    return {
      status: 'unknown',
      subject,
      messageId: 'undetermined',
      data: { namespace: ns, policies, why: unsure.why },
      missing: unsure.needs,
      evidence,
    };
  const udpOk = udp.filter((d) => d.verdict !== 'denied').length;
  const tcpOk = tcp.filter((d) => d.verdict !== 'denied').length;
  if (udpOk === coredns.length && tcpOk > 0) return undefined;
  if (enforcement === undefined) return missingInputs(subject, ['cluster.daemonsets']);
  const remediation = remedy(
    'Allow DNS to the CoreDNS pods in the egress rules of the policy (or a separate policy selecting the same pods).',
    [
      cmd`kubectl -n ${word('namespace', ns)} get networkpolicy -o yaml`,
      'kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide',
    ],
  );
  if (!enforcement.enforced)
    return {
      status: 'warn',
      subject,
      messageId: 'not-enforced',
      data: { ...base, enforcer: enforcement.by },
      evidence: [
        ...evidence,
        ...ev(enforcementEvidence(s, enforcement, 'the CNI, which does not enforce NetworkPolicy')),
      ],
      remediation,
    };
  if (udpOk === 0) {
    const viaClusterIp = selecting
      .map((p) => ({ p, at: clusterIpBlock(p, clusterIP) }))
      .find((x) => x.at !== undefined);
    return {
      status: 'fail',
      subject,
      messageId: viaClusterIp ? 'blocked-clusterip' : 'blocked',
      data: viaClusterIp ? { ...base, clusterIP: clusterIP! } : base,
      evidence: viaClusterIp
        ? [objectEvidence(viaClusterIp.p, viaClusterIp.at, 'ipBlock around the ClusterIP'), ...evidence]
        : evidence,
      remediation,
    };
  }
  if (udpOk < coredns.length)
    return {
      status: 'warn',
      subject,
      messageId: 'partial',
      data: { ...base, allowed: udpOk, endpoints: coredns.length },
      evidence,
      remediation,
    };
  return { status: 'warn', subject, messageId: 'tcp-blocked', data: base, evidence, remediation };
}
