// Address and CIDR math on top of ipaddr.js, with the questions the rules ask.
import ipaddr from 'ipaddr.js';

export interface Cidr {
  readonly text: string; // canonical "10.244.0.0/16"
  readonly addr: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
  /** IPv4 only: the network and mask as unsigned 32-bit numbers, for a match without ipaddr.js */
  readonly v4?: { readonly net: number; readonly mask: number };
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

/**
 * Plain dotted-quad IPv4 ("10.244.1.7", no leading zeros) without ipaddr.js: its parse tries IPv6
 * first and throws, which made each new address cost ~50 µs. Other spellings ipaddr.js accepts
 * (octal, hex, one long number) still go through it.
 */
const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

function parseDottedQuad(s: string): ipaddr.IPv4 | undefined {
  const m = DOTTED_QUAD.exec(s);
  if (!m) return undefined;
  const octets = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  return octets.every((o) => o <= 255) ? new ipaddr.IPv4(octets) : undefined;
}

export function parseIp(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const hit = ipMemo.get(s);
  if (hit !== undefined) return hit ?? undefined;
  let value: ipaddr.IPv4 | ipaddr.IPv6 | undefined = parseDottedQuad(s);
  if (!value) {
    try {
      value = ipaddr.parse(s.trim());
    } catch {
      value = undefined;
    }
  }
  return remember(ipMemo, s, value);
}

const v4Number = (a: ipaddr.IPv4): number => {
  const o = a.octets;
  return ((o[0] as number) * 0x1000000 + ((o[1] as number) << 16) + ((o[2] as number) << 8) + (o[3] as number)) >>> 0;
};

const v4Mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

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
  const slash = t.indexOf('/');
  const quad = parseDottedQuad(slash < 0 ? t : t.slice(0, slash));
  const prefixText = slash < 0 ? '32' : t.slice(slash + 1);
  if (quad && /^(0|[1-9]\d?)$/.test(prefixText) && Number(prefixText) <= 32) {
    const prefix = Number(prefixText);
    const mask = v4Mask(prefix);
    const net = (v4Number(quad) & mask) >>> 0;
    const addr = new ipaddr.IPv4([net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255]);
    return { text: `${addr.toString()}/${prefix}`, addr, prefix, v4: { net, mask } };
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
  const a = parseIp(ip);
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  if (!a || !c || a.kind() !== c.addr.kind()) return false;
  if (c.v4) return ((v4Number(a as ipaddr.IPv4) & c.v4.mask) >>> 0) === c.v4.net;
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

/** ipaddr.js range names: "unicast", "private", "loopback", "multicast", "linkLocal", "reserved", "unspecified", "carrierGradeNat", "broadcast"... */
export function ipRange(ip: string): string | undefined {
  return parseIp(ip)?.range();
}
