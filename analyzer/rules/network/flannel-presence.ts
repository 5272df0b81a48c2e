// Does this cluster run flannel, and how? Every network rule asks before judging flannel, so the
// answer comes from every place that shows it: the shared fact (s.derived.components), the
// kube-flannel ConfigMap, flannel or canal pods and DaemonSets, the flannel.alpha.coreos.com/*
// annotations flannel writes on each Node it leases a subnet to (k3s and RKE2 run flannel inside
// their own binary, with no pod at all), a node's /run/flannel/subnet.env, a flannel.<VNI> device,
// a CNI config of type flannel, and flannel logs. "Not deployed" is a verdict too: it needs a
// collected pod or DaemonSet list AND a place the embedded signs would show (the node list or a
// host's links) holding none of them.
import type { DeploymentStyle, FileRef, HostState, Located, Snapshot, Sourced } from '../../model/types.js';
import type { LogLine } from '../../parse/types.js';
import type { KubeNode, Pod } from '../../model/schemas.js';
import type { EvidenceRef, Report } from '../types.js';
import { escapePointerToken, objectEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, clusterFile } from '../lib/reports.js';
import { hostLinks, isFlannelPod, jsonEvidence, lineAt, seenEvidence } from '../lib/host.js';
import { partialListReport } from '../lib/evidence-limits.js';
import { coversComponent, listCoverage, type ListCoverage } from '../../model/coverage.js';

export const FLANNEL_ANNOTATION = 'flannel.alpha.coreos.com/';

export interface FlannelPresence {
  /** in-use: something shows flannel here; absent: the collected lists show it is not; unknown: cannot tell */
  readonly state: 'in-use' | 'absent' | 'unknown';
  /** how it runs when in use: pods of a DaemonSet, embedded in k3s/RKE2, or not known (a systemd flanneld...) */
  readonly style?: DeploymentStyle;
  /** the files the answer rests on */
  readonly basis: readonly FileRef[];
  /** where flannel shows (in-use only), the first few */
  readonly evidence: readonly EvidenceRef[];
  /** the sources that would decide it (unknown only) */
  readonly missing: readonly string[];
  /** unknown only: the workload list that shows no flannel but holds only some namespaces or objects */
  readonly partial?: ListCoverage;
}

/** a flannel container in any pod: kube-flannel DaemonSet pods, canal / rke2-canal pods */
export function runsFlannel(p: Pod): boolean {
  return isFlannelPod(p) || (p.spec?.containers ?? []).some((c) => c.name === 'kube-flannel' || c.name === 'flannel');
}

/** a flannel.<VNI> (vxlan) or flannel-wg (wireguard) device */
export function flannelLinkName(name: string): boolean {
  return /^flannel(?:[.-]|-v6\.)/.test(name);
}

export function flannelAnnotation(n: KubeNode): string | undefined {
  return Object.keys(n.metadata.annotations ?? {}).find((k) => k.startsWith(FLANNEL_ANNOTATION));
}

/** k3s/RKE2 nodes: the kubelet version suffix (+k3s1, +rke2r1) or the distribution's own annotations */
function embeddingDistribution(s: Snapshot): boolean {
  const d = s.derived.distribution?.value;
  if (d === 'k3s' || d === 'rke2') return true;
  return (s.cluster.nodes ?? []).some(
    (n) =>
      /\+(?:k3s|rke2)/.test(n.obj.status?.nodeInfo?.kubeletVersion ?? '') ||
      Object.keys(n.obj.metadata.annotations ?? {}).some((k) => k.startsWith('k3s.io/') || k.startsWith('rke2.io/')),
  );
}

function hostSigns(s: Snapshot, host: HostState): EvidenceRef[] {
  const out: EvidenceRef[] = [];
  const env = host.subnetEnv;
  if (env) {
    const first = [...env.value.vars.values()][0];
    const ev = first ? lineAt(s, env.ref, first.line, "flannel wrote this node's lease") : undefined;
    if (ev) out.push(ev);
  }
  const links = hostLinks(host);
  const link = links?.value.find((l) => flannelLinkName(l.ifname));
  if (links && link) {
    const ev = jsonEvidence(s, links.ref, `/${link.at}/ifname`, "flannel's overlay device");
    if (ev) out.push(ev);
  }
  for (const c of [...host.cni, ...(host.distroCni ?? [])]) {
    const i = c.value.plugins.findIndex((p) => p.type === 'flannel');
    if (i < 0) continue;
    const pointer = s.files.pointer(c.ref, '/plugins') === undefined ? '/type' : `/plugins/${i}/type`;
    const ev = jsonEvidence(s, c.ref, pointer, "the node's CNI config delegates to flannel");
    if (ev) out.push(ev);
  }
  return out;
}

/** journald units that carry flannel's own lines: flanneld itself, or the k3s/RKE2/microk8s process embedding it */
const FLANNEL_UNITS = /^(flanneld|snap\.microk8s\.daemon-flanneld|k3s|k3s-agent|rke2-server|rke2-agent)$/;

