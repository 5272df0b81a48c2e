// What kube-proxy's nftables mode programs, read back from `nft -j list ruleset` (./nft-json.ts):
// table ip/ip6 kube-proxy maps each Service destination (`service-ips`: ip . proto . port, and
// `service-nodeports`: proto . port) to a chain; an `external-…` chain short-circuits to the
// `service-…` chain, which picks an endpoint chain with `numgen random mod N vmap { i : goto … }`;
// each `endpoint-…` chain DNATs to the endpoint. `no-endpoint-services` / `no-endpoint-nodeports`
// drop or reject what has no endpoint. Layout from kube-proxy pkg/proxy/nftables/proxier.go
// (kubernetes/kubernetes), checked on fixtures/reference/nft/. Pure; bounded by the ruleset.
import { mapElements, nftKey, verdictOf, type NftJsonRuleset, type NftJsonRule } from './nft-json.js';

export interface NftEndpoint {
  readonly ip: string;
  readonly port?: number;
  /** the endpoint chain (evidence: its dnat rule) */
  readonly chain: string;
  readonly rule?: NftJsonRule;
}

export interface NftServicePort {
  readonly family: 'ip' | 'ip6';
  /** undefined for a NodePort entry (any node IP in nodeport-ips) */
  readonly ip?: string;
  readonly proto: string;
  readonly port: number;
  /** the chain the map sends it to: `service-…` (ClusterIP) or `external-…` (external IP, LB, NodePort) */
  readonly chain: string;
  /** `namespace/name/proto/port` from the chain name, when it has that shape */
  readonly servicePort?: string;
  /** in numgen order (each is picked with probability 1/N) */
  readonly endpoints: readonly NftEndpoint[];
  /** the map's position in the listing, for evidence (/nftables/<map index>) */
  readonly mapIndex: number;
  /** the element's pointer: /nftables/<map index>/map/elem/<i> */
  readonly pointer: string;
}

export interface NftNoEndpoint {
  readonly family: 'ip' | 'ip6';
  readonly ip?: string;
  readonly proto: string;
  readonly port: number;
  readonly verdict: 'drop' | 'reject';
  /** kube-proxy writes `namespace/name:port` as the element comment */
  readonly comment?: string;
  /** the element's pointer: /nftables/<map index>/map/elem/<i> */
  readonly pointer: string;
}

export interface KubeProxyNft {
  readonly family: 'ip' | 'ip6';
  /** /nftables/<i> of the table item */
  readonly tableIndex: number;
  /** /nftables/<i> of the service-ips map, when there is one */
  readonly serviceMapIndex?: number;
  readonly services: readonly NftServicePort[];
  readonly noEndpoints: readonly NftNoEndpoint[];
  readonly clusterIps: readonly string[];
}

const SERVICE_PORT = /^(?:service|external)-[A-Z0-9]{8}-(.+)$/;
/** numgen picks at most this many endpoints in one vmap; kube-proxy writes one entry per endpoint */
const MAX_ENDPOINTS = 100_000;

function rulesOf(rs: NftJsonRuleset, family: string, chain: string): readonly NftJsonRule[] {
  return rs.rules.get(nftKey(family, 'kube-proxy', chain)) ?? [];
}

/** an external-… chain's final `goto service-…` (the path of traffic from outside the node) */
function serviceChainOf(rs: NftJsonRuleset, family: string, chain: string): string {
  if (!chain.startsWith('external-')) return chain;
  let target = chain;
  for (const r of rulesOf(rs, family, chain))
    for (const e of r.expr) {
      const v = verdictOf(e);
      if (v?.kind === 'goto' && v.target.startsWith('service-')) target = v.target;
    }
  return target;
}

function endpointOf(rs: NftJsonRuleset, family: string, chain: string): NftEndpoint {
  for (const r of rulesOf(rs, family, chain))
    for (const e of r.expr) {
      const dnat = (e as { dnat?: { addr?: unknown; port?: unknown } }).dnat;
      if (dnat && typeof dnat.addr === 'string')
        return { ip: dnat.addr, ...(typeof dnat.port === 'number' ? { port: dnat.port } : {}), chain, rule: r };
    }
  // no dnat rule: the chain name still says where (`…__10.180.0.1/80`)
  const m = /__([0-9a-fA-F.:]+)\/(\d+)$/.exec(chain);
  return { ip: m?.[1] ?? '', ...(m?.[2] ? { port: Number(m[2]) } : {}), chain };
}

