// What the service rules need to know about kube-proxy on real clusters, from whatever the bundle
// holds: how it is deployed (DaemonSet, static pod, embedded in k3s/microk8s, snap, systemd, or not
// at all), which logs are its logs (kubectl logs, host-read /var/log/pods, journald units), which
// node each log belongs to, and the flags it was started with when it has no ConfigMap (k3s, RKE2,
// snaps). Every answer carries the file that says so, so a verdict can name its basis.
import type { EvidenceRef } from '../types.js';
import type { DeploymentStyle, FileRef, HostState, Located, Snapshot, Sourced } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import type { LogLine } from '../../parse/types.js';
import { knownLineEvidence, objectEvidence } from '../../model/evidence.js';
import { sourceIdForPath } from '../../model/source-ids.js';
import { clusterFile } from '../lib/reports.js';
import { lineAt, seenEvidence } from '../lib/host.js';

// ---------------------------------------------------------------- which pods are kube-proxy

/**
 * A kube-proxy pod: the DaemonSet's (`k8s-app: kube-proxy`), a static pod's mirror
 * (`component: kube-proxy`, RKE2 `kube-proxy-<node>`), or by name in kube-system.
 */
export function isProxyPod(p: Pod): boolean {
  const l = p.metadata.labels ?? {};
  if (l['k8s-app'] === 'kube-proxy' || l['component'] === 'kube-proxy') return true;
  return (p.metadata.namespace ?? 'kube-system') === 'kube-system' && /^kube-proxy-[a-z0-9][a-z0-9.-]*$/.test(p.metadata.name);
}

/** a mirror pod of a static pod (the kubelet marks it with the config source or owns it by the Node) */
function isMirrorPod(p: Pod): boolean {
  const a = p.metadata.annotations ?? {};
  return a['kubernetes.io/config.mirror'] !== undefined || a['kubernetes.io/config.source'] === 'file' || (p.metadata.ownerReferences ?? []).some((o) => o.kind === 'Node');
}

/** kube-proxy pods by node name, from one pass over the pod list */
export function proxyPodsByNode(s: Snapshot): Map<string, Located<Pod>[]> {
  const out = new Map<string, Located<Pod>[]>();
  for (const p of s.cluster.pods ?? []) {
    if (!isProxyPod(p.obj)) continue;
    const node = p.obj.spec?.nodeName ?? '';
    const list = out.get(node);
    if (list) list.push(p);
    else out.set(node, [p]);
  }
  return out;
}

// ---------------------------------------------------------------- how kube-proxy is deployed

export interface ProxyDeployment {
  readonly style: DeploymentStyle;
  /** who says so, e.g. "k3s (kubelet v1.30.2+k3s1)", "static pod manifest" */
  readonly by: string;
  readonly evidence?: EvidenceRef;
  /** the collected files this conclusion rests on */
  readonly basis: readonly FileRef[];
}

const refOf = (r: FileRef): FileRef => ({ bundle: r.bundle, path: r.path });

/** units whose journal holds kube-proxy's own log lines, with the deployment they show */
export const PROXY_UNITS: ReadonlyMap<string, DeploymentStyle> = new Map([
  ['kube-proxy', 'systemd'],
  ['snap.kube-proxy.daemon', 'snap'],
  ['snap.microk8s.daemon-proxy', 'snap'],
  ['snap.microk8s.daemon-kubelite', 'embedded'],
  ['k3s', 'embedded'],
  ['k3s-agent', 'embedded'],
]);

const sortedHosts = (s: Snapshot): HostState[] => [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node));

/** k3s/RKE2 `disable-kube-proxy: true` in a collected config file */
function disabledByDistro(s: Snapshot): ProxyDeployment | undefined {
  for (const h of sortedHosts(s)) {
    for (const c of h.distroConfigs) {
      const v = c.value.values['disable-kube-proxy'];
      if (v === true || v === 'true') {
        const line = c.value.lines.get('disable-kube-proxy');
        return { style: 'absent', by: `${c.value.distro} config disable-kube-proxy`, evidence: line ? lineAt(s, c.ref, line, 'kube-proxy is disabled here') : undefined, basis: [refOf(c.ref)] };
      }
    }
  }
  return undefined;
}

