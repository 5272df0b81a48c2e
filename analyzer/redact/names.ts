// Name pseudonyms: node names and hostnames, user namespaces and the objects in them (pods,
// Services, Deployments, DaemonSets, ...). The dictionary is built from the cluster JSON and the
// manifests first, then applied to every token of every file, so an iptables comment
// `shop/web:http`, a log line, a DNS name `web.shop.svc.cluster.local`, a label value and a log
// path all change the same way.
//
// Kept as they are: the system namespaces and everything in them (the analyzer finds kube-dns,
// CoreDNS, kube-proxy and flannel by those names), except a node name inside a static pod name
// (`etcd-master-1`), and words the analyzer or Kubernetes give meaning to (port names, `default`).
import type { RedactKey } from './key.js';

// also the namespaces the analyzer finds Calico (operator installs) and MetalLB in
export const KEPT_NAMESPACES = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'kube-flannel',
  'calico-system',
  'tigera-operator',
  'metallb-system',
]);

/** never renamed, even when a user object has that name: they mean something to the analyzer */
const STOP_WORDS = new Set([
  'default',
  'kubernetes',
  'kube-dns',
  'coredns',
  'kube-proxy',
  'flannel',
  'kube-flannel',
  'calico',
  'calico-node',
  'canal',
  'metallb',
  'speaker',
  'kube-vip',
  'cluster',
  'local',
  'cluster.local',
  'svc',
  'http',
  'https',
  'dns',
  'dns-tcp',
  'metrics',
  'tcp',
  'udp',
  'sctp',
  'grpc',
  'none',
  'true',
  'false',
  'ready',
  'node',
  'nodes',
  'pod',
  'pods',
  'service',
  'services',
  'app',
  'name',
  'localhost',
  'master',
  'control-plane',
  'worker',
  'cni0',
  'eth0',
  'lo',
  'docker0',
  'flannel.1',
  'null',
]);

export type NameKind =
  | 'node'
  | 'namespace'
  | 'service'
  | 'pod'
  | 'deployment'
  | 'daemonset'
  | 'statefulset'
  | 'workload'
  | 'configmap'
  | 'domain';

const PREFIX: Record<NameKind, string> = {
  node: 'node',
  namespace: 'ns',
  service: 'svc',
  pod: 'pod',
  deployment: 'deploy',
  daemonset: 'ds',
  statefulset: 'sts',
  workload: 'wl',
  configmap: 'cm',
  domain: 'dom',
};

/** node names never renamed (they are words with a meaning, not names); `control-plane` is not one */
const NODE_KEEP = new Set(['localhost', 'kubernetes', 'default', 'none', 'null', 'true', 'false', 'node']);

/**
 * The generated part after a base name: a hash (`7d9f8b6c5d`), a pod suffix (`x2x4q`), both, or the
 * bare dash of a generateName (`web-`). Kubernetes draws these from digits and consonants.
 */
const GENERATED_SUFFIX = /^(?:[a-z0-9]*[0-9][a-z0-9]*|[bcdfghjklmnpqrstvwxz2-9]{5})(?:-[a-z0-9]{5})?-?$|^$/;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const NAME_OK = /^[A-Za-z0-9][A-Za-z0-9_.-]{1,252}$/;

export class NameMap {
  /** original -> pseudonym */
  readonly forward = new Map<string, string>();
  private readonly kinds = new Map<string, NameKind>();
  private readonly reserved = new Set<string>(STOP_WORDS);
  private bases: { name: string; kind: NameKind }[] = [];
  private readonly nodes = new Set<string>();
  private nodeRes: { node: string; re: RegExp }[] | undefined;

  constructor(
    private readonly key: RedactKey,
    existing?: Record<string, string>,
  ) {
    if (existing) for (const [k, v] of Object.entries(existing)) this.forward.set(k, v);
  }

  /** a name the analyzer must see unchanged (objects of the system namespaces) */
  reserve(name: string): void {
    if (!this.forward.has(name)) this.reserved.add(name);
  }

  private pseudo(kind: NameKind, name: string): string {
    return `${PREFIX[kind]}-${this.key.short(`name:${kind}`, name)}`;
  }

  /** node names beat the keep-words of the system namespaces (`control-plane` is a node's name too) */
  private nodeUsable(name: string): boolean {
    return NAME_OK.test(name) && !NODE_KEEP.has(name) && !/^[\d.]+$/.test(name) && !name.startsWith('REDACTED-');
  }

  private usable(name: string): boolean {
    return NAME_OK.test(name) && !this.reserved.has(name) && !/^[\d.]+$/.test(name) && !name.startsWith('REDACTED-');
  }

  /** a base name (namespace, node, Service, workload): pseudonym from the key */
  addBase(kind: NameKind, name: string): void {
    if (this.forward.has(name)) return;
    if (kind === 'node' ? !this.nodeUsable(name) : !this.usable(name)) return;
    if (kind === 'node' && name.includes('.')) {
      // FQDN node names: the first label maps like the short hostname does, the domain to one pseudonym
      const [first, ...rest] = name.split('.');
      this.addBase('node', first!);
      this.addBase('domain', rest.join('.'));
      const f = this.forward.get(first!) ?? first!;
      const d = this.forward.get(rest.join('.')) ?? rest.join('.');
      this.set(name, `${f}.${d}`, kind);
      return;
    }
    this.set(name, kind === 'domain' ? `${this.pseudo(kind, name)}.invalid` : this.pseudo(kind, name), kind);
    if (kind === 'node') {
      this.nodes.add(name);
      this.nodeRes = undefined;
    }
    if (kind !== 'node' && kind !== 'namespace' && kind !== 'domain') this.bases.push({ name, kind });
  }

