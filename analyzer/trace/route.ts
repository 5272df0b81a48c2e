// The routing decision from a node's `ip -j route show table all` and its addresses: local
// delivery first (the local table), then the longest matching prefix of the main table.
import type { IpLink, IpRoute } from '../parse/types.js';
import { ipInCidr, parseCidr } from '../model/net.js';
import type { RouteChoice } from './types.js';

export function localAddresses(addrs: readonly IpLink[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const l of addrs ?? []) for (const a of l.addr_info ?? []) if (a.local) out.add(a.local);
  return out;
}

function routeCidr(r: IpRoute): string {
  return r.dst === 'default' ? '0.0.0.0/0' : r.dst;
}

export function lookupRoute(routes: readonly IpRoute[], local: ReadonlySet<string>, dst: string): RouteChoice {
  if (local.has(dst) || ipInCidr(dst, '127.0.0.0/8')) return { kind: 'local', dst, dev: 'lo' };
  let best: { r: IpRoute; prefix: number } | undefined;
  for (const r of routes) {
    const table = r.table ?? 'main';
    if (table === 'local') {
      if (r.type === 'local' && ipInCidr(dst, r.dst)) return { kind: 'local', dst: r.dst, dev: r.dev ?? 'lo', at: r.at };
      continue;
    }
    if (table !== 'main') continue;
    if (r.type === 'broadcast' || r.type === 'multicast' || r.type === 'anycast') continue;
    const c = parseCidr(routeCidr(r));
    if (!c || c.addr.kind() !== 'ipv4' || !ipInCidr(dst, c)) continue;
    if (!best || c.prefix > best.prefix || (c.prefix === best.prefix && (r.metric ?? 0) < (best.r.metric ?? 0))) best = { r, prefix: c.prefix };
  }
  if (!best) return { kind: 'none' };
  const r = best.r;
  const kind = r.type === 'blackhole' || r.type === 'unreachable' || r.type === 'prohibit' ? r.type : 'unicast';
  return { kind, dst: r.dst, dev: r.dev, gateway: r.gateway, prefsrc: r.prefsrc, at: r.at };
}

/** The address MASQUERADE picks: the route's preferred source, else the first IPv4 of the device. */
export function primaryAddress(addrs: readonly IpLink[] | undefined, dev: string | undefined, prefsrc?: string): string | undefined {
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
