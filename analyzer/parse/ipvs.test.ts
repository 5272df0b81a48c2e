// ipvsadm -Ln and ipset list on real captures (fixtures/reference/ipvs/README.md), and the branches
// real captures do not show: --stats/--rate listings, IPv6, FWM, damage.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpsetList } from './ipset.js';
import { ipvsKey, parseIpvsadm } from './ipvsadm.js';

const ref = (name: string) => readFileSync(new URL(`../../fixtures/reference/ipvs/${name}`, import.meta.url), 'utf8');
const summary = (t: ReturnType<typeof parseIpvsadm>['value']) =>
  t.services.map(
    (s) => `${ipvsKey(s.protocol, s.address, s.port)} ${s.reals.map((r) => `${r.address}:${r.port}`).join(',')}`,
  );

describe('parseIpvsadm on real captures', () => {
  it('kubeadm cluster: kubernetes and kube-dns virtual services with their real servers', () => {
    const { value, problems } = parseIpvsadm(ref('ipvsadm-Ln-kubeadm.txt'));
    expect(problems).toEqual([]);
    expect(value.version).toBe('1.2.1');
    expect(value.listing).toBe('default');
    expect(summary(value)).toEqual([
      'TCP 10.96.0.1:443 10.0.0.100:6443',
      'TCP 10.96.0.10:53 10.244.0.6:53,10.244.0.7:53',
      'TCP 10.96.0.10:9153 10.244.0.6:9153,10.244.0.7:9153',
      'UDP 10.96.0.10:53 10.244.0.6:53,10.244.0.7:53',
    ]);
    expect(value.services[1]?.reals[0]).toMatchObject({
      forward: 'Masq',
      weight: 1,
      activeConn: 0,
      inactConn: 0,
      line: 7,
    });
    expect(value.services[0]).toMatchObject({ scheduler: 'rr', flags: [], line: 4 });
  });

  it('a virtual service without real servers (a Service with no endpoints) and NodePorts per local address', () => {
    const { value, problems } = parseIpvsadm(ref('ipvsadm-Ln-nodeport-no-endpoints.txt'));
    expect(problems).toEqual([]);
    const empty = value.services.filter((s) => s.reals.length === 0).map((s) => ipvsKey(s.protocol, s.address, s.port));
    expect(empty).toEqual(['TCP 10.97.105.36:80']);
    expect(value.services.filter((s) => s.port === 30023).map((s) => s.address)).toEqual([
      '172.17.0.1',
      '10.10.110.190',
      '10.244.235.192',
      '127.0.0.1',
    ]);
  });

  it('sessionAffinity ClientIP shows as persistent <seconds>', () => {
    const { value } = parseIpvsadm(ref('ipvsadm-Ln-readme-persistent.txt'));
    expect(value.services[0]).toMatchObject({ address: '10.0.0.1', port: 443, persistentSeconds: 10800, flags: [] });
    expect(value.services[1]?.persistentSeconds).toBeUndefined();
  });
});

