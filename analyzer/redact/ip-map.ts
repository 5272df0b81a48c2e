// Prefix-preserving IP pseudonyms that keep network meaning.
//  - Special addresses stay as they are: 0.0.0.0/8, loopback, link-local, multicast, reserved and
//    broadcast, documentation ranges, and well-known public resolvers (so "upstream is multicast"
//    or "forwards to 8.8.8.8" reads the same after redaction).
//  - Private and shared ranges stay in their range (10/8 stays in 10/8, 100.64/10 in 100.64/10).
//  - Between that range prefix and /24 (IPv6: /64) each bit is flipped by a keyed function of the
//    bits before it (the Crypto-PAn construction), so two addresses sharing a k-bit prefix still
//    share exactly k bits: every subnet, pod CIDR, Service CIDR and route keeps containing what it
//    contained. The last 8 bits (IPv6: 64) are kept, so .0 networks, .1 gateways, .10 DNS IPs and
//    /24-and-longer network addresses keep their shape.
//  - Public addresses stay public (re-applied until the result is public again).
import type { RedactKey } from './key.js';

interface Range {
  readonly bytes: readonly number[];
  readonly prefix: number;
}

const r4 = (cidr: string): Range => {
  const [a, p] = cidr.split('/');
  return { bytes: a!.split('.').map(Number), prefix: Number(p) };
};
const r6 = (cidr: string): Range => {
  const [a, p] = cidr.split('/');
  return { bytes: ipv6Bytes(a!)!, prefix: Number(p) };
};

const V4_KEEP = [
  '0.0.0.0/8',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '192.88.99.0/24',
].map(r4);
const V4_WITHIN = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '198.18.0.0/15'].map(r4);
/** public resolvers people configure as upstreams; kept so DNS findings read the same */
export const WELL_KNOWN_RESOLVERS = [
  '8.8.8.8',
  '8.8.4.4',
  '1.1.1.1',
  '1.0.0.1',
  '9.9.9.9',
  '149.112.112.112',
  '208.67.222.222',
  '208.67.220.220',
  '223.5.5.5',
  '223.6.6.6',
  '114.114.114.114',
  '114.114.115.115',
  '119.29.29.29',
  '180.76.76.76',
  '180.184.1.1',
  '94.140.14.14',
  '94.140.15.15',
  '64.6.64.6',
  '64.6.65.6',
  '4.2.2.1',
  '4.2.2.2',
  '2001:4860:4860::8888',
  '2001:4860:4860::8844',
  '2606:4700:4700::1111',
  '2606:4700:4700::1001',
  '2620:fe::fe',
  '2620:fe::9',
  '2400:3200::1',
  '2400:3200:baba::1',
];
const V6_KEEP = [
  '::/127',
  'fe80::/10',
  'ff00::/8',
  '2001:db8::/32',
  '64:ff9b::/96',
  '::ffff:0:0/96',
  '100::/64',
  '2001::/23',
].map(r6);
const V6_WITHIN = ['fc00::/7'].map(r6);
const V6_PUBLIC = r6('2000::/3');

function inRange(b: readonly number[], r: Range): boolean {
  if (b.length !== r.bytes.length) return false;
  let bits = r.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((b[i]! & mask) !== (r.bytes[i]! & mask)) return false;
  }
  return true;
}

export function ipv4Bytes(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const b = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return b.every((n) => n >= 0 && n <= 255) ? b : undefined;
}

