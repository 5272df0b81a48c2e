// Set membership as ip_set_test decides it, on the real `ipset list` captures (fixtures/reference/ipvs/)
// and on the set types kube-proxy creates that the captures do not show.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpsetList } from '../parse/ipset.js';
import { testSet, type IpvsHost, type SetPacket } from './ipvs.js';

const ref = (name: string) => readFileSync(new URL(`../../fixtures/reference/ipvs/${name}`, import.meta.url), 'utf8');
const host = (listing: string): IpvsHost => ({
  sets: new Map(parseIpsetList(listing).value.map((s) => [s.name, s])),
});
const pkt = (over: Partial<SetPacket>): SetPacket => ({
  src: '10.244.1.5',
  dst: '10.96.0.10',
  proto: 'udp',
  sport: 40000,
  dport: 53,
  ...over,
});
const kind = (h: IpvsHost, name: string, flags: string, p: Partial<SetPacket>) =>
  testSet(h, name, flags.split(','), pkt(p)).kind;

describe('testSet on real captures', () => {
  const real = host(ref('ipset-list.txt'));
  it('hash:ip,port dst,dst: address and proto:port of the destination', () => {
    expect(kind(real, 'KUBE-CLUSTER-IP', 'dst,dst', {})).toBe('member');
    expect(kind(real, 'KUBE-CLUSTER-IP', 'dst,dst', { proto: 'tcp', dport: 9153 })).toBe('member');
    expect(kind(real, 'KUBE-CLUSTER-IP', 'dst,dst', { proto: 'udp', dport: 9153 })).toBe('not-member');
    expect(kind(real, 'KUBE-CLUSTER-IP', 'dst,dst', { proto: 'icmp', dport: undefined })).toBe('not-member');
  });
  it('src,dst reads the source address with the destination port (masquerade-all form)', () => {
    expect(kind(real, 'KUBE-CLUSTER-IP', 'src,dst', { src: '10.96.0.10' })).toBe('member');
    expect(kind(real, 'KUBE-CLUSTER-IP', 'src,dst', {})).toBe('not-member');
  });
  it('fewer flags than the set has dimensions never match', () => {
    expect(kind(real, 'KUBE-CLUSTER-IP', 'dst', {})).toBe('not-member');
  });
  it('hash:ip,port,ip dst,dst,src: the hairpin set (an endpoint reaching itself)', () => {
    const p = { src: '172.17.0.2', dst: '172.17.0.2' };
    expect(kind(real, 'KUBE-LOOP-BACK', 'dst,dst,src', p)).toBe('member');
    expect(kind(real, 'KUBE-LOOP-BACK', 'dst,dst,src', { ...p, src: '172.17.0.3' })).toBe('not-member');
  });
  it('protocol numbers in the listing ([I5]) read as names', () => {
    expect(kind(host(ref('ipset-list-numeric-proto.txt')), 'KUBE-CLUSTER-IP', 'dst,dst', {})).toBe('member');
  });
});

describe('testSet: what the captures do not show', () => {
  const listing = [
    'Name: KUBE-NODE-PORT-TCP\nType: bitmap:port\nRevision: 3\nHeader: range 0-65535\nNumber of entries: 1\nMembers:\n30080\n',
    'Name: KUBE-IPVS-IPS\nType: hash:ip\nRevision: 6\nNumber of entries: 1\nMembers:\n10.96.0.10\n',
    'Name: CUT\nType: hash:ip\nRevision: 6\nNumber of entries: 3\nMembers:\n10.0.0.1\n',
    'Name: ODD\nType: hash:mac\nRevision: 0\nMembers:\n',
    'Name: NETS\nType: hash:net\nRevision: 7\nNumber of entries: 1\nMembers:\n10.244.0.0/16\n',
  ].join('\n');
  const h = host(listing);
  it('bitmap:port: the port alone, tcp/udp/sctp only', () => {
    expect(kind(h, 'KUBE-NODE-PORT-TCP', 'dst', { proto: 'tcp', dport: 30080 })).toBe('member');
    expect(kind(h, 'KUBE-NODE-PORT-TCP', 'dst', { proto: 'tcp', dport: 30081 })).toBe('not-member');
    expect(kind(h, 'KUBE-NODE-PORT-TCP', 'dst', { proto: 'icmp', dport: undefined })).toBe('not-member');
  });
  it('hash:ip and hash:net', () => {
    expect(kind(h, 'KUBE-IPVS-IPS', 'dst', { proto: 'icmp' })).toBe('member');
    expect(kind(h, 'NETS', 'src', {})).toBe('member');
    expect(kind(h, 'NETS', 'dst', {})).toBe('not-member');
  });
  it('unknown, never guessed: a cut listing, a type not read, a set not listed, members not collected', () => {
    expect(kind(h, 'CUT', 'dst', { dst: '10.0.0.9' })).toBe('unknown');
    expect(kind(h, 'CUT', 'dst', { dst: '10.0.0.1' })).toBe('member');
    expect(kind(h, 'ODD', 'src', {})).toBe('unknown');
    expect(kind(h, 'KUBE-NOPE', 'dst', {})).toBe('unknown');
    expect(testSet({}, 'KUBE-CLUSTER-IP', ['dst', 'dst'], pkt({}))).toMatchObject({
      kind: 'unknown',
      needs: ['host.ipset-members'],
    });
  });
});
