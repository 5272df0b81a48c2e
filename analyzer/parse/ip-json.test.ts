import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBridgeFdb, parseIpLinks, parseIpNeighbors, parseIpRoutes, parseIpRules } from './ip-json.js';

const read = (name: string) => readFileSync(new URL(`../../fixtures/reference/net/${name}`, import.meta.url), 'utf8');

describe('parseIpLinks (captured ip -j -d addr / link)', () => {
  it('addr: cni0 10.244.1.1/24, flannel.1 vxlan VNI 1, veth master and peer', () => {
    const { value, problems } = parseIpLinks(read('ip-j-d-addr.json'));
    expect(problems).toEqual([]);
    expect(value.map((l) => [l.at, l.ifindex, l.ifname])).toEqual([
      [0, 1, 'lo'],
      [1, 2, 'cni0'],
      [2, 3, 'veth1b'],
      [3, 4, 'veth1a'],
      [4, 5, 'eth0p'],
      [5, 6, 'eth0'],
      [6, 7, 'flannel.1'],
    ]);
    const cni0 = value[1];
    expect(cni0).toMatchObject({ operstate: 'DOWN', mtu: 1500, linkinfo: { info_kind: 'bridge' } });
    expect(cni0?.flags).toContain('NO-CARRIER');
    expect(cni0?.addr_info?.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual([
      '10.244.1.1/24',
    ]);
    const flannel = value[6];
    expect(flannel).toMatchObject({
      mtu: 1450,
      operstate: 'UNKNOWN',
      linkinfo: {
        info_kind: 'vxlan',
        info_data: { id: 1, port: 8472, local: '192.168.56.11', link: 'eth0', learning: false },
      },
    });
    expect(flannel?.addr_info?.[0]).toMatchObject({
      family: 'inet',
      local: '10.244.1.0',
      prefixlen: 32,
      scope: 'global',
    });
    expect(flannel?.addr_info?.[1]).toMatchObject({ family: 'inet6', tentative: true }); // unknown keys pass through
    expect(value[3]).toMatchObject({
      ifname: 'veth1a',
      master: 'cni0',
      link: 'veth1b',
      linkinfo: { info_slave_kind: 'bridge' },
    });
  });

  it('link: same interfaces, no addr_info', () => {
    const { value, problems } = parseIpLinks(read('ip-j-d-link.json'));
    expect(problems).toEqual([]);
    expect(value).toHaveLength(7);
    expect(value.every((l) => l.addr_info === undefined)).toBe(true);
    expect(value[6]).toMatchObject({ ifname: 'flannel.1', linkmode: 'DEFAULT', linkinfo: { info_data: { id: 1 } } });
  });

  it('a bad element is an error naming its index; the others are kept with their own index', () => {
    const { value, problems } = parseIpLinks(
      '[{"ifindex":1,"ifname":"lo","flags":[]},{"ifname":7},{"ifindex":3,"ifname":"eth0","flags":["UP"]}]',
    );
    expect(value.map((l) => [l.at, l.ifname])).toEqual([
      [0, 'lo'],
      [2, 'eth0'],
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', message: expect.stringContaining('element 1') });
  });

  it('empty addr_info objects (iproute2 -4/-6 quirk) are dropped silently; malformed addresses are warnings', () => {
    const { value, problems } = parseIpLinks(
      '[{"ifindex":2,"ifname":"eth0","flags":[],"addr_info":[{},{"family":"inet","local":"10.0.0.1","prefixlen":24},{"family":"inet"}]}]',
    );
    expect(value[0]?.addr_info?.map((a) => a.local)).toEqual(['10.0.0.1']);
    expect(problems.map((p) => p.severity)).toEqual(['warning']);
  });
});

describe('parseIpRoutes (captured ip -j route show table all)', () => {
  const { value, problems } = parseIpRoutes(read('ip-j-route-all.json'));
  it('default, onlink routes to peer /24s via flannel.1, cni0 linkdown, local table', () => {
    expect(problems).toEqual([]);
    expect(value).toHaveLength(25);
    expect(value[0]).toMatchObject({ dst: 'default', gateway: '192.168.56.1', dev: 'eth0', flags: [], at: 0 });
    const peers = value.filter((r) => r.dev === 'flannel.1' && r.flags.includes('onlink'));
    expect(peers.map((r) => [r.dst, r.gateway])).toEqual([
      ['10.244.0.0/24', '10.244.0.0'],
      ['10.244.2.0/24', '10.244.2.0'],
    ]);
    expect(value[2]).toMatchObject({
      dst: '10.244.1.0/24',
      dev: 'cni0',
      protocol: 'kernel',
      scope: 'link',
      prefsrc: '10.244.1.1',
      flags: ['linkdown'],
    });
    expect(value[2]?.table).toBeUndefined(); // main
    expect(value[5]).toMatchObject({ type: 'local', dst: '10.244.1.0', table: 'local' });
    expect(value[13]).toMatchObject({ dst: 'fe80::/64', metric: 256, pref: 'medium' });
  });

  it('numeric table ids become strings; a missing flags list becomes []', () => {
    expect(parseIpRoutes('[{"dst":"10.0.0.0/8","dev":"eth1","table":100}]').value).toEqual([
      { dst: '10.0.0.0/8', dev: 'eth1', table: '100', flags: [], at: 0 },
    ]);
  });
});

describe('rules, neighbours, fdb (captured)', () => {
  it('ip rule', () => {
    const { value, problems } = parseIpRules(read('ip-j-rule.json'));
    expect(problems).toEqual([]);
    expect(value.map((r) => [r.priority, r.table])).toEqual([
      [0, 'local'],
      [32766, 'main'],
      [32767, 'default'],
    ]);
  });
  it('ip neigh: the flannel peer VTEP MAC is permanent', () => {
    const { value, problems } = parseIpNeighbors(read('ip-j-neigh.json'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { dst: '10.244.2.0', dev: 'flannel.1', lladdr: '5e:3f:2a:11:22:33', state: ['PERMANENT'], at: 0 },
    ]);
  });
  it('bridge fdb (filtered by dev, so no dev field)', () => {
    const { value, problems } = parseBridgeFdb(read('bridge-fdb.json'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { mac: '5e:3f:2a:11:22:33', dst: '192.168.56.12', flags: ['self'], state: 'permanent', at: 0 },
    ]);
  });
});

describe('bad and empty input', () => {
  it.each([[''], ['  \n'], ['[]']])('%j is valid-empty', (text) => {
    expect(parseIpRoutes(text)).toEqual({ value: [], problems: [] });
  });
  it.each([['[{"dst":"default"},\n{"dst": }]'], ['[{"dst":"default"},\n{"dst": "x"']])(
    'broken JSON %j is one error, on one line of text',
    (text) => {
      const { value, problems } = parseIpRoutes(text);
      expect(value).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ severity: 'error', message: expect.stringContaining('not valid JSON') });
      expect(problems[0]?.message).not.toContain('\n');
      if (problems[0]?.line !== undefined) expect(problems[0].line).toBe(2);
    },
  );
  it('a non-array is an error', () => {
    expect(parseIpNeighbors('{"dst":"x"}').problems).toEqual([
      { message: expect.stringContaining('expected a JSON array'), severity: 'error' },
    ]);
  });
});

describe('live iproute2 output on this machine', () => {
  let live: { addr: string; route: string } | undefined;
  try {
    live = {
      addr: execFileSync('ip', ['-j', '-d', 'addr', 'show'], { encoding: 'utf8' }),
      route: execFileSync('ip', ['-j', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }),
    };
  } catch {
    console.log('skipping live iproute2 test: `ip -j` is not available');
  }
  it.skipIf(!live)('parses with no problems and finds lo', () => {
    const links = parseIpLinks(live?.addr ?? '');
    expect(links.problems).toEqual([]);
    expect(links.value.some((l) => l.ifname === 'lo')).toBe(true);
    expect(parseIpRoutes(live?.route ?? '').problems).toEqual([]);
  });
});

describe('never throws (property)', () => {
  it('any JSON value or text gives problems, not exceptions', async () => {
    const fc = await import('fast-check');
    const parsers = [parseIpLinks, parseIpRoutes, parseIpRules, parseIpNeighbors, parseBridgeFdb];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.array(fc.jsonValue()).map((a) => JSON.stringify(a)),
        ),
        (text) => {
          for (const p of parsers) {
            const r = p(text);
            r.value.forEach((e) => expect(typeof e.at).toBe('number'));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
