// Corefile helpers shared by the DNS rules: the CoreDNS ConfigMap (kubeadm/k3s `coredns`, RKE2
// `rke2-coredns-rke2-coredns`), its Corefile text and lines, the forward (and pre-1.5 proxy)
// directives with their upstreams, the kube-dns Service, and the resolv.conf CoreDNS pods get.
import type { EvidenceRef, Subject } from '../types.js';
import type { CorefileDirective, ResolvConf } from '../../parse/types.js';
import type { ConfigMap, Service } from '../../model/schemas.js';
import type { FileRef, HostState, Located, Snapshot, Sourced } from '../../model/types.js';
import { embeddedLineEvidence } from '../../model/evidence.js';
import { configMapSourceId } from '../../bundle/sources.js';

export const COREDNS_CM = 'kube-system/coredns';
/** RKE2's Helm chart names the ConfigMap, Deployment and Service after the release */
export const RKE2_COREDNS = 'rke2-coredns-rke2-coredns';
export const COREDNS_CM_SOURCE = configMapSourceId('kube-system', 'coredns');
/** "any CoreDNS container log" in RuleMeta.needs / decidesFrom */
export const COREDNS_LOG_SOURCE = 'cluster.log.kube-system.<coredns pod>.coredns';
export const corednsConfigMapSubject: Subject = { kind: 'configmap', namespace: 'kube-system', name: 'coredns' };
export const corednsDeploymentSubject: Subject = { kind: 'deployment', namespace: 'kube-system', name: 'coredns' };
export const kubeDnsSubject: Subject = { kind: 'service', namespace: 'kube-system', name: 'kube-dns' };

/** the ConfigMap the parsed Corefile came from (kube-system/coredns, or RKE2's) */
export function corednsConfigMap(s: Snapshot): Located<ConfigMap> | undefined {
  const path = s.cluster.corefile?.ref.path;
  const byPath = path ? [...s.cluster.configMaps.values()].find((c) => c.ref.path === path) : undefined;
  return byPath ?? s.cluster.configMaps.get(COREDNS_CM) ?? s.cluster.configMaps.get(`kube-system/${RKE2_COREDNS}`);
}

/** the subject of Corefile findings: the ConfigMap it lives in */
export function corefileSubject(s: Snapshot): Subject {
  const cm = corednsConfigMap(s);
  return cm
    ? { kind: 'configmap', namespace: cm.obj.metadata.namespace ?? 'kube-system', name: cm.obj.metadata.name }
    : corednsConfigMapSubject;
}

/** evidence for lines of the Corefile inside the CoreDNS ConfigMap */
export function corefileLines(s: Snapshot, from: number, to = from, note?: string): EvidenceRef | undefined {
  const cf = s.cluster.corefile;
  const text = corednsConfigMap(s)?.obj.data?.Corefile;
  if (!cf || text === undefined || cf.ref.pointer === undefined) return undefined;
  return embeddedLineEvidence(text, { ...cf.ref, pointer: cf.ref.pointer }, from, to, note);
}

export interface ForwardDirective {
  readonly zone: string;
  readonly to: readonly string[];
  readonly directive: CorefileDirective;
  /** the server block's zones, e.g. "." */
  readonly server: string;
}

/** `forward FROM TO...`, and `proxy FROM TO...` (CoreDNS <= 1.4.0: the same upstream semantics) */
export function forwardDirectives(s: Snapshot): ForwardDirective[] {
  const out: ForwardDirective[] = [];
  for (const server of s.cluster.corefile?.value.servers ?? []) {
    for (const p of server.plugins) {
      if (p.name !== 'forward' && p.name !== 'proxy') continue;
      out.push({
        zone: p.args[0] ?? '.',
        to: p.args.slice(1),
        directive: p,
        server: server.keys.map((k) => k.zone).join(' '),
      });
    }
  }
  return out;
}

/** a forward TO that is a file (resolv.conf style) rather than an address */
export const isFileUpstream = (to: string): boolean => to.startsWith('/');

/** "dns://8.8.8.8:53", "tls://[2001:db8::1]:853", "8.8.8.8" -> the bare address */
export function upstreamAddress(to: string): string {
  let t = to.replace(/^[a-z]+:\/\//i, '');
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(t);
  if (v6) return v6[1] as string;
  if (/^[\d.]+:\d+$/.test(t)) t = t.slice(0, t.lastIndexOf(':'));
  return t;
}

export function hasPlugin(s: Snapshot, name: string): CorefileDirective | undefined {
  for (const server of s.cluster.corefile?.value.servers ?? []) {
    const p = server.plugins.find((x) => x.name === name);
    if (p) return p;
  }
  return undefined;
}

/**
 * the cluster DNS Service: kube-system/kube-dns, RKE2's rke2-coredns-rke2-coredns, or one selecting k8s-app=kube-dns
 */
export function kubeDnsService(s: Snapshot): Located<Service> | undefined {
  return (
    s.index.serviceByName.get('kube-system/kube-dns') ??
    s.index.serviceByName.get(`kube-system/${RKE2_COREDNS}`) ??
    (s.cluster.services ?? []).find(
      (x) => x.obj.metadata.namespace === 'kube-system' && x.obj.spec.selector?.['k8s-app'] === 'kube-dns',
    )
  );
}

export const RESOLVED_RESOLV_CONF = '/run/systemd/resolve/resolv.conf';

export const KUBELET_FLAGS_PATH = 'host/kubeadm-flags.env';

/**
 * The kubelet's `--resolv-conf` flag: kubeadm writes it into kubeadm-flags.env on hosts running
 * systemd-resolved (kubernetes/kubeadm#1162: `cat /var/lib/kubelet/kubeadm-flags.env`), with its line.
 */
export function resolvConfFlag(s: Snapshot, h: HostState): { value: string; ref: FileRef; line: number } | undefined {
  const ref = { bundle: h.bundle, path: KUBELET_FLAGS_PATH };
  const n = s.files.lineCount(ref);
  if (!n) return undefined;
  const lines = s.files.lines(ref, 1, n) ?? [];
  for (let i = 0; i < lines.length; i++) {
    const m = /(?:^|[\s"'=])--resolv[-_]conf(?:=|\s+)["']?([^\s"']*)/.exec(lines[i] ?? '');
    if (m) return { value: m[1] ?? '', ref, line: i + 1 };
  }
  return undefined;
}

/**
 * The resolv.conf a dnsPolicy:Default pod (CoreDNS) gets on this node, the source id it comes from,
 * and whether the kubelet says which file it hands out (its config's resolvConf, or its flag).
 */
export function podResolvConf(
  h: HostState,
  s?: Snapshot,
): { file?: Sourced<ResolvConf>; source: string; path: string; decided: boolean; flag?: FileRef } {
  const flag = s && !h.kubeletConfig?.value.resolvConf ? resolvConfFlag(s, h) : undefined;
  const configured = h.kubeletConfig?.value.resolvConf ?? flag?.value;
  const decided = h.kubeletConfig !== undefined || flag !== undefined;
  const extra = flag ? { flag: flag.ref } : {};
  if (configured === RESOLVED_RESOLV_CONF)
    return {
      file: h.resolvedResolvConf,
      source: 'host.resolved-resolv-conf',
      path: RESOLVED_RESOLV_CONF,
      decided,
      ...extra,
    };
  return { file: h.resolvConf, source: 'host.resolv-conf', path: configured || '/etc/resolv.conf', decided, ...extra };
}
