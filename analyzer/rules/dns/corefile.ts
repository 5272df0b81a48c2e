// Corefile helpers shared by the DNS rules: the coredns ConfigMap, its Corefile text and lines,
// and the forward directives with their upstreams.
import type { EvidenceRef, Subject } from '../types.js';
import type { CorefileDirective } from '../../parse/types.js';
import type { ConfigMap } from '../../model/schemas.js';
import type { Located, Snapshot } from '../../model/types.js';
import { embeddedLineEvidence } from '../../model/evidence.js';
import { configMapSourceId } from '../../bundle/sources.js';

export const COREDNS_CM = 'kube-system/coredns';
export const COREDNS_CM_SOURCE = configMapSourceId('kube-system', 'coredns');
export const corednsConfigMapSubject: Subject = { kind: 'configmap', namespace: 'kube-system', name: 'coredns' };
export const corednsDeploymentSubject: Subject = { kind: 'deployment', namespace: 'kube-system', name: 'coredns' };
export const kubeDnsSubject: Subject = { kind: 'service', namespace: 'kube-system', name: 'kube-dns' };

export function corednsConfigMap(s: Snapshot): Located<ConfigMap> | undefined {
  return s.cluster.configMaps.get(COREDNS_CM);
}

/** evidence for lines of the Corefile inside the coredns ConfigMap */
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

export function forwardDirectives(s: Snapshot): ForwardDirective[] {
  const out: ForwardDirective[] = [];
  for (const server of s.cluster.corefile?.value.servers ?? []) {
    for (const p of server.plugins) {
      if (p.name !== 'forward') continue;
      out.push({ zone: p.args[0] ?? '.', to: p.args.slice(1), directive: p, server: server.keys.map((k) => k.zone).join(' ') });
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