  /**
   * A name derived from a base (pod `web-7d9f8b-x2x4q` of Deployment `web`, EndpointSlice
   * `web-abcde`, static pod `etcd-master-1` of node `master-1`): the base part is replaced, the
   * generated suffix kept, so the family still shows. Unrelated names get a pseudonym of `kind`.
   */
  addDerived(kind: NameKind, name: string, userNamespace: boolean): void {
    if (!NAME_OK.test(name) || this.forward.has(name)) return;
    for (const node of this.nodes) {
      if (name.endsWith(`-${node}`) && name.length > node.length + 1) {
        this.set(name, `${name.slice(0, -node.length)}${this.forward.get(node)}`, kind);
        return;
      }
    }
    if (!userNamespace || !this.usable(name)) return;
    let best: { name: string; kind: NameKind } | undefined;
    for (const b of this.bases)
      if (name.startsWith(`${b.name}-`) && (!best || b.name.length > best.name.length)) best = b;
    if (best) this.set(name, `${this.forward.get(best.name)}${name.slice(best.name.length)}`, kind);
    else this.addBase(kind, name);
  }

  /**
   * A pseudonym for a token the dictionary does not hold: a node name inside it between dashes
   * (`netsnap-worker-1-20250115T100000Z`, `etcd-control-plane`), or a user base name followed by a
   * generated suffix (`web-7d9f8b6c5d-x2x4q`, `web-`). Found ones join the dictionary (and the map).
   */
  derive(tok: string): string | undefined {
    if (this.reserved.has(tok) || tok.startsWith('REDACTED-') || tok.length > 253) return undefined;
    let out = tok;
    // inside a longer token only names that cannot be a common word part (`k8s` in `k8s-app` is not a node)
    this.nodeRes ??= [...this.nodes]
      .filter((n) => n.length >= 4 && /[-\d]/.test(n))
      .sort((a, b) => b.length - a.length)
      .map((node) => ({ node, re: new RegExp(`(^|[-_])${escapeRe(node)}(?=$|[-_])`, 'g') }));
    for (const { node, re } of this.nodeRes) {
      if (!out.includes(node)) continue;
      const p = this.forward.get(node);
      if (p !== undefined) out = out.replace(re, (_m, pre: string) => `${pre}${p}`);
    }
    if (out === tok) {
      for (let i = tok.indexOf('-'); i > 0; i = tok.indexOf('-', i + 1)) {
        const base = tok.slice(0, i);
        const kind = this.kinds.get(base);
        if (kind === undefined || kind === 'node' || kind === 'domain' || !GENERATED_SUFFIX.test(tok.slice(i + 1)))
          continue;
        out = `${this.forward.get(base)!}${tok.slice(i)}`;
      }
    }
    if (out === tok) return undefined;
    this.set(tok, out, 'workload');
    return out;
  }

  private set(name: string, pseudo: string, kind: NameKind): void {
    this.forward.set(name, pseudo);
    this.kinds.set(name, kind);
  }

  kindOf(name: string): NameKind | undefined {
    return this.kinds.get(name);
  }

  get size(): number {
    return this.forward.size;
  }
}

/** DNS-ish tokens: labels of letters, digits, `_` and `-`, joined by dots */
const TOKEN = /[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*/g;

/** a token right after these is a well-known key or role word, not a name (`node-role.kubernetes.io/control-plane`) */
const KEEP_AFTER = /(?:kubernetes\.io\/|k8s\.io\/|\btier["']?[ \t]*[:=][ \t]*["']?)$/;

export interface ReplaceOptions {
  readonly onHit?: (name: string) => void;
  /** a pseudonym for a token the dictionary does not hold (NameMap.derive) */
  readonly derive?: (token: string) => string | undefined;
}

/**
 * Replace every dictionary name in `text`. A dotted token is tried whole, then as runs of labels
 * (longest first), so `web.shop.svc.cluster.local` becomes `svc-x.ns-y.svc.cluster.local`.
 */
export function replaceNames(
  text: string,
  dict: ReadonlyMap<string, string>,
  onHitOrOpts?: ((name: string) => void) | ReplaceOptions,
): string {
  if (dict.size === 0) return text;
  const opts: ReplaceOptions = typeof onHitOrOpts === 'function' ? { onHit: onHitOrOpts } : (onHitOrOpts ?? {});
  const one = (name: string): string | undefined => {
    const v = dict.get(name) ?? opts.derive?.(name);
    if (v !== undefined) opts.onHit?.(name);
    return v;
  };
  return text.replace(TOKEN, (tok: string, offset: number) => {
    if (offset > 0 && text[offset - 1] !== undefined && /[/:=" \t']/.test(text[offset - 1]!)) {
      if (KEEP_AFTER.test(text.slice(Math.max(0, offset - 32), offset))) return tok;
    }
    const whole = one(tok);
    if (whole !== undefined) return whole;
    if (!tok.includes('.')) return tok;
    const labels = tok.split('.');
    const out: string[] = [];
    for (let i = 0; i < labels.length;) {
      let hit = false;
      for (let j = labels.length; j > i; j--) {
        const run = labels.slice(i, j).join('.');
        const v = j - i === 1 ? one(run) : dict.get(run);
        if (v !== undefined) {
          if (j - i > 1) opts.onHit?.(run);
          out.push(v);
          i = j;
          hit = true;
          break;
        }
      }
      if (!hit) out.push(labels[i++]!);
    }
    return out.join('.');
  });
}
