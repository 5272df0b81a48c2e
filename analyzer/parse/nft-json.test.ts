// nft -j list ruleset, on real output of nftables 1.0.6 (fixtures/reference/nft/README.md): kube-proxy's
// nftables mode alone, and beside tables iptables-nft wrote.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubeProxyNft } from './kube-proxy-nft.js';
import { baseChains, mapElements, nftKey, parseNftJson, verdictOf } from './nft-json.js';

const ref = (name: string) => readFileSync(new URL(`../../fixtures/reference/nft/${name}`, import.meta.url), 'utf8');

describe('parseNftJson on real nft -j output', () => {
  const { value: rs, problems } = parseNftJson(ref('kube-proxy-nftables.json'));

  it('reads the kube-proxy table, its chains with hooks and priorities, rules, sets and maps', () => {
    expect(problems).toEqual([]);
    expect(rs.version).toBe('1.0.6');
    expect(rs.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ip kube-proxy']);
    expect(rs.chains.get(nftKey('ip', 'kube-proxy', 'nat-prerouting'))).toMatchObject({
      type: 'nat',
      hook: 'prerouting',
      prio: -100,
    });
    expect(rs.chains.get(nftKey('ip', 'kube-proxy', 'services'))?.hook).toBeUndefined();
    expect(rs.sets.get(nftKey('ip', 'kube-proxy', 'service-ips'))).toMatchObject({ kind: 'map', map: 'verdict' });
    expect(rs.sets.get(nftKey('ip', 'kube-proxy', 'cluster-ips'))?.elem).toEqual([
      '172.30.0.41',
      '172.30.0.42',
      '172.30.0.44',
      '172.30.0.45',
      '172.30.0.46',
    ]);
    expect(rs.ruleCount).toBe(51);
    expect([...rs.rules.values()].flat()).toHaveLength(51);
  });

  it('orders the base chains of a hook by priority (filter -110 before nat -100 on prerouting)', () => {
    expect(baseChains(rs, 'ip', 'prerouting').map((c) => `${c.name}@${c.prio}`)).toEqual([
      'filter-prerouting-pre-dnat@-110',
      'nat-prerouting@-100',
    ]);
    expect(baseChains(rs, 'ip6', 'prerouting')).toEqual([]);
  });

  it('decodes verdicts and map elements (commented keys, concatenations)', () => {
    expect(verdictOf({ goto: { target: 'x' } })).toEqual({ kind: 'goto', target: 'x' });
    expect(verdictOf({ drop: null })).toEqual({ kind: 'drop' });
    expect(verdictOf('accept')).toEqual({ kind: 'accept' });
    expect(verdictOf({ dnat: {} })).toBeUndefined();
    const noEp = rs.sets.get(nftKey('ip', 'kube-proxy', 'no-endpoint-services'));
    expect(mapElements(noEp?.elem ?? []).map((e) => [e.key.join(' . '), e.comment])).toEqual([
      ['1.2.3.4 . tcp . 80', 'ns2/svc2:p80'],
      ['192.168.99.22 . tcp . 80', 'ns2/svc2:p80'],
      ['172.30.0.46 . tcp . 80', 'ns6/svc6:p80'],
    ]);
  });
});

describe('kubeProxyNft: Services, endpoints and no-endpoint verdicts as kube-proxy programmed them', () => {
  const kp = kubeProxyNft(parseNftJson(ref('kube-proxy-nftables.json')).value);
  const at = (ip: string | undefined, port: number) => kp?.services.find((s) => s.ip === ip && s.port === port);

  it('a ClusterIP with one endpoint, and one with two in numgen order', () => {
    expect(at('172.30.0.41', 80)).toMatchObject({
      proto: 'tcp',
      servicePort: 'ns1/svc1/tcp/p80',
      endpoints: [{ ip: '10.180.0.1', port: 80 }],
    });
    expect(at('172.30.0.44', 80)?.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual([
      '10.180.0.4:80',
      '10.180.0.5:80',
    ]);
  });

  it('external IPs, load-balancer IPs and NodePorts go through external-… to the service chain', () => {
    expect(at('1.2.3.4', 80)).toMatchObject({
      chain: 'external-42NFTM6N-ns2/svc2/tcp/p80',
      servicePort: 'ns2/svc2/tcp/p80',
      endpoints: [{ ip: '10.180.0.2', port: 80 }],
    });
    expect(at(undefined, 3002)).toMatchObject({ servicePort: 'ns5/svc5/tcp/p80', endpoints: [{ ip: '10.180.0.3' }] });
  });

  it('a Service without endpoints is rejected on its ClusterIP, dropped on external addresses', () => {
    expect(kp?.noEndpoints.filter((n) => n.comment === 'ns6/svc6:p80')).toEqual([
      {
        family: 'ip',
        ip: '172.30.0.46',
        proto: 'tcp',
        port: 80,
        verdict: 'reject',
        comment: 'ns6/svc6:p80',
        pointer: '/nftables/6/map/elem/2',
      },
    ]);
    expect(kp?.noEndpoints.filter((n) => n.verdict === 'drop').map((n) => n.ip ?? `nodeport:${n.port}`)).toEqual([
      '1.2.3.4',
      '192.168.99.22',
      'nodeport:3001',
    ]);
    expect(at('172.30.0.46', 80)).toBeUndefined();
    expect(kp?.clusterIps).toContain('172.30.0.46');
  });

  it('beside iptables-nft tables: the same Services; the iptables-nft rules show opaque xt expressions', () => {
    const { value: both, problems } = parseNftJson(ref('kube-proxy-nftables-with-iptables-nft.json'));
    expect(problems).toEqual([]);
    expect(both.tables.map((t) => `${t.family} ${t.name}`).sort()).toEqual(['ip filter', 'ip kube-proxy', 'ip nat']);
    expect(kubeProxyNft(both)?.services.length).toBe(kp?.services.length);
    const natPre = both.rules.get(nftKey('ip', 'nat', 'PREROUTING')) ?? [];
    expect(natPre[0]?.expr.some((e) => 'xt' in e)).toBe(true);
    expect(baseChains(both, 'ip', 'prerouting').map((c) => `${c.table}/${c.name}@${c.prio}`)).toEqual([
      'kube-proxy/filter-prerouting-pre-dnat@-110',
      'kube-proxy/nat-prerouting@-100',
      'nat/PREROUTING@-100',
    ]);
  });

  it('no kube-proxy table (iptables mode): undefined', () => {
    const { value } = parseNftJson(JSON.stringify({ nftables: [{ table: { family: 'ip', name: 'nat' } }] }));
    expect(kubeProxyNft(value)).toBeUndefined();
  });
});

describe('parseNftJson on bad input: problems, never a throw', () => {
  it.each([
    ['not JSON', '{', /not JSON/],
    ['no nftables array', '{"x": 1}', /no "nftables" array/],
    ['too deep', `{"nftables": ${'['.repeat(2000)}${']'.repeat(2000)}}`, /nested deeper/],
  ])('%s', (_, text, message) => {
    const r = parseNftJson(text);
    expect(r.problems[0]?.message).toMatch(message);
    expect(r.value.tables).toEqual([]);
  });

  it('a bad item is counted and named by pointer; the good ones are kept', () => {
    const r = parseNftJson(
      JSON.stringify({
        nftables: [
          { table: { family: 'ip', name: 't' } },
          { chain: { family: 'ip', table: 't' } },
          { chain: { family: 'ip', table: 't', name: 'c', prio: 'high' } },
          { rule: { family: 'ip', table: 't', chain: 'c', expr: [{ accept: null }] } },
          7,
        ],
      }),
    );
    expect(r.value.ruleCount).toBe(1);
    expect(r.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^2 chain item\(s\) not understood, first at \/nftables\/1/),
      expect.stringMatching(/^1 item item\(s\) not understood, first at \/nftables\/4/),
    ]);
  });
});
