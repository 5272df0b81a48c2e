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

export const KEPT_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'kube-flannel']);

/** never renamed, even when a user object has that name: they mean something to the analyzer */
const STOP_WORDS = new Set([
  'default',
  'kubernetes',
  'kube-dns',
  'coredns',
  'kube-proxy',
  'flannel',
  'kube-flannel',
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
  'node' | 'namespace' | 'service' | 'pod' | 'deployment' | 'daemonset' | 'statefulset' | 'workload' | 'domain';

const PREFIX: Record<NameKind, string> = {
  node: 'node',
  namespace: 'ns',
  service: 'svc',
  pod: 'pod',
  deployment: 'deploy',
  daemonset: 'ds',
  statefulset: 'sts',
  workload: 'wl',
  domain: 'dom',
};

const NAME_OK = /^[A-Za-z0-9][A-Za-z0-9_.-]{1,252}$/;

export class NameMap {
  /** original -> pseudonym */
  readonly forward = new Map<string, string>();
  private readonly kinds = new Map<string, NameKind>();
  private readonly reserved = new Set<string>(STOP_WORDS);
  private bases: { name: string; kind: NameKind }[] = [];
  private readonly nodes = new Set<string>();

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

  private usable(name: string): boolean {
    return NAME_OK.test(name) && !this.reserved.has(name) && !/^[\d.]+$/.test(name) && !name.startsWith('REDACTED-');
  }

  /** a base name (namespace, node, Service, workload): pseudonym from the key */
  addBase(kind: NameKind, name: string): void {
    if (!this.usable(name) || this.forward.has(name)) return;
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
    if (kind === 'node') this.nodes.add(name);
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

/**
 * Replace every dictionary name in `text`. A dotted token is tried whole, then as runs of labels
 * (longest first), so `web.shop.svc.cluster.local` becomes `svc-x.ns-y.svc.cluster.local`.
 */
export function replaceNames(text: string, dict: ReadonlyMap<string, string>, onHit?: (name: string) => void): string {
  if (dict.size === 0) return text;
  return text.replace(TOKEN, (tok) => {
    const whole = dict.get(tok);
    if (whole !== undefined) {
      onHit?.(tok);
      return whole;
    }
    if (!tok.includes('.')) return tok;
    const labels = tok.split('.');
    const out: string[] = [];
    for (let i = 0; i < labels.length;) {
      let hit = false;
      for (let j = labels.length; j > i; j--) {
        const run = labels.slice(i, j).join('.');
        const v = dict.get(run);
        if (v !== undefined) {
          onHit?.(run);
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