export function ipv6Bytes(s: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length > 45) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const words = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (const [i, p] of parts.entries()) {
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = ipv4Bytes(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

export function formatIpv6(b: readonly number[]): string {
  const w = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return `::ffff:${b.slice(12).join('.')}`;
  // longest run of zero words (length >= 2) becomes ::
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(w);
  return `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

const bit = (b: readonly number[], i: number): number => (b[i >> 3]! >> (7 - (i & 7))) & 1;
const flip = (b: number[], i: number): void => {
  b[i >> 3]! ^= 1 << (7 - (i & 7));
};

export class IpPseudonymizer {
  private readonly prf = new Map<string, number>();
  private readonly memo = new Map<string, string>();
  constructor(private readonly key: RedactKey) {}

  private prfBit(family: string, prefixBits: string): number {
    const k = family + prefixBits;
    let v = this.prf.get(k);
    if (v === undefined) {
      v = this.key.digest(`ip${family}`, prefixBits)[0]! & 1;
      this.prf.set(k, v);
    }
    return v;
  }

  /** one application of the prefix-preserving permutation on bits [from, to) */
  private permute(b: readonly number[], family: string, from: number, to: number, inverse: boolean): number[] {
    const out = [...b];
    let prefix = '';
    for (let i = 0; i < from; i++) prefix += bit(b, i);
    for (let i = from; i < to; i++) {
      // the function's input is always the ORIGINAL prefix: the output's when inverting
      if (this.prfBit(family, prefix)) flip(out, i);
      prefix += bit(inverse ? out : b, i);
    }
    return out;
  }

  private mapBytes(b: readonly number[], inverse: boolean): number[] {
    const v4 = b.length === 4;
    const text = v4 ? b.join('.') : formatIpv6(b);
    if (WELL_KNOWN_RESOLVERS.includes(text)) return [...b];
    if (v4) {
      if (V4_KEEP.some((r) => inRange(b, r))) return [...b];
      const within = V4_WITHIN.find((r) => inRange(b, r));
      if (within) return this.permute(b, '4', within.prefix, 24, inverse);
      return this.walk(
        b,
        '4',
        24,
        inverse,
        (x) =>
          !V4_KEEP.some((r) => inRange(x, r)) &&
          !V4_WITHIN.some((r) => inRange(x, r)) &&
          !WELL_KNOWN_RESOLVERS.includes(x.join('.')),
      );
    }
    if (inRange(b, V6_KEEP[5]!)) {
      // IPv4-mapped: map the embedded IPv4 address the same way as a plain one
      return [...b.slice(0, 12), ...this.mapBytes(b.slice(12), inverse)];
    }
    if (V6_KEEP.some((r) => inRange(b, r))) return [...b];
    const within = V6_WITHIN.find((r) => inRange(b, r));
    if (within) return this.permute(b, '6', within.prefix, 64, inverse);
    if (!inRange(b, V6_PUBLIC)) return [...b];
    return this.walk(
      b,
      '6',
      64,
      inverse,
      (x) =>
        inRange(x, V6_PUBLIC) && !V6_KEEP.some((r) => inRange(x, r)) && !WELL_KNOWN_RESOLVERS.includes(formatIpv6(x)),
    );
  }

  /** cycle-walking keeps public addresses public and stays a bijection on them */
  private walk(
    b: readonly number[],
    family: string,
    to: number,
    inverse: boolean,
    ok: (x: number[]) => boolean,
  ): number[] {
    let x = this.permute(b, family, 0, to, inverse);
    for (let n = 0; !ok(x) && n < 10_000; n++) x = this.permute(x, family, 0, to, inverse);
    return x;
  }

  /** "10.244.1.5" -> pseudonym, or undefined when the text is not an address */
  address(text: string, inverse = false): string | undefined {
    const memoKey = (inverse ? '-' : '+') + text;
    const hit = this.memo.get(memoKey);
    if (hit !== undefined) return hit;
    const v4 = ipv4Bytes(text);
    const b = v4 ?? (text.includes(':') ? ipv6Bytes(text) : undefined);
    if (!b) return undefined;
    const m = this.mapBytes(b, inverse);
    const out = v4 ? m.join('.') : formatIpv6(m);
    this.memo.set(memoKey, out);
    return out;
  }

  /**
   * "10.244.0.0/16" -> the pseudonym network with the same prefix. Bits past the prefix are the
   * original's (a network address stays a network address, an interface address keeps its host).
   */
  cidr(addr: string, prefix: number, inverse = false): string | undefined {
    const v4 = ipv4Bytes(addr);
    const b = v4 ?? ipv6Bytes(addr);
    if (!b || prefix < 0 || prefix > b.length * 8) return undefined;
    const mappedText = this.address(addr, inverse);
    if (mappedText === undefined) return undefined;
    const m = v4 ? ipv4Bytes(mappedText)! : ipv6Bytes(mappedText)!;
    const out = b.map((orig, i) => {
      const bits = Math.max(0, Math.min(8, prefix - i * 8));
      const mask = (0xff << (8 - bits)) & 0xff;
      return (m[i]! & mask) | (orig & ~mask & 0xff);
    });
    return `${v4 ? out.join('.') : formatIpv6(out)}/${prefix}`;
  }
}
