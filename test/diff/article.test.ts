// Issue 13 "Done means" for netsnap diff, read like bug reports: the article's incident before,
// the same cluster with both fixes after: SYS-104 and DNS-402 and their symptoms fixed, nothing
// new, exit 0. A fix that broke something else (MASQUERADE gone on worker-2, a Corefile without
// `ready`) shows that fault as new, exit 1. Ids and categories are asserted, never prose.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { after, before, byCategory, copyScenario, diffCli, editFile, type DiffJson } from './helpers.js';

const FIXED = [
  'DNS-401/deployment:kube-system/coredns',
  'DNS-402/configmap:kube-system/coredns',
  'DNS-406/service:kube-system/kube-dns',
  'SYS-104/node:worker-1',
  'SYS-108/node:worker-1',
];

const w2 = (paths: string[]): string => paths.find((p) => p.includes('netsnap-worker-2-')) as string;
const cp = (paths: string[]): string => paths.find((p) => p.includes('netsnap-control-plane-')) as string;

describe('netsnap diff: the article scenario before and after the fixes', () => {
  it('reports both root causes and their symptoms as fixed, nothing still failing or new, exit 0', async () => {
    const r = await diffCli([...before(), '--', ...after(), '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as DiffJson;
    expect(j.schema).toBe('netsnap.diff/v1');
    const cats = byCategory(j);
    expect(cats.fixed).toEqual(FIXED);
    expect(cats.new).toEqual([]);
    expect(cats['still-failing']).toEqual([]);
    // a verdict the fix made possible (unknown -> pass) is a status change, not a fix
    expect(cats['changed-status']).toEqual(['SYS-110/node:worker-1']);
    expect(j.exitCode).toBe(0);
    expect(j.rootsBefore.map((c) => c.id).sort()).toEqual([
      'DNS-402/configmap:kube-system/coredns',
      'SYS-104/node:worker-1',
    ]);
    expect(j.rootsBefore.find((c) => c.id.startsWith('DNS-402'))?.symptoms).toEqual([
      'DNS-401/deployment:kube-system/coredns',
      'DNS-406/service:kube-system/kube-dns',
    ]);
    expect(j.rootsAfter).toEqual([]);
  });

  it('explains each fix by the source change it rests on, with a place on both sides', async () => {
    const j = JSON.parse((await diffCli([...before(), '--', ...after(), '--json'])).out) as DiffJson;
    const src = new Map(j.sources.map((s) => [s.key, s]));
    const why = (id: string) => (j.findings.find((f) => f.id === id)?.explainedBy ?? []).map((k) => src.get(k)!);
    // SYS-104: flannel's jump to FLANNEL-POSTRTG is back in worker-1's nat POSTROUTING
    const masq = why('SYS-104/node:worker-1');
    expect(masq.map((s) => [s.kind, s.change, s.node, s.chain, s.after])).toEqual([
      [
        'iptables',
        'added',
        'worker-1',
        'POSTROUTING',
        '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
      ],
    ]);
    expect(masq[0]?.beforeRef).toMatchObject({ path: 'host/iptables-save.txt', quote: ':POSTROUTING ACCEPT [0:0]' });
    expect(masq[0]?.beforeRef?.bundle).toMatch(/^netsnap-worker-1-20241120T0930/);
    expect(masq[0]?.afterRef?.bundle).toMatch(/^netsnap-worker-1-20241120T1015/);
    expect(masq[0]?.afterRef?.quote).toBe(masq[0]?.after);
    // DNS-402: the Corefile's forward line changed
    const dns = why('DNS-402/configmap:kube-system/coredns');
    expect(dns.map((s) => [s.kind, s.change, s.before ?? s.after]).sort()).toEqual([
      ['corefile', 'added', 'forward . /etc/resolv.conf {'],
      ['corefile', 'removed', 'forward . 233.5.5.5 114.114.114.114 {'],
    ]);
    expect(dns.find((s) => s.change === 'removed')?.beforeRef).toMatchObject({ pointer: '/data/Corefile', line: 13 });
    // DNS-406: kube-dns gained both CoreDNS addresses, and the "has no endpoints" REJECTs went away
    const eps = why('DNS-406/service:kube-system/kube-dns');
    expect(eps.filter((s) => s.kind === 'endpoints').map((s) => [s.change, s.after])).toEqual([
      ['added', '10.244.0.2 (coredns-rj7zflzdqv-7fpkk): ready'],
      ['added', '10.244.1.2 (coredns-rj7zflzdqv-42hcf): ready'],
    ]);
    expect(
      eps.some((s) => s.kind === 'iptables' && s.change === 'removed' && /has no endpoints/.test(s.before ?? '')),
    ).toBe(true);
    // DNS-401: both CoreDNS containers went from not ready to ready
    expect(why('DNS-401/deployment:kube-system/coredns').map((s) => [s.kind, s.change])).toEqual([
      ['pod', 'changed'],
      ['pod', 'changed'],
    ]);
  });

  it('a fix that removed MASQUERADE on another node: SYS-104 on worker-2 is new, exit 1', async () => {
    const broken = copyScenario('article-fixes-applied');
    try {
      for (const f of ['host/iptables-save.txt', 'host/iptables-nft-save.txt'])
        editFile(w2(broken.paths), f, (t) =>
          t.replace('-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG\n', ''),
        );
      const r = await diffCli([...before(), '--', ...broken.paths, '--format', 'json']);
      expect(r.code, r.err).toBe(1);
      const j = JSON.parse(r.out) as DiffJson;
      const cats = byCategory(j);
      expect(cats.new).toEqual(['SYS-104/node:worker-2', 'SYS-108/node:worker-2']);
      expect(cats.fixed).toEqual(FIXED);
      expect(j.rootsAfter.map((c) => c.id)).toEqual(['SYS-104/node:worker-2']);
      const src = new Map(j.sources.map((s) => [s.key, s]));
      const why = j.findings.find((f) => f.id === 'SYS-104/node:worker-2')?.explainedBy.map((k) => src.get(k));
      expect(why?.map((s) => [s?.change, s?.node, s?.chain])).toEqual([['removed', 'worker-2', 'POSTROUTING']]);
      // --fail-on never: reported, not gated
      expect((await diffCli([...before(), '--', ...broken.paths, '--fail-on', 'never'])).code).toBe(0);
    } finally {
      broken.cleanup();
    }
  });

  it('a fix that dropped `ready` from the Corefile: DNS-404 is new, exit 1', async () => {
    const broken = copyScenario('article-fixes-applied');
    try {
      editFile(cp(broken.paths), join('cluster', 'configmaps', 'kube-system', 'coredns.json'), (t) =>
        t.replace('\\n    ready\\n', '\\n'),
      );
      const r = await diffCli([...before(), '--', ...broken.paths, '--format', 'json']);
      expect(r.code, r.err).toBe(1);
      const j = JSON.parse(r.out) as DiffJson;
      expect(byCategory(j).new).toContain('DNS-404/configmap:kube-system/coredns');
      expect(j.findings.find((f) => f.id === 'DNS-404/configmap:kube-system/coredns')?.after?.status).toBe('fail');
      expect(j.sources.filter((s) => s.kind === 'corefile').map((s) => [s.change, s.before ?? s.after])).toContainEqual(
        ['removed', 'ready'],
      );
    } finally {
      broken.cleanup();
    }
  });

  it('the same collection on both sides: everything unchanged, no source change', async () => {
    const j = JSON.parse((await diffCli([...after(), '--', ...after(), '--json'])).out) as DiffJson;
    expect(Object.entries(j.summary).filter(([k, n]) => k !== 'unchanged' && n > 0)).toEqual([]);
    expect(j.sources).toEqual([]);
  });
});
