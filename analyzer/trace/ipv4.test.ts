// The tracer's dotted-quad shortcuts must answer exactly what model/net.ts (ipaddr.js) answers,
// or nothing (undefined) so the caller asks net.ts.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import type { IpRoute } from '../parse/types.js';
import { v4, v4Net } from '../model/ipv4.js';
import { lookupRoute, lookupRouteSlow } from './route.js';

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('010', '00', '256', '0x1', ''));
const addr = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const cidr = fc.oneof(
  addr,
  fc
    .tuple(addr, fc.oneof(fc.integer({ min: 0, max: 33 }).map(String), fc.constantFrom('08', '', 'x')))
    .map(([a, p]) => `${a}/${p}`),
  fc.constantFrom('::1/128', 'fd00::/8', '10.0.0.0/8 '),
);
const near = fc
  .tuple(
    fc.constantFrom(10, 127, 192),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
  )
  .map((o) => o.join('.'));

describe('v4 shortcuts', () => {
  it.each([
    ['10.96.0.10', 0x0a60000a],
    ['255.255.255.255', 0xffffffff],
    ['0.0.0.0', 0],
    ['010.0.0.1', undefined],
    ['10.0.0', undefined],
    ['10.0.0.256', undefined],
    ['::1', undefined],
  ])('v4(%s)', (s, n) => {
    expect(v4(s)).toBe(n);
  });

  it.each([
    ['10.96.0.10/32', { net: 0x0a60000a, mask: 0xffffffff, prefix: 32 }],
    ['10.96.0.10', { net: 0x0a60000a, mask: 0xffffffff, prefix: 32 }],
    ['10.244.1.1/24', { net: 0x0af40100, mask: 0xffffff00, prefix: 24 }],
    ['0.0.0.0/0', { net: 0, mask: 0, prefix: 0 }],
    ['10.0.0.0/33', undefined],
    ['10.0.0.0/08', undefined],
    ['fd00::/8', undefined],
  ])('v4Net(%s)', (c, want) => {
    expect(v4Net(c)).toEqual(want);
  });

  it('property: when it answers, ipaddr.js agrees on membership', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.oneof(addr, near),
        fc.oneof(
          cidr,
          near.map((a) => `${a}/30`),
        ),
        (ip, c) => {
          const n = v4Net(c);
          const a = v4(ip);
          if (!n || a === undefined) return;
          answered++;
          const [base, prefix] = ipaddr.parseCIDR(c.includes('/') ? c : `${c}/32`);
          expect((a & n.mask) >>> 0 === n.net, `${ip} in ${c}`).toBe(
            (ipaddr.parse(ip) as ipaddr.IPv4).match(base as ipaddr.IPv4, prefix),
          );
        },
      ),
      { numRuns: 5000 },
    );
    expect(answered).toBeGreaterThan(500);
  });
});

describe('lookupRoute with parsed routes', () => {
  const route = fc.record({
    dst: fc.oneof(
      cidr,
      near.map((a) => `${a}/30`),
      fc.constant('default'),
      near,
    ),
    table: fc.constantFrom(undefined, 'main', 'local', '100'),
    type: fc.constantFrom(undefined, 'unicast', 'local', 'broadcast', 'blackhole'),
    metric: fc.constantFrom(undefined, 0, 100),
    dev: fc.constantFrom('eth0', 'cni0'),
  });

  it('property: the same choice as the reference walk', () => {
    fc.assert(
      fc.property(
        fc.array(route, { maxLength: 12 }),
        fc.oneof(near, addr),
        fc.constantFrom([], ['10.0.0.1']),
        (raw, dst, local) => {
          const routes = raw.map((r, at) => ({ ...r, at }) as unknown as IpRoute);
          expect(lookupRoute(routes, new Set(local), dst)).toEqual(lookupRouteSlow(routes, new Set(local), dst));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
