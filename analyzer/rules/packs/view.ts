// The plain JSON view of the Snapshot that rule-pack JSONPaths run over (documented in
// docs/rule-packs.md), plus the way back from a view pointer to a place in a bundle.
import type { EvidenceRef } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import { atPointer } from '../../model/evidence.js';
import { fullObject } from '../../model/lean-source.js';
import { MAX_VIEW_DEPTH } from './limits.js';

const LISTS = [
  'nodes',
  'pods',
  'services',
  'endpoints',
  'endpointSlices',
  'daemonSets',
  'deployments',
  'events',
] as const;

export interface SnapshotView {
  readonly json: unknown;
  /** view pointer -> bundle evidence for the value there */
  evidenceAt(pointer: string): EvidenceRef | undefined;
}

// not generic over the list's element type: inferring T from the union of every list type made
// tsc's incremental builds report two unrelated `Located` types (full builds were clean)
function objects(list: readonly Located<unknown>[] | undefined): unknown[] | undefined {
  // full objects: a pack's JSONPath may name any field, not only those the schemas declare
  return list?.map((l) => fullObject(l));
}

/**
 * What JSON.parse(JSON.stringify(v)) gives (toJSON honoured, undefined members dropped, undefined
 * and non-finite numbers in lists as null), built with a loop: bundle objects are untrusted and may
 * nest deeper than the stack (JSON.stringify recurses). Values deeper than MAX_VIEW_DEPTH read as
 * null, which also keeps jsonpath-plus (it recurses per level) within the stack.
 */
export function plainCopy(v: unknown): unknown {
  const plain = (x: unknown): unknown => {
    const y =
      x !== null && typeof x === 'object' && typeof (x as { toJSON?: unknown }).toJSON === 'function'
        ? (x as { toJSON(): unknown }).toJSON()
        : x;
    if (typeof y === 'number') return Number.isFinite(y) ? y : null;
    if (typeof y === 'string' || typeof y === 'boolean' || y === null) return y;
    if (typeof y === 'object') return y;
    return undefined; // undefined, functions, symbols, bigint (which JSON.stringify refuses)
  };
  const root = plain(v);
  if (root === null || typeof root !== 'object') return root ?? null;
  const out: unknown = Array.isArray(root) ? [] : {};
  const stack: [object, Record<string, unknown> | unknown[], number][] = [[root, out as Record<string, unknown>, 1]];
  while (stack.length > 0) {
    const [src, dst, depth] = stack.pop()!;
    const entries: [string | number, unknown][] = Array.isArray(src) ? src.map((x, i) => [i, x]) : Object.entries(src);
    for (const [k, raw] of entries) {
      const x = plain(raw);
      let put: unknown = x;
      if (x !== null && typeof x === 'object') {
        if (depth >= MAX_VIEW_DEPTH) put = null;
        else {
          put = Array.isArray(x) ? [] : {};
          stack.push([x, put as Record<string, unknown>, depth + 1]);
        }
      }
      if (Array.isArray(dst)) dst[k as number] = put === undefined ? null : put;
      else if (put !== undefined)
        Object.defineProperty(dst, k, { value: put, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

/** a bundle value as evidence quotes it; through plainCopy, so a deep value cannot overflow JSON.stringify */
function quoteOf(v: unknown): string {
  return v === undefined ? 'undefined' : JSON.stringify(plainCopy(v));
}

export function snapshotView(s: Snapshot): SnapshotView {
  const cluster: Record<string, unknown> = {};
  for (const k of LISTS) cluster[k] = objects(s.cluster[k]);
  cluster.configMaps = Object.fromEntries([...s.cluster.configMaps].map(([k, v]) => [k, v.obj]));
  const hosts: Record<string, unknown> = {};
  for (const [node, h] of s.hosts) {
    hosts[node] = {
      node,
      sysctl: h.sysctl ? Object.fromEntries([...h.sysctl.value].map(([k, e]) => [k, e.value])) : undefined,
      modules: h.modules ? [...h.modules.value.keys()] : undefined,
      resolvConf: h.resolvConf
        ? {
            nameservers: h.resolvConf.value.nameservers.map((n) => n.address),
            search: h.resolvConf.value.search,
            options: h.resolvConf.value.options,
          }
        : undefined,
      kubeletConfig: h.kubeletConfig?.value.raw,
      subnetEnv: h.subnetEnv
        ? Object.fromEntries([...h.subnetEnv.value.vars].map(([k, v]) => [k, v.value]))
        : undefined,
    };
  }
  const d = s.derived;
  const derived = {
    podCidr: {
      flannel: d.podCidr.flannel?.value,
      kubeProxy: d.podCidr.kubeProxy?.value,
      kubeadm: d.podCidr.kubeadm?.value,
      nodes: d.podCidr.nodes.map((n) => n.value),
    },
    serviceCidr: d.serviceCidr?.value,
    kubeProxyMode: d.kubeProxyMode?.value,
    corednsUpstreams: d.corednsUpstreams.map((u) => u.value),
    kubeDnsClusterIP: d.kubeDnsClusterIP?.value,
  };
  const json = plainCopy({ cluster, hosts, derived });

  return {
    json,
    evidenceAt(pointer) {
      const parts = pointer
        .split('/')
        .slice(1)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (parts[0] === 'cluster') {
        const list = parts[1] as string;
        if ((LISTS as readonly string[]).includes(list)) {
          const loc = s.cluster[list as (typeof LISTS)[number]]?.[Number(parts[2])] as Located<unknown> | undefined;
          if (!loc) return undefined;
          const sub = parts
            .slice(3)
            .map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`)
            .join('');
          return {
            bundle: loc.ref.bundle,
            path: loc.ref.path,
            pointer: loc.ref.pointer + sub,
            quote: quoteOf(atPointer(fullObject(loc), sub)),
          };
        }
        if (list === 'configMaps') {
          const cm = s.cluster.configMaps.get(parts[2] as string);
          if (!cm) return undefined;
          const sub = parts
            .slice(3)
            .map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`)
            .join('');
          return {
            bundle: cm.ref.bundle,
            path: cm.ref.path,
            pointer: cm.ref.pointer + sub,
            quote: quoteOf(atPointer(cm.obj, sub)),
          };
        }
      }
      if (parts[0] === 'hosts' && parts[2] === 'sysctl') {
        const h = s.hosts.get(parts[1] as string);
        const e = parts[3] !== undefined ? h?.sysctl?.value.get(parts[3]) : undefined;
        if (!h?.sysctl || !e) return undefined;
        const text = s.files.lines(h.sysctl.ref, e.line, e.line)?.[0];
        return text === undefined
          ? undefined
          : { bundle: h.sysctl.ref.bundle, path: h.sysctl.ref.path, line: e.line, quote: text };
      }
      return undefined;
    },
  };
}
