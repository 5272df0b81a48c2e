// Well-known public DNS resolvers, and "one edit away" for typos like 233.5.5.5 for 223.5.5.5.
import { ipRange } from '../../model/net.js';

/** the address people mean, with who runs it; the first of each pair is the one suggested */
export const WELL_KNOWN_RESOLVERS: readonly { readonly ip: string; readonly provider: string }[] = [
  { ip: '223.5.5.5', provider: 'AliDNS' },
  { ip: '223.6.6.6', provider: 'AliDNS' },
  { ip: '114.114.114.114', provider: '114DNS' },
  { ip: '114.114.115.115', provider: '114DNS' },
  { ip: '119.29.29.29', provider: 'DNSPod' },
  { ip: '180.76.76.76', provider: 'Baidu DNS' },
  { ip: '8.8.8.8', provider: 'Google Public DNS' },
  { ip: '8.8.4.4', provider: 'Google Public DNS' },
  { ip: '1.1.1.1', provider: 'Cloudflare' },
  { ip: '1.0.0.1', provider: 'Cloudflare' },
  { ip: '9.9.9.9', provider: 'Quad9' },
  { ip: '149.112.112.112', provider: 'Quad9' },
  { ip: '208.67.222.222', provider: 'OpenDNS' },
  { ip: '208.67.220.220', provider: 'OpenDNS' },
];

/** real resolvers that sit one edit away from another and must never be called typos */
const ALSO_REAL = new Set([
  '1.1.1.2',
  '1.0.0.2',
  '1.1.1.3',
  '1.0.0.3',
  '9.9.9.10',
  '9.9.9.11',
  '9.9.9.12',
  '208.67.222.123',
  '208.67.220.123',
  '208.67.222.220',
  '208.67.220.222',
  '114.114.114.119',
  '114.114.115.119',
  '114.114.114.110',
  '114.114.115.110',
  '182.254.116.116',
  '1.2.4.8',
  '210.2.4.8',
  '94.140.14.14',
  '94.140.15.15',
  '4.2.2.1',
  '4.2.2.2',
]);

/** Damerau-Levenshtein distance of two short strings, capped: is it exactly one edit? */
function oneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diff = [...a].map((c, i) => (c === b[i] ? -1 : i)).filter((i) => i >= 0);
    if (diff.length === 1) return true;
    const [i, j] = diff;
    return (
      diff.length === 2 &&
      j === (i as number) + 1 &&
      a[i as number] === b[j as number] &&
      a[j as number] === b[i as number]
    );
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  if (l.length - s.length !== 1) return false;
  for (let i = 0; i < l.length; i++) if (l.slice(0, i) + l.slice(i + 1) === s) return true;
  return false;
}

/**
 * The well-known resolver `ip` is probably a typo of: exactly one octet differs, by one digit
 * changed, swapped, added or dropped. Never for the resolvers themselves or private addresses
 * (an internal 10.1.1.1 is deliberate, not a typo of 1.1.1.1).
 */
export function typoOf(ip: string): { readonly ip: string; readonly provider: string } | undefined {
  if (ALSO_REAL.has(ip) || WELL_KNOWN_RESOLVERS.some((r) => r.ip === ip)) return undefined;
  const range = ipRange(ip);
  if (range === undefined || range === 'private' || range === 'carrierGradeNat' || range === 'loopback')
    return undefined;
  const octets = ip.split('.');
  if (octets.length !== 4) return undefined;
  for (const r of WELL_KNOWN_RESOLVERS) {
    const ro = r.ip.split('.');
    const differing = octets.map((o, i) => (o === ro[i] ? -1 : i)).filter((i) => i >= 0);
    if (
      differing.length === 1 &&
      oneEdit(octets[differing[0] as number] as string, ro[differing[0] as number] as string)
    )
      return r;
  }
  return undefined;
}

/** ipaddr.js ranges no DNS server can live at */
export const UNUSABLE_RANGES: ReadonlySet<string> = new Set([
  'multicast',
  'loopback',
  'unspecified',
  'reserved',
  'linkLocal',
  'broadcast',
]);
