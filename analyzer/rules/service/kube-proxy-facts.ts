// How kube-proxy runs on a real cluster, from whatever the bundle holds: a DaemonSet, a static pod
// (RKE2), embedded in k3s/microk8s, a snap (Charmed), a systemd unit, or not at all (only with both
// lists covering every namespace and no host programming Services). Its logs, flags and mode are in
// kube-proxy-logs.ts. Every answer carries the file that says so, so a verdict can name its basis.
import type { EvidenceRef } from '../types.js';
import type { DeploymentStyle, FileRef, HostState, Located, Snapshot } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import { knownLineEvidence, objectEvidence } from '../../model/evidence.js';
import { coversComponent, firstEntry, listCoverage } from '../../model/coverage.js';
import { lineAt, seenEvidence } from '../lib/host.js';
import { nftJsonOf } from '../../model/nft-json.js';

// ---------------------------------------------------------------- which pods are kube-proxy

/**
 * A kube-proxy pod: the DaemonSet's (`k8s-app: kube-proxy`), a static pod's mirror
 * (`component: kube-proxy`, RKE2 `kube-proxy-<node>`), or by name in kube-system.
 */
export function isProxyPod(p: Pod): boolean {
  const l = p.metadata.labels ?? {};
  if (l['k8s-app'] === 'kube-proxy' || l['component'] === 'kube-proxy') return true;
  return (
    (p.metadata.namespace ?? 'kube-system') === 'kube-system' &&
    /^kube-proxy-[a-z0-9][a-z0-9.-]*$/.test(p.metadata.name)
  );
}

/** a mirror pod of a static pod (the kubelet marks it with the config source or owns it by the Node) */
function isMirrorPod(p: Pod): boolean {
  const a = p.metadata.annotations ?? {};
  return (
    a['kubernetes.io/config.mirror'] !== undefined ||
    a['kubernetes.io/config.source'] === 'file' ||
    (p.metadata.ownerReferences ?? []).some((o) => o.kind === 'Node')
  );
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

export const refOf = (r: FileRef): FileRef => ({ bundle: r.bundle, path: r.path });

/** units whose journal holds kube-proxy's own log lines, with the deployment they show */
export const PROXY_UNITS: ReadonlyMap<string, DeploymentStyle> = new Map([
  ['kube-proxy', 'systemd'],
  ['snap.kube-proxy.daemon', 'snap'],
  ['snap.microk8s.daemon-proxy', 'snap'],
  ['snap.microk8s.daemon-kubelite', 'embedded'],
  ['k3s', 'embedded'],
  ['k3s-agent', 'embedded'],
]);

export const sortedHosts = (s: Snapshot): HostState[] =>
  [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node));

/** k3s/RKE2 `disable-kube-proxy: true` in a collected config file */
function disabledByDistro(s: Snapshot): ProxyDeployment | undefined {
  for (const h of sortedHosts(s)) {
    for (const c of h.distroConfigs) {
      const v = c.value.values['disable-kube-proxy'];
      if (v === true || v === 'true') {
        const line = c.value.lines.get('disable-kube-proxy');
        return {
          style: 'absent',
          by: `${c.value.distro} config disable-kube-proxy`,
          evidence: line ? lineAt(s, c.ref, line, 'kube-proxy is disabled here') : undefined,
          basis: [refOf(c.ref)],
        };
      }
    }
  }
  return undefined;
}

/** the kubelet version suffix k3s / RKE2 put on every node (`v1.30.2+k3s1`, `v1.29.4+rke2r1`) */
export function distroOfNodes(
  s: Snapshot,
): { distro: 'k3s' | 'rke2'; node: Located<import('../../model/schemas.js').KubeNode> } | undefined {
  for (const n of s.cluster.nodes ?? []) {
    const v = n.obj.status?.nodeInfo?.kubeletVersion ?? '';
    if (/\+k3s\d*/.test(v)) return { distro: 'k3s', node: n };
    if (/\+rke2r?\d*/.test(v)) return { distro: 'rke2', node: n };
  }
  return undefined;
}

/**
 * the first nat KUBE-SERVICES rule of any host, else the first Service of kube-proxy's nftables map:
 * something (kube-proxy) programs Services there
 */
