// Which Corefile directives and properties each CoreDNS release accepts.
//
// Provenance: plugin.cfg of coredns/coredns at every release tag v1.0.0 .. v1.14.7 (read from the
// repository's tags; v1.14.7 = 427fc80ed9ca47f354585eb30a3f1332950856c4): a plugin is a directive
// from the first release whose plugin.cfg lists it up to, not including, the first release that
// drops it. Removed properties from plugin/kubernetes/setup.go at the tags around the removal
// (`case "upstream"` is in v1.6.9 1766568, gone in v1.7.0 f59c03d: notes/coredns-1.7.0.md "Remove already
// deprecated options `resyncperiod` and `upstream`" coredns/coredns#3737; `case "transfer"` is in v1.7.1
// aa82ca6, gone in v1.8.0 054c9ae, replaced by the transfer plugin). `proxy` left plugin.cfg in 1.5.0
// ("Move *proxy* to external", coredns/coredns#2651; 1.4.0 had deprecated it).

export type Version = readonly [number, number, number];

/** directive -> [first release, first release without it] */
export const PLUGIN_RELEASES: Readonly<Record<string, readonly [string, string?]>> = {
  tls: ['1.0.0'],
  root: ['1.0.0'],
  bind: ['1.0.0'],
  debug: ['1.0.0'],
  trace: ['1.0.0'],
  health: ['1.0.0'],
  pprof: ['1.0.0'],
  prometheus: ['1.0.0'],
  errors: ['1.0.0'],
  log: ['1.0.0'],
  dnstap: ['1.0.0'],
  chaos: ['1.0.0'],
  cache: ['1.0.0'],
  rewrite: ['1.0.0'],
  loadbalance: ['1.0.0'],
  dnssec: ['1.0.0'],
  autopath: ['1.0.0'],
  reverse: ['1.0.0', '1.2.0'],
  hosts: ['1.0.0'],
  federation: ['1.0.0', '1.7.0'],
  kubernetes: ['1.0.0'],
  file: ['1.0.0'],
  auto: ['1.0.0'],
  secondary: ['1.0.0'],
  etcd: ['1.0.0'],
  proxy: ['1.0.0', '1.5.0'],
  erratic: ['1.0.0'],
  whoami: ['1.0.0'],
  startup: ['1.0.0', '1.1.1'],
  shutdown: ['1.0.0', '1.1.1'],
  nsid: ['1.0.1'],
  template: ['1.0.3'],
  route53: ['1.0.5'],
  forward: ['1.0.5'],
  on: ['1.0.5'],
  reload: ['1.1.0'],
  metadata: ['1.2.0'],
  loop: ['1.2.1'],
  k8s_external: ['1.3.0'],
  cancel: ['1.5.0'],
  ready: ['1.5.0'],
  grpc: ['1.5.0'],
  any: ['1.5.1'],
  azure: ['1.6.2'],
  clouddns: ['1.6.3'],
  sign: ['1.6.3'],
  acl: ['1.6.4'],
  transfer: ['1.6.5'],
  bufsize: ['1.6.6'],
  dns64: ['1.7.0'],
  local: ['1.8.1'],
  minimal: ['1.8.4'],
  geoip: ['1.8.5'],
  header: ['1.8.5'],
  tsig: ['1.9.4'],
  view: ['1.10.0'],
  timeouts: ['1.10.1'],
  multisocket: ['1.12.0'],
  quic: ['1.12.2'],
  nomad: ['1.13.0'],
  grpc_server: ['1.14.0'],
  https: ['1.14.0'],
  https3: ['1.14.0'],
  proxyproto: ['1.14.3'],
  shed: ['1.14.7'],
};

/** directives of the Corefile syntax itself (Caddy), valid in every release */
export const SYNTAX_DIRECTIVES: ReadonlySet<string> = new Set(['import']);

