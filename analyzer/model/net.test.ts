import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { cidrContains, cidrOverlaps, ipInCidr, ipRange, parseCidr, sameCidr } from './net.js';

describe('net', () => {
  it('canonicalises CIDRs', () => {
    expect(parseCidr('10.244.1.1/24')?.text).toBe('10.244.1.0/24');
    expect(parseCidr('10.96.0.10')?.text).toBe('10.96.0.10/32');
    expect(parseCidr('nonsense')).toBeUndefined();
  });
  it.each([
    ['10.244.0.0/16', '10.244.3.0/24', true],
    ['10.244.0.0/16', '10.245.0.0/24', false],
    ['10.244.0.0/24', '10.244.0.0/16', false],
    ['10.0.0.0/8', '10.244.0.0/16', true],
  ])('%s contains %s: %s', (o, i, want) => expect(cidrContains(o, i)).toBe(want));
  it('matches addresses and overlaps', () => {
    expect(ipInCidr('10.244.1.7', '10.244.0.0/16')).toBe(true);
    expect(ipInCidr('10.96.0.10', '10.244.0.0/16')).toBe(false);
    expect(ipInCidr('fd00::1', '10.244.0.0/16')).toBe(false);
    expect(cidrOverlaps('10.244.0.0/24', '10.244.0.0/16')).toBe(true);
    expect(sameCidr('10.244.0.1/16', '10.244.0.0/16')).toBe(true);
  });
  it('names special ranges', () => {
    expect(ipRange('233.5.5.5')).toBe('multicast');
    expect(ipRange('127.0.0.53')).toBe('loopback');
    expect(ipRange('0.0.0.0')).toBe('unspecified');
    expect(ipRange('223.5.5.5')).toBe('unicast');
  });
  it('reads dotted quads itself exactly as ipaddr.js does', () => {
    const octet = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map(String),
      fc.constantFrom('256', '010', '00', '0x1f', '-1', ''),
    );
    const text = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
    const prefix = fc.oneof(fc.integer({ min: 0, max: 32 }).map(String), fc.constantFrom('33', '08', '', 'x'));
    fc.assert(
      fc.property(text, prefix, text, (addr, p, other) => {
        const cidr = `${addr}/${p}`;
        let want: string | undefined;
        try {
          const [a, n] = ipaddr.parseCIDR(cidr);
          want = `${ipaddr.IPv4.networkAddressFromCIDR(`${a.toString()}/${n}`).toString()}/${n}`;
        } catch {
          want = undefined;
        }
        expect(parseCidr(cidr)?.text).toBe(want);
        let inside: boolean;
        try {
          inside =
            ipaddr.parse(other).kind() === 'ipv4' &&
            want !== undefined &&
            (ipaddr.parse(other) as ipaddr.IPv4).match(ipaddr.parseCIDR(cidr) as [ipaddr.IPv4, number]);
        } catch {
          inside = false;
        }
        expect(ipInCidr(other, cidr)).toBe(inside);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
