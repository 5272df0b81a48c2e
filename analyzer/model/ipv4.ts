// Plain dotted-quad IPv4 math without ipaddr.js (whose parse tries IPv6 first and throws, ~50 µs a
// new address): the tracer's hot loops (a packet meets 10,000 `-d <clusterIP>/32` rules of
// KUBE-SERVICES and one route per peer node at the scale envelope) and the fast path of net.ts.
// Only the canonical spelling ("10.96.0.10", "10.244.0.0/16": no leading zeros, prefix 0-32) is
// read here; anything else answers undefined and the caller asks net.ts (ipaddr.js), so the
// answers are the same, only cheaper.

/** "10.96.0.10" -> 0x0a60000a; undefined unless canonical dotted-quad */
export function v4(s: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero: ipaddr reads it as octal
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else return undefined;
  }
  if (digits === 0 || dots !== 3) return undefined;
  return n * 256 + part;
}

export interface V4Net {
  readonly net: number;
  readonly mask: number;
  readonly prefix: number;
}

const MEMO_MAX = 100_000;
const netMemo = new Map<string, V4Net | null>();

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.244.0.0/16" or a bare "10.96.0.10" (= /32); undefined unless canonical IPv4 */
export function v4Net(s: string): V4Net | undefined {
  const hit = netMemo.get(s);
  if (hit !== undefined) return hit ?? undefined;
  let made: V4Net | undefined;
  const slash = s.indexOf('/');
  const addr = v4(slash < 0 ? s : s.slice(0, slash));
  if (addr !== undefined) {
    const p = slash < 0 ? '32' : s.slice(slash + 1);
    const prefix = /^(0|[1-9]\d?)$/.test(p) ? Number(p) : 33;
    if (prefix <= 32) {
      const mask = maskOf(prefix);
      made = { net: (addr & mask) >>> 0, mask, prefix };
    }
  }
  if (netMemo.size >= MEMO_MAX) netMemo.clear();
  netMemo.set(s, made ?? null);
  return made;
}