/** plugin -> property -> first release that rejects it, and what replaces it */
export const REMOVED_PROPERTIES: Readonly<
  Record<string, Readonly<Record<string, { readonly removed: string; readonly instead: string }>>>
> = {
  kubernetes: {
    upstream: {
      removed: '1.7.0',
      instead:
        "delete the line: the kubernetes plugin resolves external CNAME targets through the server's own forward",
    },
    resyncperiod: { removed: '1.7.0', instead: 'delete the line' },
    transfer: { removed: '1.8.0', instead: 'use the transfer plugin (`transfer { to * }`) in the server block' },
  },
};

/**
 * Block properties each plugin has accepted in some release: the `case "..."` labels of its setup.go
 * at v1.0.6, v1.2.2, v1.4.0, v1.6.9, v1.8.0, v1.10.0, v1.11.1, v1.12.0, v1.13.1 and v1.14.7 (cache's
 * `success`/`denial` are constants there). A property outside its plugin's set is rejected by every
 * release ("unknown property"); plugins not listed are not checked.
 */
export const KNOWN_PROPERTIES: Readonly<Record<string, ReadonlySet<string>>> = {
  forward: new Set([
    'doh_method',
    'domain',
    'except',
    'expire',
    'failfast_all_unhealthy_upstreams',
    'failover',
    'force_tcp',
    'health_check',
    'max_age',
    'max_concurrent',
    'max_connect_attempts',
    'max_fails',
    'max_idle_conns',
    'next',
    'next_on_nodata',
    'no_rec',
    'policy',
    'prefer_udp',
    'random',
    'read_timeout',
    'resolver',
    'round_robin',
    'sequential',
    'source_address',
    'tls',
    'tls_servername',
  ]),
  kubernetes: new Set([
    'apiserver_burst',
    'apiserver_max_inflight',
    'apiserver_qps',
    'endpoint',
    'endpoint_pod_names',
    'fallthrough',
    'ignore',
    'kubeconfig',
    'labels',
    'multicluster',
    'namespace_labels',
    'namespaces',
    'noendpoints',
    'pods',
    'resyncperiod',
    'startup_timeout',
    'tls',
    'transfer',
    'ttl',
    'upstream',
    'zonal',
  ]),
  health: new Set(['lameduck']),
  cache: new Set([
    'success',
    'denial',
    'disable',
    'keepttl',
    'prefer_positive',
    'prefetch',
    'serve_stale',
    'serve_stale_policy',
    'servfail',
  ]),
  hosts: new Set(['fallthrough', 'fallthrough_unsupported', 'no_reverse', 'reload', 'ttl']),
  log: new Set(['class']),
  errors: new Set(['consolidate', 'debug', 'error', 'info', 'stacktrace', 'warning']),
  template: new Set(['additional', 'answer', 'authority', 'ederror', 'fallthrough', 'match', 'rcode', 'upstream']),
};

export const LATEST_KNOWN = '1.14.7';

export function parseVersion(v: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const atLeast = (v: Version, w: string): boolean => compareVersions(v, parseVersion(w) as Version) >= 0;

/**
 * Does release `v` accept `directive`? undefined when no release ever had it (a typo, an external
 * plugin compiled into a custom build).
 */
export function directiveInRelease(
  directive: string,
  v: Version,
): { ok: boolean; since: string; removed?: string } | undefined {
  if (SYNTAX_DIRECTIVES.has(directive)) return { ok: true, since: '1.0.0' };
  const r = PLUGIN_RELEASES[directive];
  if (!r) return undefined;
  const [since, removed] = r;
  return {
    ok: atLeast(v, since) && (removed === undefined || !atLeast(v, removed)),
    since,
    ...(removed ? { removed } : {}),
  };
}

export function propertyRemovedIn(
  plugin: string,
  property: string,
  v: Version,
): { removed: string; instead: string } | undefined {
  const p = REMOVED_PROPERTIES[plugin]?.[property];
  return p && atLeast(v, p.removed) ? p : undefined;
}