/** the kubelet version suffix k3s / RKE2 put on every node (`v1.30.2+k3s1`, `v1.29.4+rke2r1`) */
export function distroOfNodes(s: Snapshot): { distro: 'k3s' | 'rke2'; node: Located<import('../../model/schemas.js').KubeNode> } | undefined {
  for (const n of s.cluster.nodes ?? []) {
    const v = n.obj.status?.nodeInfo?.kubeletVersion ?? '';
    if (/\+k3s\d*/.test(v)) return { distro: 'k3s', node: n };
    if (/\+rke2r?\d*/.test(v)) return { distro: 'rke2', node: n };
  }
  return undefined;
}

/** the first nat KUBE-SERVICES rule of any host: something (kube-proxy) programs Services there */
export function servicesProgrammed(s: Snapshot): { host: HostState; evidence: EvidenceRef; ref: FileRef } | undefined {
  for (const h of sortedHosts(s)) {
    for (const d of [h.iptables, h.iptablesNft, h.iptablesLegacy]) {
      const rule = d?.value.tables.get('nat')?.chains.get('KUBE-SERVICES')?.rules[0];
      if (d && rule) return { host: h, ref: refOf(d.ref), evidence: knownLineEvidence(d.ref, rule.line, rule.text, 'kube-proxy programs Services on this node') };
    }
  }
  return undefined;
}

/**
 * How kube-proxy runs in this cluster, from the shared fact when another part derived it, else from
 * the first direct signal. undefined: nothing in the bundle says (neither presence nor absence).
 */
export function proxyDeployment(s: Snapshot): ProxyDeployment | undefined {
  let known = deploymentCache.get(s);
  if (!known) deploymentCache.set(s, (known = { value: deploymentOf(s) }));
  return known.value;
}

const deploymentCache = new WeakMap<Snapshot, { value: ProxyDeployment | undefined }>();

function deploymentOf(s: Snapshot): ProxyDeployment | undefined {
  const direct = directDeployment(s);
  const fact = s.derived.components.get('kube-proxy');
  // the shared fact first; an "absent" it states must not contradict a direct sign of kube-proxy
  if (fact && fact.value !== 'unknown' && !(fact.value === 'absent' && (direct || servicesProgrammed(s)))) {
    return { style: fact.value, by: fact.by, evidence: seenEvidence(s, fact, `kube-proxy runs as ${fact.value} (${fact.by})`), basis: [refOf(fact.at)] };
  }
  if (direct) return direct;
  // absence needs both lists that would show it, each covering every namespace, and no host programming Services
  const pods = clusterFile(s, 'cluster/pods.json');
  const dss = clusterFile(s, 'cluster/daemonsets.json');
  if (pods && dss && coversAllNamespaces(s, pods) && coversAllNamespaces(s, dss) && !servicesProgrammed(s)) return { style: 'absent', by: 'pods and daemonsets lists', basis: [pods, dss] };
  return undefined;
}

/**
 * A list answers "is kube-proxy there?" only when it covers every namespace: a manifest record that
 * says it holds some namespaces only (`namespaces: [...]` or `partial`, as sosreport conversions
 * write) does not.
 */
