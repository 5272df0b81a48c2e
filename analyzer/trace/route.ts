// The routing decision from a node's `ip -j route show table all` and its addresses: local
// delivery first (the local table), then the longest matching prefix of the main table.
import type { IpLink, IpRoute } from '../parse/types.js';
import { ipInCidr, parseCidr } from '../model/net.js';
import type { RouteChoice } from './types.js';
import { v4, v4Net, type V4Net } from '../model/ipv4.js';

export function localAddresses(addrs: readonly IpLink[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const l of addrs ?? []) for (const a of l.addr_info ?? []) if (a.local) out.add(a.local);
  return out;
}

function routeCidr(r: IpRoute): string {
  return r.dst === 'default' ? '0.0.0.0/0' : r.dst;
}

/** a route as the lookup reads it, its CIDR parsed once per routes list */
interface RouteEntry {
  readonly r: IpRoute;
  readonly kind: 'local' | 'main' | 'skip';
  /** canonical IPv4 destination; undefined: ask model/net.ts at lookup */
  readonly v4: V4Net | undefined;
}

// a node's routes are looked up for every traced packet (5,000 peer routes at the envelope)
const entriesCache = new WeakMap<readonly IpRoute[], readonly RouteEntry[]>();

function entriesOf(routes: readonly IpRoute[]): readonly RouteEntry[] {
  let known = entriesCache.get(routes);
  if (known) return known;
  known = routes.map((r): RouteEntry => {
    const table = r.table ?? 'main';
    if (table === 'local') return { r, kind: r.type === 'local' ? 'local' : 'skip', v4: v4Net(r.dst) };
    if (table !== 'main' || r.type === 'broadcast' || r.type === 'multicast' || r.type === 'anycast')
      return { r, kind: 'skip', v4: undefined };
    return { r, kind: 'main', v4: v4Net(routeCidr(r)) };
  });
  entriesCache.set(routes, known);
  return known;
}

const isLoopback = (dst: string): boolean => ipInCidr(dst, '127.0.0.0/8');

export function lookupRoute(routes: readonly IpRoute[], local: ReadonlySet<string>, dst: string): RouteChoice {
  const a = v4(dst);
  if (a === undefined) return lookupRouteSlow(routes, local, dst);
  if (local.has(dst) || isLoopback(dst)) return { kind: 'local', dst, dev: 'lo' };
  // the same walk as lookupRouteSlow, with each route's CIDR already parsed
  let best: { r: IpRoute; prefix: number } | undefined;
  for (const e of entriesOf(routes)) {
    if (e.kind === 'skip') continue;
    const r = e.r;
    if (e.kind === 'local') {
      const hit = e.v4 ? (a & e.v4.mask) >>> 0 === e.v4.net : ipInCidr(dst, r.dst);
      if (hit) return { kind: 'local', dst: r.dst, dev: r.dev ?? 'lo', at: r.at };
      continue;
    }
    let prefix: number;
    if (e.v4) {
      if ((a & e.v4.mask) >>> 0 !== e.v4.net) continue;
      prefix = e.v4.prefix;
    } else {
      const c = parseCidr(routeCidr(r));
      if (!c || c.addr.kind() !== 'ipv4' || !ipInCidr(dst, c)) continue;
      prefix = c.prefix;
    }
    if (!best || prefix > best.prefix || (prefix === best.prefix && (r.metric ?? 0) < (best.r.metric ?? 0)))
      best = { r, prefix };
  }
  return choice(best);
}

function choice(best: { r: IpRoute; prefix: number } | undefined): RouteChoice {
  if (!best) return { kind: 'none' };
  const r = best.r;
  const kind = r.type === 'blackhole' || r.type === 'unreachable' || r.type === 'prohibit' ? r.type : 'unicast';
  return { kind, dst: r.dst, dev: r.dev, gateway: r.gateway, prefsrc: r.prefsrc, at: r.at };
}

/** the reference walk: any address spelling ipaddr.js reads */
export function lookupRouteSlow(routes: readonly IpRoute[], local: ReadonlySet<string>, dst: string): RouteChoice {
  if (local.has(dst) || ipInCidr(dst, '127.0.0.0/8')) return { kind: 'local', dst, dev: 'lo' };
  let best: { r: IpRoute; prefix: number } | undefined;
  for (const r of routes) {
    const table = r.table ?? 'main';
    if (table === 'local') {
      if (r.type === 'local' && ipInCidr(dst, r.dst))
        return { kind: 'local', dst: r.dst, dev: r.dev ?? 'lo', at: r.at };
      continue;
    }
    if (table !== 'main') continue;
    if (r.type === 'broadcast' || r.type === 'multicast' || r.type === 'anycast') continue;
    const c = parseCidr(routeCidr(r));
    if (!c || c.addr.kind() !== 'ipv4' || !ipInCidr(dst, c)) continue;
    if (!best || c.prefix > best.prefix || (c.prefix === best.prefix && (r.metric ?? 0) < (best.r.metric ?? 0)))
      best = { r, prefix: c.prefix };
  }
  return choice(best);
}

/** The address MASQUERADE picks: the route's preferred source, else the first IPv4 of the device. */
export function primaryAddress(
  addrs: readonly IpLink[] | undefined,
  dev: string | undefined,
  prefsrc?: string,
): string | undefined {
  if (prefsrc) return prefsrc;
  const link = (addrs ?? []).find((l) => l.ifname === dev);
  return link?.addr_info?.find((a) => a.family === 'inet')?.local;
}

/** The bridge (or other device) whose connected subnet holds an address, e.g. cni0 for a local pod. */
export function deviceForSubnet(addrs: readonly IpLink[] | undefined, ip: string): string | undefined {
  for (const l of addrs ?? []) {
    for (const a of l.addr_info ?? []) {
      if (a.family === 'inet' && a.prefixlen < 32 && ipInCidr(ip, `${a.local}/${a.prefixlen}`)) return l.ifname;
    }
  }
  return undefined;
}
