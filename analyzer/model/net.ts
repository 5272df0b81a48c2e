// Address and CIDR math on top of ipaddr.js, with the questions the rules ask.
import ipaddr from 'ipaddr.js';
import { v4, v4Net, type V4Net } from './ipv4.js';

export interface Cidr {
  readonly text: string; // canonical "10.244.0.0/16"
  readonly addr: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
  /** canonical IPv4 only: network and mask as unsigned 32-bit numbers, for a match without ipaddr.js */
  readonly v4?: V4Net;
}

/**
 * Parsed addresses and CIDRs by their text. Rules ask about the same few thousand strings
 * (node podCIDRs, routes, ClusterIPs) millions of times at the 5,000-node envelope, and
 * ipaddr.js parsing dominated the profile. Results are shared, so callers must not mutate them.
 */
const MEMO_MAX = 200_000;
const ipMemo = new Map<string, ipaddr.IPv4 | ipaddr.IPv6 | null>();
const cidrMemo = new Map<string, Cidr | null>();

function remember<T>(memo: Map<string, T | null>, key: string, value: T | undefined): T | undefined {
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, value ?? null);
  return value;
}

export function parseIp(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const hit = ipMemo.get(s);
  if (hit !== undefined) return hit ?? undefined;
  const n = v4(s);
  let value: ipaddr.IPv4 | ipaddr.IPv6 | undefined = n === undefined ? undefined : octetsOf(n);
  if (!value) {
    try {
      value = ipaddr.parse(s.trim());
    } catch {
      value = undefined;
    }
  }
  return remember(ipMemo, s, value);
}

const octetsOf = (n: number): ipaddr.IPv4 => new ipaddr.IPv4([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

export function isIp(s: string): boolean {
  return parseIp(s) !== undefined;
}

/** "10.244.1.1/24" -> network 10.244.1.0/24; a bare address becomes /32 or /128. */
export function parseCidr(s: string): Cidr | undefined {
  const hit = cidrMemo.get(s);
  if (hit !== undefined) return hit ?? undefined;
  return remember(cidrMemo, s, parseCidrUncached(s));
}

function parseCidrUncached(s: string): Cidr | undefined {
  const t = s.trim();
  const quad = v4Net(t);
  if (quad) {
    const addr = octetsOf(quad.net);
    return { text: `${addr.toString()}/${quad.prefix}`, addr, prefix: quad.prefix, v4: quad };
  }
  try {
    if (!t.includes('/')) {
      const a = ipaddr.parse(t);
      const prefix = a.kind() === 'ipv4' ? 32 : 128;
      return { text: `${a.toString()}/${prefix}`, addr: a, prefix };
    }
    const [a, prefix] = ipaddr.parseCIDR(t);
    const net = networkOf(a, prefix);
    return { text: `${net.toString()}/${prefix}`, addr: net, prefix };
  } catch {
    return undefined;
  }
}

function networkOf(a: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  if (a.kind() === 'ipv4') return ipaddr.IPv4.networkAddressFromCIDR(`${a.toString()}/${prefix}`);
  return ipaddr.IPv6.networkAddressFromCIDR(`${a.toString()}/${prefix}`);
}

export function ipInCidr(ip: string, cidr: string | Cidr): boolean {
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  if (!c) return false;
  // canonical IPv4 on both sides (nearly every call, and the tracer's hot loop): integers only
  const n = c.v4 && v4(ip);
  if (c.v4 && n !== undefined) return (n & c.v4.mask) >>> 0 === c.v4.net;
  const a = parseIp(ip);
  if (!a || a.kind() !== c.addr.kind()) return false;
  return (a as ipaddr.IPv4).match(c.addr as ipaddr.IPv4, c.prefix);
}

/** outer contains inner (every address of inner is in outer) */
export function cidrContains(outer: string | Cidr, inner: string | Cidr): boolean {
  const o = typeof outer === 'string' ? parseCidr(outer) : outer;
  const i = typeof inner === 'string' ? parseCidr(inner) : inner;
  if (!o || !i || o.addr.kind() !== i.addr.kind()) return false;
  return i.prefix >= o.prefix && (i.addr as ipaddr.IPv4).match(o.addr as ipaddr.IPv4, o.prefix);
}

export function cidrOverlaps(a: string | Cidr, b: string | Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

export function sameCidr(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return !!x && !!y && x.text === y.text;
}

/**
 * ipaddr.js range names: "unicast", "private", "loopback", "multicast", "linkLocal", "reserved", "unspecified",
 * "carrierGradeNat", "broadcast"...
 */
export function ipRange(ip: string): string | undefined {
  return parseIp(ip)?.range();
}
