import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import '../../analyzer/rules/catalog.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { subjectKey } from '../../analyzer/rules/types.js';
import { plainDebianHost } from '../../analyzer/rules/bundle/testing.js';
import { bundleEntries, snapshotOf } from '../../analyzer/model/testing.js';
import { writeBundleDir } from '../../analyzer/bundle/write.js';
import { run } from '../../analyzer/commands/analyze.js';
import { readBundles } from '../../analyzer/bundle/read.js';
import { buildSnapshot } from '../../analyzer/model/build.js';

// End to end (moved from analyzer/rules/bundle/not-a-kubernetes-node.test.ts: a rule's own test stays on its floor).

describe('a bundle of a plain Debian host (no Kubernetes), analyzed end to end', () => {
  const snapshot = snapshotOf(plainDebianHost());
  const analysis = analyze(snapshot);

  it('loads without problems and the fact says: not a Kubernetes host, at the rules dump', () => {
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.derived.kubernetesHost.get('bastion')).toMatchObject({
      value: false,
      at: { path: 'host/iptables-save.txt', line: 1 },
    });
  });

  it('BND-904 says the host does not look like a Kubernetes node', () => {
    const f = analysis.findings.filter((x) => x.ruleId === 'BND-904');
    expect(f.map((x) => [x.status, subjectKey(x.subject), x.messageId])).toEqual([
      ['warn', 'node:bastion', 'not-kubernetes'],
    ]);
    expect(f[0]?.basis.map((b) => b.path).sort()).toEqual(['host/ip-link.json', 'host/iptables-save.txt']);
  });

  it('no node rule fails on it (ip_forward=0, no br_netfilter, no KUBE chains are not faults of a non-node)', () => {
    const failing = analysis.findings
      .filter((x) => x.status === 'fail')
      .map((x) => `${x.ruleId} ${subjectKey(x.subject)} ${x.messageId}`);
    expect(failing).toEqual([]);
  });

  it('no collection failure is reported: absent kubelet/kubectl sources are facts of this host', () => {
    expect(analysis.findings.filter((x) => x.ruleId === 'BND-901' && x.status !== 'pass')).toEqual([]);
  });
});

describe('netsnap analyze on the plain Debian host bundle (a directory on disk)', () => {
  it('names the host as not a Kubernetes node, fails no rule, exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsnap-plain-'));
    try {
      const bundle = join(dir, 'netsnap-bastion-20261206T091245Z');
      await writeBundleDir(bundle, bundleEntries(plainDebianHost()));
      let out = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((x: string | Uint8Array) => ((out += String(x)), true));
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const code = await run([bundle, '--format', 'json']);
      vi.restoreAllMocks();
      const j = JSON.parse(out) as {
        findings: { ruleId: string; status: string; subject: { kind: string; name: string } }[];
      };
      expect(code).toBe(0);
      expect(j.findings.filter((f) => f.ruleId === 'BND-904').map((f) => [f.status, f.subject.name])).toEqual([
        ['warn', 'bastion'],
      ]);
      expect(j.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId)).toEqual([]);
    } finally {
      vi.restoreAllMocks();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the plain host analyzed together with the bundles of a healthy cluster (fixtures/scenarios/healthy)', () => {
  it("the bastion is nobody's peer and fails nothing; the nodes are still checked", async () => {
    const dir = new URL('../../fixtures/scenarios/healthy/', import.meta.url).pathname;
    const { readdirSync } = await import('node:fs');
    const raws = await readBundles(
      readdirSync(dir)
        .filter((n) => n.startsWith('netsnap-'))
        .map((n) => join(dir, n)),
    );
    const plain = plainDebianHost();
    const s = buildSnapshot([
      ...raws,
      { ...plain, manifest: { ...plain.manifest!, createdAt: raws[0]!.manifest!.createdAt } },
    ]);
    const a = analyze(s);
    const onBastion = a.findings.filter((f) => f.subject.name === 'bastion' || f.subject.node === 'bastion');
    expect(
      onBastion.filter((f) => f.status === 'fail' || f.status === 'warn').map((f) => `${f.ruleId} ${f.status}`),
    ).toEqual(['BND-904 warn']);
    expect(onBastion.filter((f) => f.messageId === 'not-a-node').map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['SYS-101', 'SYS-102', 'SYS-108', 'NET-205']),
    );
    expect(a.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId)).toEqual([]);
    // the real nodes are still compared with each other
    expect(
      a.findings
        .filter((f) => f.ruleId === 'SYS-108' && f.status === 'pass')
        .map((f) => f.subject.name)
        .sort(),
    ).toEqual(['control-plane', 'worker-1', 'worker-2']);
  });
});