export interface FlannelLog {
  /** the node whose flannel wrote it: the pod's node, else the node of the bundle that holds it */
  readonly node: string;
  /** `ns/pod/container[.previous]` for a pod log, `journal/<unit>` for a journald unit */
  readonly key: string;
  readonly log: Sourced<readonly LogLine[]>;
  readonly pod?: string;
  readonly namespace?: string;
  readonly container?: string;
}

/**
 * k3s/RKE2 exit with their embedded flannel, taking the embedded kube-proxy down too: a flannel
 * failure read from such a journal explains SVC-301's "kube-proxy exited" for that unit and node.
 */
export const AGENT_EXIT_EXPLAINS: import('../types.js').Explains = {
  rule: 'SVC-301',
  match: (cause, symptom) =>
    cause.data?.['agent'] !== undefined &&
    cause.data['agent'] === symptom.data?.['unit'] &&
    cause.subject.name === (symptom.subject.node ?? symptom.subject.name),
};

/** the k3s/RKE2 unit a flannel log comes from, when the agent embeds it (journal/k3s -> k3s) */
export function embeddingAgent(l: FlannelLog): string | undefined {
  const unit = l.key.startsWith('journal/') ? l.key.slice('journal/'.length) : undefined;
  return unit && /^(k3s|k3s-agent|rke2-server|rke2-agent)$/.test(unit) ? unit : undefined;
}

/** every flannel log in the snapshot: flannel pod logs (kubectl or read from /var/log/pods) and journald units */
export function flannelLogs(s: Snapshot): readonly FlannelLog[] {
  let got = logsCache.get(s);
  if (!got) logsCache.set(s, (got = findFlannelLogs(s)));
  return got;
}

// Several rules ask (flannelPresence alone for a dozen): each answer is one pass over every pod and
// log, so it is found once per snapshot (read-only, like the snapshot)
const logsCache = new WeakMap<Snapshot, readonly FlannelLog[]>();
const presenceCache = new WeakMap<Snapshot, FlannelPresence>();

function findFlannelLogs(s: Snapshot): FlannelLog[] {
  const out: FlannelLog[] = [];
  // only the flannel logs are sorted (localeCompare over ~10,000 log keys at the envelope was most of the cost)
  const logs = [...s.cluster.logs]
    .filter(([key]) => /flannel/.test(key))
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([key, log]) => {
      const [ns = '', pod = '', container = ''] = key.replace(/\.previous$/, '').split('/');
      return { key, log, ns, pod, container };
    });
  // pods by namespace/name, the first of each: one find over 150,000 pods per flannel log was
  // quadratic at the envelope (5,000 logs: a quarter of the analysis at L in the bench profile);
  // only the namespaces the logs name are keyed (no key string for each of 150,000 pods)
  const namespaces = new Set(logs.map((l) => l.ns));
  let pods: Map<string, NonNullable<Snapshot['cluster']['pods']>[number]> | undefined;
  const podOf = (ns: string, name: string) => {
    if (!pods) {
      pods = new Map();
      for (const x of s.cluster.pods ?? []) {
        const namespace = x.obj.metadata.namespace;
        if (typeof namespace !== 'string' || !namespaces.has(namespace)) continue;
        const k = `${namespace}\u0000${x.obj.metadata.name}`;
        if (!pods.has(k)) pods.set(k, x);
      }
    }
    return pods.get(`${ns}\u0000${name}`);
  };
  for (const { key, log, ns, pod, container } of logs) {
    const p = podOf(ns, pod);
    const node = p?.obj.spec?.nodeName ?? s.bundles.find((b) => b.id === log.ref.bundle)?.node;
    if (node) out.push({ node, key, log, pod, namespace: ns, container });
  }
  for (const h of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    for (const [unit, log] of [...(h.journal ?? new Map<string, Sourced<readonly LogLine[]>>())].sort((a, b) =>
      a[0].localeCompare(b[0]),
    )) {
      if (
        FLANNEL_UNITS.test(unit) &&
        (unit.startsWith('flanneld') || unit.includes('flanneld') || log.value.some((l) => /flannel/i.test(l.raw)))
      )
        out.push({ node: h.node, key: `journal/${unit}`, log });
    }
  }
  return out;
}

/** Where flannel shows, how it runs, or why that cannot be told. */
export function flannelPresence(s: Snapshot): FlannelPresence {
  let got = presenceCache.get(s);
  if (!got) presenceCache.set(s, (got = findFlannelPresence(s)));
  return got;
}

function findFlannelPresence(s: Snapshot): FlannelPresence {
  const fact = s.derived.components.get('flannel');
  const direct = directPresence(s);
  if (fact && fact.value !== 'unknown') {
    const ev = seenEvidence(s, fact, `flannel: ${fact.value}`);
    const basis = [{ bundle: fact.at.bundle, path: fact.at.path }];
    // an explicit "--flannel-backend none" outweighs leftovers (annotations, flannel.1); a bare
    // "no DaemonSet" does not outweigh a sign on the nodes themselves
    if (fact.value === 'absent' && (direct.state !== 'in-use' || /flannel-backend/.test(fact.by)))
      return { state: 'absent', basis, evidence: [], missing: [] };
    if (fact.value !== 'absent')
      return {
        state: 'in-use',
        style: fact.value,
        basis: [...basis, ...direct.basis],
        evidence: ev ? [ev, ...direct.evidence].slice(0, 4) : direct.evidence,
        missing: [],
      };
  }
  return direct;
}

