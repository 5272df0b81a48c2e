// freeSubnet's range search must pick exactly what the plain scan over every node picked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../model/types.js';
import { cidrOverlaps } from '../../model/net.js';
import { freeSubnet } from './node-without-pod-cidr.js';

function naive(network: string, used: readonly string[]): string {
  const [base, prefix] = network.split('/');
  const octets = (base ?? '').split('.').map(Number);
  const count = 2 ** Math.max(0, 24 - Number(prefix));
  for (let i = 0; i < Math.min(count, 65536); i++) {
    const n = (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8)) + i * 256;
    const cand = `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.0/24`;
    if (!used.some((u) => cidrOverlaps(u, cand))) return cand;
  }
  return '<a free /24 of the pod network>';
}

const snapshot = (network: string, used: readonly string[]): Snapshot =>
  ({
    derived: { podCidr: { flannel: { value: network }, nodes: used.map((value) => ({ value })) } },
  }) as unknown as Snapshot;

const octet = fc.integer({ min: 0, max: 255 });
const cidr = fc
  .tuple(octet, octet, octet, fc.integer({ min: 8, max: 30 }))
  .map(([a, b, c, p]) => `${a}.${b}.${c}.0/${p}`);

describe('freeSubnet', () => {
  it('agrees with a scan of every node', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('10.244.0.0/16', '10.128.0.0/9', '192.168.0.0/20', '172.16.0.0/22'),
        fc.array(fc.oneof(cidr, fc.constantFrom('10.244.0.0/24', '10.244.1.0/24', 'fd00::/64', 'garbage')), {
          maxLength: 30,
        }),
        (network, used) => {
          expect(freeSubnet(snapshot(network, used))).toBe(naive(network, used));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips every used /24 of a big cluster', () => {
    const used = Array.from({ length: 5000 }, (_, i) => `10.${128 + (i >> 8)}.${i & 255}.0/24`);
    expect(freeSubnet(snapshot('10.128.0.0/9', used))).toBe('10.147.136.0/24');
  });
});