function coversAllNamespaces(s: Snapshot, ref: FileRef): boolean {
  const sources = s.bundles.find((b) => b.id === ref.bundle)?.manifest?.sources ?? s.files.pointer({ bundle: ref.bundle, path: 'manifest.json' }, '/sources');
  if (!Array.isArray(sources)) return true;
  const rec = sources.find((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && (r as { path?: unknown }).path === ref.path);
  return !rec || (rec.partial === undefined && rec.namespaces === undefined);
}

/** the first direct sign of how kube-proxy runs (or that it is disabled), without concluding absence */
function directDeployment(s: Snapshot): ProxyDeployment | undefined {
  const disabled = disabledByDistro(s);
  if (disabled) return disabled;
  const pod = (s.cluster.pods ?? []).find((p) => isProxyPod(p.obj));
  if (pod) {
    const mirror = isMirrorPod(pod.obj) || (!/^kube-proxy-[a-z0-9]{5}$/.test(pod.obj.metadata.name) && pod.obj.metadata.labels?.['component'] === 'kube-proxy');
    return { style: mirror ? 'static-pod' : 'daemonset', by: `pod ${pod.obj.metadata.name}`, evidence: objectEvidence(pod, '/metadata/name', 'a kube-proxy pod'), basis: [refOf(pod.ref)] };
  }
  const ds = (s.cluster.daemonSets ?? []).find((d) => d.obj.metadata.name === 'kube-proxy');
  if (ds) return { style: 'daemonset', by: 'daemonset kube-system/kube-proxy', evidence: objectEvidence(ds, '/metadata/name', 'the kube-proxy DaemonSet'), basis: [refOf(ds.ref)] };
  for (const h of sortedHosts(s)) {
    for (const sp of [...h.staticPods.values()].sort((a, b) => a.ref.path.localeCompare(b.ref.path))) {
      if (sp.value.component !== 'kube-proxy' && !/kube-proxy/.test(sp.value.name ?? '')) continue;
      const line = sp.value.lines.get('metadata.name') ?? sp.value.lines.get('kind') ?? 1;
      return { style: 'static-pod', by: 'static pod manifest', evidence: lineAt(s, sp.ref, line, 'kube-proxy static pod manifest'), basis: [refOf(sp.ref)] };
    }
    for (const key of ['snap/kube-proxy', 'microk8s/kube-proxy']) {
      const args = h.componentArgs.get(key);
      if (!args) continue;
      const first = [...args.value.flags.values()].sort((a, b) => a.line - b.line)[0];
      return { style: key.startsWith('snap') ? 'snap' : 'embedded', by: key === 'snap/kube-proxy' ? 'snap kube-proxy args' : 'microk8s kube-proxy args', evidence: first ? lineAt(s, args.ref, first.line, 'kube-proxy arguments') : undefined, basis: [refOf(args.ref)] };
    }
    for (const [unit, style] of PROXY_UNITS) {
      const journal = h.journal.get(unit);
      const u = h.systemdUnits?.value.find((x) => x.unit === unit);
      if (u && h.systemdUnits) return { style, by: `systemd unit ${unit}`, evidence: lineAt(s, h.systemdUnits.ref, u.line, `the ${unit} unit`), basis: [refOf(h.systemdUnits.ref)] };
      if (journal && journal.value.length > 0) {
        const l = journal.value[0] as LogLine;
        return { style, by: `journal of ${unit}`, evidence: knownLineEvidence(journal.ref, l.line, l.raw, `the ${unit} journal`), basis: [refOf(journal.ref)] };
      }
    }
  }
  const nodes = distroOfNodes(s);
  if (nodes) {
    return {
      style: nodes.distro === 'k3s' ? 'embedded' : 'static-pod',
      by: `${nodes.distro} (kubelet ${nodes.node.obj.status?.nodeInfo?.kubeletVersion ?? ''})`,
      evidence: objectEvidence(nodes.node, '/status/nodeInfo/kubeletVersion', `a ${nodes.distro} node`),
      basis: [refOf(nodes.node.ref)],
    };
  }
  if (s.cluster.configMaps.has('kube-system/kube-proxy')) {
    const cm = s.cluster.configMaps.get('kube-system/kube-proxy') as Located<unknown>;
    return { style: 'daemonset', by: 'configmap kube-system/kube-proxy', evidence: objectEvidence(cm, '/metadata/name', 'the kube-proxy ConfigMap'), basis: [refOf(cm.ref)] };
  }
  return undefined;
}

// ---------------------------------------------------------------- kube-proxy logs

export interface ProxyLog {
  /** `ns/pod/container[.previous]` for pod logs, `journal/<unit>` for journald */
  readonly key: string;
  readonly sourceId: string;
  /** the node it ran on, when the bundle says */
  readonly node?: string;
  readonly pod?: string;
  readonly previous: boolean;
  readonly log: Sourced<readonly LogLine[]>;
}

const bundleNode = (s: Snapshot, bundle: string): string | undefined => s.bundles.find((b) => b.id === bundle)?.node;

/**
 * Every collected kube-proxy log: its pods' logs (kubectl or /var/log/pods), and the journald
 * units that carry kube-proxy (systemd/snap kube-proxy, k3s and microk8s kubelite in-process).
 * Sorted by key, so the first hit is stable.
 */
export function proxyLogs(s: Snapshot): ProxyLog[] {
  const out: ProxyLog[] = [];
  const pods = s.cluster.pods ? new Map(s.cluster.pods.filter((p) => isProxyPod(p.obj)).map((p) => [`${p.obj.metadata.namespace ?? 'default'}/${p.obj.metadata.name}`, p])) : undefined;
  const known = new Set([...(s.cluster.nodes ?? []).map((n) => n.obj.metadata.name), ...s.hosts.keys()]);
  for (const [key, log] of s.cluster.logs) {
    const m = /^([^/]+)\/([^/]+)\/([^/]+?)(\.previous)?$/.exec(key);
    if (!m) continue;
    const [, ns, pod, container, prev] = m as unknown as [string, string, string, string, string | undefined];
    if (container !== 'kube-proxy') continue;
    const obj = pods?.get(`${ns}/${pod}`);
    if (pods && !obj && !/^kube-proxy-/.test(pod)) continue;
    if (!pods && !/^kube-proxy-/.test(pod)) continue;
    // the pod's node; a static pod's name ends in its node; else the bundle that read the log on its host
    const byName = [...known].find((n) => pod === `kube-proxy-${n}`);
    const node = obj?.obj.spec?.nodeName ?? byName ?? (log.ref.path.startsWith('host/') || !s.cluster.pods ? bundleNode(s, log.ref.bundle) : undefined);
    out.push({ key, sourceId: sourceIdForPath(log.ref.path), ...(node ? { node } : {}), pod, previous: prev !== undefined, log });
  }
  for (const h of sortedHosts(s)) {
    for (const unit of PROXY_UNITS.keys()) {
      const log = h.journal.get(unit);
      if (log) out.push({ key: `journal/${unit}@${h.node}`, sourceId: sourceIdForPath(log.ref.path), node: h.node, previous: false, log });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export interface ProxyLogHit {
  readonly log: ProxyLog;
  readonly line: LogLine;
  readonly match: RegExpExecArray;
}

/** lines of the given logs matching `re`, in file order */
export function searchProxyLogs(logs: readonly ProxyLog[], re: RegExp): ProxyLogHit[] {
  const out: ProxyLogHit[] = [];
  for (const l of logs) {
    for (const line of l.log.value) {
      const m = re.exec(line.raw);
      if (m) out.push({ log: l, line, match: m });
    }
  }
  return out;
}

export function hitEvidence(hit: ProxyLogHit, note?: string): EvidenceRef {
  return knownLineEvidence(hit.log.log.ref, hit.line.line, hit.line.raw, note);
}

// ---------------------------------------------------------------- flags kube-proxy was started with

export interface ProxyFlag {
  readonly value: string;
  readonly by: string;
  readonly evidence?: EvidenceRef;
  readonly ref: FileRef;
}

/**
 * A kube-proxy flag (`proxy-mode`, `cluster-cidr`) as its deployment states it: a static pod
 * manifest, snap/microk8s args, a k3s/RKE2 `kube-proxy-arg` list, or the `FLAG: --x="v"` lines
 * kube-proxy logs at -v=1 and above.
 */
export function proxyFlag(s: Snapshot, name: string): ProxyFlag | undefined {
  for (const h of sortedHosts(s)) {
    for (const sp of [...h.staticPods.values()].sort((a, b) => a.ref.path.localeCompare(b.ref.path))) {
      if (sp.value.component !== 'kube-proxy') continue;
      const f = sp.value.flags.get(name);
      if (f) return { value: f.value, by: 'kube-proxy static pod', evidence: lineAt(s, sp.ref, f.line, `--${name}`), ref: refOf(sp.ref) };
    }
    for (const key of ['snap/kube-proxy', 'microk8s/kube-proxy']) {
      const args = h.componentArgs.get(key);
      const f = args?.value.flags.get(name);
      if (args && f) return { value: f.value, by: `${key} args`, evidence: lineAt(s, args.ref, f.line, `--${name}`), ref: refOf(args.ref) };
    }
    for (const c of h.distroConfigs) {
      const list = c.value.values['kube-proxy-arg'];
      const items = Array.isArray(list) ? list : typeof list === 'string' ? [list] : [];
      const i = items.findIndex((x) => typeof x === 'string' && x.replace(/^--/, '').startsWith(`${name}=`));
      if (i >= 0) {
        const line = c.value.lines.get(`kube-proxy-arg.${i}`) ?? c.value.lines.get('kube-proxy-arg');
        return { value: String(items[i]).replace(/^--/, '').slice(name.length + 1), by: `${c.value.distro} kube-proxy-arg`, evidence: line ? lineAt(s, c.ref, line, `--${name}`) : undefined, ref: refOf(c.ref) };
      }
    }
  }
  const re = new RegExp(`FLAG: --${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}="([^"]*)"`);
  const hit = searchProxyLogs(proxyLogs(s), re)[0];
  if (hit) return { value: hit.match[1] as string, by: 'kube-proxy log', evidence: hitEvidence(hit, `--${name} as kube-proxy logged it`), ref: refOf(hit.log.log.ref) };
  return undefined;
}

/** the k3s / RKE2 cluster-cidr a server config states: k3s hands it to its embedded kube-proxy */
export function distroClusterCidr(s: Snapshot): ProxyFlag | undefined {
  for (const h of sortedHosts(s)) {
    for (const c of h.distroConfigs) {
      const v = c.value.values['cluster-cidr'];
      if (typeof v !== 'string') continue;
      const line = c.value.lines.get('cluster-cidr');
      return { value: v, by: `${c.value.distro} cluster-cidr`, evidence: line ? lineAt(s, c.ref, line, 'the cluster-cidr k3s passes to kube-proxy') : undefined, ref: refOf(c.ref) };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- the proxy mode

export interface ProxyMode {
  /** iptables | ipvs | nftables | kernelspace | userspace, or what the config says verbatim */
  readonly value: string;
  readonly by: string;
  readonly evidence?: EvidenceRef;
  readonly ref: FileRef;
}

// "Using iptables Proxier." (1.8-1.20), "Using iptables Proxier" (structured, 1.21+),
// "Creating dualStackProxier for ipvs" (1.21+ dual-stack)
const PROXIER = /Using (iptables|ipvs|nftables|kernelspace|userspace) Proxier|Creating dualStackProxier for (iptables|ipvs|nftables)/i;

/** the proxier kube-proxy last said it started, from its logs */
export function runningMode(s: Snapshot, node?: string): ProxyMode | undefined {
  const logs = proxyLogs(s).filter((l) => node === undefined || l.node === node);
  let best: ProxyLogHit | undefined;
  for (const hit of searchProxyLogs(logs, PROXIER)) best = hit;
  if (!best) return undefined;
  const value = (best.match[1] ?? best.match[2] ?? '').toLowerCase();
  return { value, by: 'kube-proxy log', evidence: hitEvidence(best, `kube-proxy started the ${value} proxier`), ref: refOf(best.log.log.ref) };
}

/** the mode kube-proxy is told to run in: config.conf `mode`, else a --proxy-mode flag; "" = the default */
export function configuredMode(s: Snapshot): ProxyMode | undefined {
  const kp = s.cluster.kubeProxyConfig;
  const mode = kp?.value.mode?.trim();
  if (kp && mode) {
    const line = kp.value.lines.get('mode');
    return { value: mode, by: 'kube-proxy config', evidence: line !== undefined ? lineAt(s, kp.ref, line, 'the configured mode') : undefined, ref: refOf(kp.ref) };
  }
  const flag = proxyFlag(s, 'proxy-mode');
  if (flag && flag.value !== '') return { value: flag.value, by: flag.by, evidence: flag.evidence, ref: flag.ref };
  return undefined;
}

/** what the node's Service rules are written by: the running proxier, else the configured mode, else the default */
export function effectiveMode(s: Snapshot): ProxyMode | undefined {
  const running = runningMode(s);
  if (running) return running;
  const configured = configuredMode(s);
  if (configured) return configured;
  const kp = s.cluster.kubeProxyConfig;
  if (kp) return { value: 'iptables', by: 'kube-proxy config (mode unset: the default)', evidence: kp.value.lines.has('mode') ? lineAt(s, kp.ref, kp.value.lines.get('mode') as number, 'mode left empty: iptables') : undefined, ref: refOf(kp.ref) };
  const d = proxyDeployment(s);
  if (d && d.style === 'embedded') return { value: 'iptables', by: `${d.by}, no --proxy-mode (the default)`, evidence: d.evidence, ref: d.basis[0] as FileRef };
  return undefined;
}