/** the answer from the sources themselves, without the shared fact */
function directPresence(s: Snapshot): FlannelPresence {
  const evidence: EvidenceRef[] = [];
  let daemonset = false;
  const netconf = s.cluster.flannelNetConf;
  if (netconf) {
    daemonset = true;
    const ev = s.derived.podCidr.flannel
      ? seenEvidence(s, s.derived.podCidr.flannel, "flannel's net-conf.json")
      : undefined;
    if (ev) evidence.push(ev);
  }
  const pod = (s.cluster.pods ?? []).find((p) => runsFlannel(p.obj));
  if (pod) {
    daemonset = true;
    evidence.push(objectEvidence(pod, '/metadata/name', 'a flannel pod'));
  }
  const ds = (s.cluster.daemonSets ?? []).find((d) => /flannel|canal/.test(d.obj.metadata.name));
  if (ds) {
    daemonset = true;
    evidence.push(objectEvidence(ds, '/metadata/name', 'the flannel DaemonSet'));
  }
  const annotated: Located<KubeNode> | undefined = (s.cluster.nodes ?? []).find(
    (n) => flannelAnnotation(n.obj) !== undefined,
  );
  if (annotated) {
    const key = flannelAnnotation(annotated.obj) as string;
    evidence.push(
      objectEvidence(
        annotated,
        `/metadata/annotations/${escapePointerToken(key)}`,
        'flannel leased this node a subnet',
      ),
    );
  }
  const hosts = [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node));
  for (const h of hosts) evidence.push(...hostSigns(s, h));
  // k3s's own net-conf.json (/var/lib/rancher/k3s/agent/etc/flannel): flannel embedded in the k3s agent
  const k3sConf = hosts.find((h) => h.k3sFlannelNetConf)?.k3sFlannelNetConf;
  if (k3sConf)
    evidence.push(
      ...[jsonEvidence(s, k3sConf.ref, '/Network', "k3s's embedded flannel config")].filter(
        (e): e is EvidenceRef => e !== undefined,
      ),
    );
  const logs = flannelLogs(s);
  if (logs.some((l) => l.pod !== undefined)) daemonset = true;
  const journal = logs.find((l) => l.pod === undefined);
  for (const l of logs.slice(0, 1)) {
    const first = l.log.value.find((x) => /flannel/i.test(x.raw)) ?? l.log.value[0];
    const ev = first ? lineAt(s, l.log.ref, first.line, 'a flannel log') : undefined;
    if (ev) evidence.push(ev);
  }
  if (evidence.length > 0 || logs.length > 0) {
    const style: DeploymentStyle = daemonset
      ? 'daemonset'
      : embeddingDistribution(s) || k3sConf || (journal && !journal.key.includes('flanneld'))
        ? 'embedded'
        : journal
          ? 'systemd'
          : 'unknown';
    return {
      state: 'in-use',
      style,
      basis: basisOf(...evidence, ...logs.map((l) => l.log)),
      evidence: evidence.slice(0, 4),
      missing: [],
    };
  }
  // absence: a workload list that would show flannel pods, covering the namespaces flannel runs in
  // (a sosreport's `--namespace openstack` list or an Insights selection of pods does not), and a
  // place the embedded signs would show
  const collected = ['cluster/pods.json', 'cluster/daemonsets.json']
    .map((p) => listCoverage(s, p))
    .filter((c): c is ListCoverage => c !== undefined);
  const covering = collected.filter((c) => coversComponent(c, 'flannel'));
  const lists = basisOf(...covering.map((c) => c.list));
  const embeddedPlaces = basisOf(clusterFile(s, 'cluster/nodes.json'), ...hosts.map((h) => hostLinks(h)));
  if (lists.length > 0 && embeddedPlaces.length > 0)
    return {
      state: 'absent',
      basis: [...lists, ...embeddedPlaces, ...basisOf(...hosts.flatMap((h) => h.cni))],
      evidence: [],
      missing: [],
    };
  const partial = lists.length === 0 ? collected[0] : undefined;
  return {
    state: 'unknown',
    basis: [],
    evidence: [],
    missing: [...(lists.length ? [] : ['cluster.pods']), ...(embeddedPlaces.length ? [] : ['cluster.nodes'])],
    ...(partial ? { partial } : {}),
  };
}

/** The Reports for a cluster that does not run flannel, or where that cannot be told; [] when it does. */
export function unlessFlannel(s: Snapshot, p: FlannelPresence = flannelPresence(s)): Report[] {
  if (p.state === 'in-use') return [];
  if (p.state === 'unknown' && p.partial) return [partialListReport(s, CLUSTER, p.partial)];
  if (p.state === 'unknown')
    return [{ status: 'unknown', subject: CLUSTER, messageId: 'missing-inputs', missing: [...p.missing].sort() }];
  return [{ status: 'pass', subject: CLUSTER, messageId: 'notUsed', basis: p.basis }];
}
