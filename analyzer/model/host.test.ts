import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { sourceRecord, snapshotOf } from './testing.js';

const REF = new URL('../../fixtures/reference/model/', import.meta.url);
const iptablesNft = readFileSync(new URL('iptables-save-nft.txt', REF), 'utf8');

describe('host data', () => {
  it('parses the real iptables-save of this machine into the host of its node', () => {
    const s = snapshotOf({
      node: 'worker-1',
      files: { 'host/iptables-save.txt': iptablesNft, 'host/iptables-version.txt': 'iptables v1.8.9 (nf_tables)\n' },
    });
    const h = s.hosts.get('worker-1');
    expect(h?.iptables?.ref).toEqual({ bundle: 'netsnap-worker-1', path: 'host/iptables-save.txt' });
    expect(h?.iptables?.value.backend).toBe('nf_tables');
    expect(h?.iptables?.value.tables.get('filter')?.chains.get('FORWARD')?.policy).toBe('DROP');
    expect(h?.iptablesVersion?.value).toBe('iptables v1.8.9 (nf_tables)');
    expect(s.problems).toEqual([]);
  });

  it('a broken iptables-save line becomes a LoadProblem with file and line; the rest still loads', () => {
    const lines = iptablesNft.split('\n');
    lines.splice(11, 0, '-A FORWARD -m comment --comment "unterminated -j ACCEPT'); // becomes line 12
    const s = snapshotOf({ node: 'worker-1', files: { 'host/iptables-save.txt': lines.join('\n') } });
    expect(s.problems).toEqual([
      expect.objectContaining({
        bundle: 'netsnap-worker-1',
        file: 'host/iptables-save.txt',
        line: 12,
        severity: 'error',
        code: LOAD_PROBLEM_CODES.parse,
      }),
    ]);
    expect(s.hosts.get('worker-1')?.iptables?.value.tables.get('nat')).toBeDefined();
  });

  it('keeps manifest records so rules can say why a source is missing', () => {
    const s = snapshotOf({
      node: 'worker-1',
      files: { 'host/uname.txt': 'Linux worker-1 6.1.0\n' },
      extraSources: [
        sourceRecord('host/iptables-save.txt', {
          status: 'denied',
          exitCode: 1,
          stderrTail: 'Permission denied (you must be root)',
        }),
      ],
    });
    const h = s.hosts.get('worker-1');
    expect(h?.iptables).toBeUndefined();
    expect(h?.sources.get('host.iptables-save')?.status).toBe('denied');
  });

  it('a bundle with only failed host sources still has a host entry', () => {
    const s = snapshotOf({
      node: 'w9',
      files: {},
      extraSources: [sourceRecord('host/sysctl.txt', { status: 'failed' })],
    });
    expect([...s.hosts.keys()]).toEqual(['w9']);
    expect(s.bundles[0]?.hasHost).toBe(true);
  });

  it('loads every CNI config under host/cni/ and the raw ipvsadm / conntrack text', () => {
    const s = snapshotOf({
      node: 'w1',
      files: {
        'host/cni/10-flannel.conflist': { name: 'cbr0', cniVersion: '0.3.1', plugins: [{ type: 'flannel' }] },
        'host/ipvsadm.txt': 'IP Virtual Server version 1.2.1 (size=4096)\n',
        'host/conntrack-stats.txt': 'cpu=0 found=0 invalid=3\n',
      },
    });
    const h = s.hosts.get('w1');
    expect(h?.cni.map((c) => c.ref.path)).toEqual(['host/cni/10-flannel.conflist']);
    expect(h?.ipvsadm?.value).toContain('IP Virtual Server');
    expect(h?.conntrackStats?.value).toContain('invalid=3');
  });
});

describe('host parsers wired', () => {
  it('reads /proc/modules names and sysctl key = value lines with their lines', () => {
    const s = snapshotOf({
      node: 'w1',
      files: {
        'host/modules.txt':
          'vxlan 106496 0 - Live 0x0000000000000000\nbr_netfilter 32768 0 - Live 0x0000000000000000\n',
        'host/sysctl.txt': 'net.ipv4.ip_forward = 0\nnet.bridge.bridge-nf-call-iptables = 1\n',
      },
    });
    const h = s.hosts.get('w1');
    expect(h?.modules?.value.get('br_netfilter')?.line).toBe(2);
    expect(h?.sysctl?.value.get('net.ipv4.ip_forward')).toEqual({ key: 'net.ipv4.ip_forward', value: '0', line: 1 });
  });
});

describe('host data from real ip -j and sysctl output', () => {
  it('routes of a flannel node, with their index in the JSON array', () => {
    const s = snapshotOf({
      node: 'w1',
      files: {
        'host/ip-route.json': readFileSync(new URL('ip-j-route-all.json', REF), 'utf8'),
        'host/sysctl.txt': readFileSync(new URL('sysctl.txt', REF), 'utf8'),
      },
    });
    const routes = s.hosts.get('w1')?.routes?.value ?? [];
    expect(routes).toHaveLength(25);
    expect(routes.find((r) => r.dst === '10.244.2.0/24')).toMatchObject({
      dev: 'flannel.1',
      gateway: '10.244.2.0',
      flags: ['onlink'],
      at: 3,
    });
    expect(s.hosts.get('w1')?.sysctl?.value.get('net.bridge.bridge-nf-call-iptables')).toMatchObject({
      value: '1',
      line: 2,
    });
    expect(s.problems).toEqual([]);
  });
});