describe('parseIpvsadm: listings and shapes beyond the captures', () => {
  it('--stats: counters by column name, K/M suffixes', () => {
    const text = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
      '  -> RemoteAddress:Port',
      'TCP  10.96.0.10:53                      12      240        0    14400        0',
      '  -> 10.244.0.6:53                       6      120        0     7200        0',
      'UDP  10.96.0.10:53                    2K     3M        0    1234K        0',
    ].join('\n');
    const { value, problems } = parseIpvsadm(text);
    expect(problems).toEqual([]);
    expect(value.listing).toBe('stats');
    expect(value.services[0]?.counters).toEqual({ Conns: 12, InPkts: 240, OutPkts: 0, InBytes: 14400, OutBytes: 0 });
    expect(value.services[0]?.reals[0]?.counters.InPkts).toBe(120);
    expect(value.services[1]?.counters).toMatchObject({ Conns: 2000, InPkts: 3_000_000, InBytes: 1_234_000 });
  });

  it('--rate listing is told apart', () => {
    const text =
      'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\nTCP  10.96.0.1:443 1 2 3 4 5\n';
    expect(parseIpvsadm(text).value).toMatchObject({
      listing: 'rate',
      services: [{ counters: { CPS: 1, OutBPS: 5 } }],
    });
  });

  it('IPv6 in brackets, FWM services, ops and mask flags', () => {
    const text = [
      'TCP  [fd00:10:96::a]:53 rr ops',
      '  -> [fd00:10:244::6]:53            Masq    1      0          0',
      'FWM  1 wlc persistent 60 mask 255.255.255.255',
      '  -> 10.244.0.9:0                   Route   3      0          0',
    ].join('\n');
    const { value, problems } = parseIpvsadm(text);
    expect(problems).toEqual([]);
    expect(value.services[0]).toMatchObject({ address: 'fd00:10:96::a', port: 53, flags: ['ops'] });
    expect(value.services[0]?.reals[0]?.address).toBe('fd00:10:244::6');
    expect(ipvsKey('TCP', 'fd00:10:96::a', 53)).toBe('TCP [fd00:10:96::a]:53');
    expect(value.services[1]).toMatchObject({
      protocol: 'FWM',
      address: '1',
      scheduler: 'wlc',
      persistentSeconds: 60,
      flags: ['mask 255.255.255.255'],
    });
    expect(value.services[1]?.port).toBeUndefined();
    expect(value.services[1]?.reals[0]).toMatchObject({ forward: 'Route', weight: 3 });
  });

  it('damage: a real server first, a bad address, a stray line: problems with lines, the rest kept', () => {
    const text = [
      '  -> 10.0.0.1:80 Masq 1 0 0',
      'TCP  10.96.0.1:99999 rr',
      'TCP  10.96.0.2:80 rr',
      'garbage here',
    ].join('\n');
    const { value, problems } = parseIpvsadm(text);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [1, 'a real server before any virtual service'],
      [2, 'not an address:port: 10.96.0.1:99999'],
      [4, 'not an ipvsadm line: garbage here'],
    ]);
    expect(value.services.map((s) => s.address)).toEqual(['10.96.0.2']);
  });
});

describe('parseIpsetList on real captures', () => {
  it('KUBE-CLUSTER-IP and KUBE-LOOP-BACK with types, references and members', () => {
    const { value, problems } = parseIpsetList(ref('ipset-list.txt'));
    expect(problems).toEqual([]);
    expect(value.map((s) => [s.name, s.type, s.references, s.members.length])).toEqual([
      ['KUBE-CLUSTER-IP', 'hash:ip,port', 2, 5],
      ['KUBE-LOOP-BACK', 'hash:ip,port,ip', 1, 6],
    ]);
    expect(value[0]?.members[0]).toEqual({ raw: '10.96.0.10,udp:53', parts: ['10.96.0.10', 'udp:53'], line: 9 });
    expect(value[1]?.members[0]?.parts).toEqual(['172.17.0.3', 'tcp:8000', '172.17.0.3']);
  });

  it('protocol numbers are named (17 = udp, 6 = tcp)', () => {
    const { value } = parseIpsetList(ref('ipset-list-numeric-proto.txt'));
    expect(value[0]?.members.map((m) => m.parts.join(','))).toEqual([
      '10.96.0.10,udp:53',
      '10.96.0.10,tcp:9153',
      '10.96.0.10,tcp:53',
      '10.96.0.1,tcp:443',
      '10.108.65.32,tcp:80',
    ]);
  });

  it('ipset list -n: names only, not empty sets', () => {
    const { value } = parseIpsetList('KUBE-CLUSTER-IP\nKUBE-LOOP-BACK\n');
    expect(value.map((s) => [s.name, s.namesOnly, s.members.length])).toEqual([
      ['KUBE-CLUSTER-IP', true, 0],
      ['KUBE-LOOP-BACK', true, 0],
    ]);
  });

  it('a declared count that disagrees with the members listed is a warning', () => {
    const text = 'Name: S\nType: hash:ip\nNumber of entries: 3\nMembers:\n10.0.0.1\n';
    expect(parseIpsetList(text).problems).toEqual([
      { line: 1, message: 'set S declares 3 entries and lists 1', severity: 'warning' },
    ]);
  });
});
