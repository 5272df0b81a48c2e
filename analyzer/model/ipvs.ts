// kube-proxy's IPVS mode on one node, from what the collector read: the virtual services and real
// servers of `ipvsadm -Ln` (and `--stats`), the ipsets of `ipset list` with their members, and the
// addresses kube-proxy bound to the dummy interface kube-ipvs0. Parsed on demand and kept per host
// (the tracer and several rules read the same node). Set membership is decided here, as the kernel's
// ip_set_test does, so the tracer can evaluate `-m set --match-set KUBE-CLUSTER-IP dst,dst`.
import { parseIpsetList, type IpsetMember, type IpsetSet } from '../parse/ipset.js';
import { parseIpvsadm, type IpvsVirtualService } from '../parse/ipvsadm.js';
import { ipInCidr } from './net.js';
import type { FileRef, HostState } from './types.js';

export interface IpvsHost {
  /** virtual services of `ipvsadm -Ln`; undefined when it was not collected */
  readonly services?: readonly IpvsVirtualService[];
  readonly servicesRef?: FileRef;
  /** `--stats` counters by virtual service key (`TCP 10.96.0.10:53`) */
  readonly stats?: ReadonlyMap<string, Readonly<Record<string, number>>>;
  readonly statsRef?: FileRef;
  /** sets of the full `ipset list` by name; undefined when only names (or nothing) were collected */
  readonly sets?: ReadonlyMap<string, IpsetSet>;
  readonly setsRef?: FileRef;
  /** addresses on kube-ipvs0 (without prefix); undefined when addresses were not collected */
  readonly kubeIpvs0?: readonly string[];
}

const cache = new WeakMap<HostState, IpvsHost>();

export function ipvsOf(host: HostState): IpvsHost {
  const hit = cache.get(host);
  if (hit) return hit;
  const listing = host.ipvsadm ? parseIpvsadm(host.ipvsadm.value).value : undefined;
  const stats = host.ipvsadmStats ? parseIpvsadm(host.ipvsadmStats.value).value : undefined;
  const sets = host.ipsetMembers ? parseIpsetList(host.ipsetMembers.value).value : undefined;
  const dev = host.addrs?.value.find((l) => l.ifname === 'kube-ipvs0');
  const out: IpvsHost = {
    ...(listing ? { services: listing.services, servicesRef: host.ipvsadm!.ref } : {}),
    ...(stats
      ? {
          stats: new Map(stats.services.map((s) => [vsKey(s.protocol, s.address, s.port), s.counters])),
          statsRef: host.ipvsadmStats!.ref,
        }
      : {}),
    ...(sets && !sets.some((s) => s.namesOnly)
      ? { sets: new Map(sets.map((s) => [s.name, s])), setsRef: host.ipsetMembers!.ref }
      : {}),
    ...(host.addrs
      ? { kubeIpvs0: dev ? (dev.addr_info ?? []).map((a) => a.local).filter((a): a is string => !!a) : [] }
      : {}),
  };
  cache.set(host, out);
  return out;
}

export const vsKey = (protocol: string, address: string, port?: number): string =>
  `${protocol.toUpperCase()} ${address.includes(':') ? `[${address}]` : address}${port === undefined ? '' : `:${port}`}`;

/** the virtual service a packet to `ip:port` meets at LOCAL_IN, if any (kube-proxy programs no FWM services) */
export function virtualServiceFor(
  ipvs: IpvsHost,
  proto: string,
  ip: string,
  port: number | undefined,
): IpvsVirtualService | undefined {
  if (port === undefined) return undefined;
  return ipvs.services?.find((s) => s.protocol === proto.toUpperCase() && s.address === ip && s.port === port);
}

/** the packet fields a set lookup reads */
export interface SetPacket {
  readonly src: string;
  readonly dst: string;
  readonly proto: string;
  readonly sport?: number;
  readonly dport?: number;
}

export type SetTest =
  | { readonly kind: 'member'; readonly member: IpsetMember }
  | { readonly kind: 'not-member' }
  | { readonly kind: 'unknown'; readonly why: string; readonly needs: readonly string[] };

/** `hash:ip,port,ip` → ['ip', 'port', 'ip'] */
function dimensions(type: string | undefined): string[] | undefined {
  const m = /^(?:hash|bitmap|list):(.+)$/.exec(type ?? '');
  return m ? (m[1] as string).split(',') : undefined;
}

function partMatches(dim: string, part: string, p: SetPacket, fromSrc: boolean): boolean {
  if (dim === 'ip' || dim === 'net') {
    const ip = fromSrc ? p.src : p.dst;
    return part.includes('/') ? ipInCidr(ip, part) : part === ip;
  }
  if (dim === 'port') {
    const port = fromSrc ? p.sport : p.dport;
    if (port === undefined || (p.proto !== 'tcp' && p.proto !== 'udp' && p.proto !== 'sctp')) return false;
    // bitmap:port members are bare numbers; hash sets print `tcp:53` (the parser names protocol numbers)
    const m = /^(?:([a-z]+):)?(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return false;
    if (m[1] !== undefined && m[1] !== p.proto) return false;
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    return port >= lo && port <= hi;
  }
  return false;
}

/**
 * Is the packet in the set, read with `--match-set <name> <flags>`? As ip_set_test: fewer flags than
 * the set has dimensions never match; each flag picks the source or destination field of its
 * dimension. Unknown when the members were not collected, the set is not listed, its type is one this
 * does not read, or the listing was cut short and the packet was not among the members kept.
 */
export function testSet(ipvs: IpvsHost, name: string, flags: readonly string[], p: SetPacket): SetTest {
  if (!ipvs.sets)
    return {
      kind: 'unknown',
      why: `the members of ipset ${name} are not in the bundle (ipset list -n names sets only)`,
      needs: ['host.ipset-members'],
    };
  const set = ipvs.sets.get(name);
  if (!set) return { kind: 'unknown', why: `ipset ${name} is not in the collected ipset list`, needs: [] };
  const dims = dimensions(set.type);
  if (!dims || dims.some((d) => d !== 'ip' && d !== 'net' && d !== 'port'))
    return {
      kind: 'unknown',
      why: `ipset ${name} has type ${set.type ?? '?'}, which the tracer does not read`,
      needs: [],
    };
  if (flags.length < dims.length) return { kind: 'not-member' };
  const hit = set.members.find(
    (m) =>
      m.parts.length === dims.length &&
      dims.every((d, i) => partMatches(d, m.parts[i] as string, p, flags[i] === 'src')),
  );
  if (hit) return { kind: 'member', member: hit };
  if (set.declaredEntries !== undefined && set.declaredEntries > set.members.length)
    return {
      kind: 'unknown',
      why: `ipset ${name} lists ${set.members.length} of its ${set.declaredEntries} members`,
      needs: [],
    };
  return { kind: 'not-member' };
}
