import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, ipInCidr, ipRange } from '../model/net.js';
import { RedactKey } from './key.js';
import { IpPseudonymizer, formatIpv6, ipv6Bytes } from './ip-map.js';

const key = new RedactKey('000102030405060708090a0b0c0d0e0f');
const ips = new IpPseudonymizer(key);
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((t) => t.join('.'));
const commonPrefix = (a: string, b: string): number => {
  const n = (s: string) => s.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const x = (n(a) ^ n(b)) >>> 0;
  return x === 0 ? 32 : Math.clz32(x);
};

describe('IP pseudonyms', () => {
  it('keeps special ranges and well-known resolvers unchanged', () => {
    for (const a of [
      '0.0.0.0',
      '127.0.0.1',
      '169.254.169.254',
      '224.0.0.251',
      '233.5.5.5',
      '255.255.255.255',
      '8.8.8.8',
      '223.5.5.5',
      '1.1.1.1',
      '::1',
      'fe80::1',
      'ff02::1',
      '2001:4860:4860::8888',
    ])
      expect(ips.address(a)).toBe(a);
    expect(ips.cidr('224.0.0.0', 4)).toBe('224.0.0.0/4');
    expect(ips.cidr('0.0.0.0', 0)).toBe('0.0.0.0/0');
  });

  it('keeps the private range, the prefix length and the last octet', () => {
    const p = ips.address('10.244.1.5')!;
    expect(p).toMatch(/^10\.\d+\.\d+\.5$/);
    expect(p).not.toBe('10.244.1.5');
    expect(ips.address('192.168.56.11')).toMatch(/^192\.168\.\d+\.11$/);
    expect(ips.address('172.20.3.4')!.startsWith('172.')).toBe(true);
    expect(cidrContains('172.16.0.0/12', ips.address('172.20.3.4')!)).toBe(true);
    expect(ips.cidr('10.244.0.0', 16)).toMatch(/^10\.\d+\.0\.0\/16$/);
    expect(ips.cidr('10.244.1.1', 24)).toBe(`${ips.address('10.244.1.1')}/24`);
  });

  it('keeps subnet membership: pods in node subnets in the pod CIDR, ClusterIPs in the Service CIDR', () => {
    const podCidr = ips.cidr('10.244.0.0', 16)!;
    const node1 = ips.cidr('10.244.1.0', 24)!;
    const svcCidr = ips.cidr('10.96.0.0', 12)!;
    expect(cidrContains(podCidr, node1)).toBe(true);
    expect(ipInCidr(ips.address('10.244.1.77')!, node1)).toBe(true);
    expect(ipInCidr(ips.address('10.244.2.77')!, node1)).toBe(false);
    for (const c of ['10.96.0.1', '10.96.0.10', '10.100.200.3', '10.111.255.254'])
      expect(ipInCidr(ips.address(c)!, svcCidr), c).toBe(true);
    expect(ipInCidr(ips.address('10.112.0.1')!, svcCidr)).toBe(false);
  });

  it('is prefix-preserving for any two private addresses (property)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)),
        fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)),
        (a, b) => {
          const x = `10.${a.join('.')}`;
          const y = `10.${b.join('.')}`;
          expect(commonPrefix(ips.address(x)!, ips.address(y)!)).toBe(commonPrefix(x, y));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is a bijection that stays in the same kind of range and inverts (property)', () => {
    fc.assert(
      fc.property(v4, (a) => {
        const p = ips.address(a)!;
        expect(ipRange(p)).toBe(ipRange(a));
        expect(ips.address(p, true)).toBe(a);
      }),
      { numRuns: 500 },
    );
  });

  it('maps IPv6 keeping the /64 interface id, ULA in ULA, and inverts', () => {
    const a = '2600:1f18:abcd:1200::1';
    const p = ips.address(a)!;
    expect(p.endsWith('::1')).toBe(true);
    expect(p).not.toBe(a);
    expect(ips.address(p, true)).toBe(a);
    expect(ips.address('fd00:10:244:1::5')!.startsWith('fd') || ips.address('fd00:10:244:1::5')!.startsWith('fc')).toBe(
      true,
    );
    expect(formatIpv6(ipv6Bytes('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(ips.address('::ffff:10.244.1.5')).toBe(`::ffff:${ips.address('10.244.1.5')}`);
  });

  it('gives other pseudonyms under another key', () => {
    const other = new IpPseudonymizer(new RedactKey('ff0102030405060708090a0b0c0d0e0f'));
    const sample = ['10.244.1.5', '10.96.0.10', '192.168.56.11', '172.31.5.10', '100.64.1.2'];
    expect(sample.map((a) => other.address(a))).not.toEqual(sample.map((a) => ips.address(a)));
  });
});