export function servicesProgrammed(s: Snapshot): { host: HostState; evidence: EvidenceRef; ref: FileRef } | undefined {
  for (const h of sortedHosts(s)) {
    for (const d of [h.iptables, h.iptablesNft, h.iptablesLegacy]) {
      const rule = d?.value.tables.get('nat')?.chains.get('KUBE-SERVICES')?.rules[0];
      if (d && rule)
        return {
          host: h,
          ref: refOf(d.ref),
          evidence: knownLineEvidence(d.ref, rule.line, rule.text, 'kube-proxy programs Services on this node'),
        };
    }
  }
  // nftables mode: an element of kube-proxy's service map in `nft -j list ruleset`
  for (const h of sortedHosts(s)) {
    const nft = nftJsonOf(s, h);
    const first = nft?.kubeProxy?.services[0];
    const quote = first && s.files.pointer(nft.ref, first.pointer);
    if (nft && first && quote !== undefined)
      return {
        host: h,
        ref: refOf(nft.ref),
        evidence: {
          ...refOf(nft.ref),
          pointer: first.pointer,
          quote: JSON.stringify(quote),
          note: 'kube-proxy (nftables mode) programs Services on this node',
        },
      };
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
    return {
      style: fact.value,
      by: fact.by,
      evidence: seenEvidence(s, fact, `kube-proxy runs as ${fact.value} (${fact.by})`),
      basis: [refOf(fact.at)],
    };
  }
  if (direct) return direct;
  // absence needs both lists that would show it, each covering kube-system, and no host programming Services
  const pods = listCoverage(s, 'cluster/pods.json');
  const dss = listCoverage(s, 'cluster/daemonsets.json');
  if (
    pods &&
    dss &&
    coversComponent(pods, 'kube-proxy') &&
    coversComponent(dss, 'kube-proxy') &&
    !servicesProgrammed(s)
  )
    return { style: 'absent', by: 'pods and daemonsets lists', basis: [pods.list, dss.list] };
  return undefined;
}

/** the first direct sign of how kube-proxy runs (or that it is disabled), without concluding absence */
function directDeployment(s: Snapshot): ProxyDeployment | undefined {
  const disabled = disabledByDistro(s);
  if (disabled) return disabled;
  const pod = (s.cluster.pods ?? []).find((p) => isProxyPod(p.obj));
  if (pod) {
    const mirror =
      isMirrorPod(pod.obj) ||
      (!/^kube-proxy-[a-z0-9]{5}$/.test(pod.obj.metadata.name) &&
        pod.obj.metadata.labels?.['component'] === 'kube-proxy');
    return {
      style: mirror ? 'static-pod' : 'daemonset',
      by: `pod ${pod.obj.metadata.name}`,
      evidence: objectEvidence(pod, '/metadata/name', 'a kube-proxy pod'),
      basis: [refOf(pod.ref)],
    };
  }
  const ds = (s.cluster.daemonSets ?? []).find((d) => d.obj.metadata.name === 'kube-proxy');
  if (ds)
    return {
      style: 'daemonset',
      by: 'daemonset kube-system/kube-proxy',
      evidence: objectEvidence(ds, '/metadata/name', 'the kube-proxy DaemonSet'),
      basis: [refOf(ds.ref)],
    };
  for (const h of sortedHosts(s)) {
    for (const sp of [...h.staticPods.values()].sort((a, b) => a.ref.path.localeCompare(b.ref.path))) {
      if (sp.value.component !== 'kube-proxy' && !/kube-proxy/.test(sp.value.name ?? '')) continue;
      const line = sp.value.lines.get('metadata.name') ?? sp.value.lines.get('kind') ?? 1;
      return {
        style: 'static-pod',
        by: 'static pod manifest',
        evidence: lineAt(s, sp.ref, line, 'kube-proxy static pod manifest'),
        basis: [refOf(sp.ref)],
      };
    }
    for (const key of ['snap/kube-proxy', 'microk8s/kube-proxy']) {
      const args = h.componentArgs.get(key);
      if (!args) continue;
      const first = [...args.value.flags.values()].sort((a, b) => a.line - b.line)[0];
      return {
        style: key.startsWith('snap') ? 'snap' : 'embedded',
        by: key === 'snap/kube-proxy' ? 'snap kube-proxy args' : 'microk8s kube-proxy args',
        evidence: first ? lineAt(s, args.ref, first.line, 'kube-proxy arguments') : undefined,
        basis: [refOf(args.ref)],
      };
    }
    for (const [unit, style] of PROXY_UNITS) {
      const journal = h.journal.get(unit);
      const u = h.systemdUnits?.value.find((x) => x.unit === unit);
      if (u && h.systemdUnits)
        return {
          style,
          by: `systemd unit ${unit}`,
          evidence: lineAt(s, h.systemdUnits.ref, u.line, `the ${unit} unit`),
          basis: [refOf(h.systemdUnits.ref)],
        };
      const l = journal ? firstEntry(journal.value) : undefined;
      if (journal && l) {
        return {
          style,
          by: `journal of ${unit}`,
          evidence: knownLineEvidence(journal.ref, l.line, l.raw, `the ${unit} journal`),
          basis: [refOf(journal.ref)],
        };
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
    return {
      style: 'daemonset',
      by: 'configmap kube-system/kube-proxy',
      evidence: objectEvidence(cm, '/metadata/name', 'the kube-proxy ConfigMap'),
      basis: [refOf(cm.ref)],
    };
  }
  return undefined;
}