function endpointsOf(rs: NftJsonRuleset, family: string, serviceChain: string): NftEndpoint[] {
  for (const r of rulesOf(rs, family, serviceChain))
    for (const e of r.expr) {
      const vmap = (e as { vmap?: { key?: unknown; data?: unknown } }).vmap;
      if (!vmap || !(vmap.key && typeof vmap.key === 'object' && 'numgen' in vmap.key)) continue;
      const set = (vmap.data as { set?: unknown } | undefined)?.set;
      if (!Array.isArray(set)) continue;
      return mapElements(set.slice(0, MAX_ENDPOINTS))
        .sort((a, b) => Number(a.key[0]) - Number(b.key[0]))
        .flatMap((el) => {
          const v = verdictOf(el.value);
          return v && (v.kind === 'goto' || v.kind === 'jump') ? [endpointOf(rs, family, v.target)] : [];
        });
    }
  return [];
}

/** kube-proxy's nftables state for one family, or undefined when there is no table <family> kube-proxy */
export function kubeProxyNft(rs: NftJsonRuleset, family: 'ip' | 'ip6' = 'ip'): KubeProxyNft | undefined {
  const table = rs.tables.find((t) => t.family === family && t.name === 'kube-proxy');
  if (!table) return undefined;
  const serviceMap = rs.sets.get(nftKey(family, 'kube-proxy', 'service-ips'));
  const services: NftServicePort[] = [];
  for (const [mapName, withIp] of [
    ['service-ips', true],
    ['service-nodeports', false],
  ] as const) {
    const map = rs.sets.get(nftKey(family, 'kube-proxy', mapName));
    if (!map) continue;
    for (const el of mapElements(map.elem)) {
      const v = verdictOf(el.value);
      if (!v || (v.kind !== 'goto' && v.kind !== 'jump')) continue;
      const [a, b, c] = el.key;
      const ip = withIp ? String(a) : undefined;
      const proto = String(withIp ? b : a);
      const port = Number(withIp ? c : b);
      const serviceChain = serviceChainOf(rs, family, v.target);
      const sp = SERVICE_PORT.exec(serviceChain)?.[1];
      services.push({
        family,
        ...(ip !== undefined ? { ip } : {}),
        proto,
        port,
        chain: v.target,
        ...(sp !== undefined ? { servicePort: sp } : {}),
        endpoints: endpointsOf(rs, family, serviceChain),
        mapIndex: map.index,
        pointer: `/nftables/${map.index}/map/elem/${el.at}`,
      });
    }
  }
  const noEndpoints: NftNoEndpoint[] = [];
  for (const [mapName, withIp] of [
    ['no-endpoint-services', true],
    ['no-endpoint-nodeports', false],
  ] as const) {
    const map = rs.sets.get(nftKey(family, 'kube-proxy', mapName));
    if (!map) continue;
    for (const el of mapElements(map.elem)) {
      const v = verdictOf(el.value);
      const verdict =
        v?.kind === 'drop' ? 'drop' : v?.kind === 'goto' && v.target === 'reject-chain' ? 'reject' : undefined;
      if (!verdict) continue;
      const [a, b, c] = el.key;
      noEndpoints.push({
        family,
        ...(withIp ? { ip: String(a) } : {}),
        proto: String(withIp ? b : a),
        port: Number(withIp ? c : b),
        verdict,
        ...(el.comment !== undefined ? { comment: el.comment } : {}),
        pointer: `/nftables/${map.index}/map/elem/${el.at}`,
      });
    }
  }
  const clusterIpSet = rs.sets.get(nftKey(family, 'kube-proxy', 'cluster-ips'));
  const clusterIps = (clusterIpSet?.elem ?? []).filter((e): e is string => typeof e === 'string');
  return {
    family,
    tableIndex: table.index,
    ...(serviceMap ? { serviceMapIndex: serviceMap.index } : {}),
    services,
    noEndpoints,
    clusterIps,
  };
}
