import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeBundleDir } from '../bundle/write.js';
import { bundleEntries, kubeList, nodeJson, podJson, rawBundle, serviceJson, sourceRecord } from '../model/testing.js';
import type { InspectSummary } from '../model/summary.js';
import { run, type InspectPlatform } from './inspect.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netsnap-inspect-'));
  const raw = rawBundle({
    node: 'worker-1',
    files: {
      'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' })]),
      'cluster/pods.json': kubeList([podJson({ name: 'a', ip: '10.244.0.2' }), { metadata: {} }]),
      'cluster/services.json': kubeList([serviceJson({ name: 'web' })]),
      'host/iptables-save.txt': '*filter\n:INPUT ACCEPT [0:0]\ngarbage\nCOMMIT\n',
    },
    extraSources: [
      sourceRecord('host/ipvsadm.txt', { status: 'absent', exitCode: 127, stderrTail: 'ipvsadm: not found' }),
    ],
    manifest: {
      redaction: { tool: 'netsnap redact 0.1.0', at: '2025-01-15T11:00:00Z', pseudonymized: true, counts: {} },
    },
  });
  await writeBundleDir(join(dir, 'netsnap-worker-1'), bundleEntries(raw));
  const k3s = rawBundle({
    node: 'k3s-1',
    files: {
      'cluster/nodes.json': kubeList([
        {
          ...(nodeJson({ name: 'k3s-1', annotations: { 'flannel.alpha.coreos.com/backend-type': 'vxlan' } }) as object),
          status: { nodeInfo: { kubeletVersion: 'v1.28.5+k3s1' } },
        },
      ]),
      'cluster/daemonsets.json': kubeList([]),
      'host/k3s/config.yaml': 'token: "netsnap-scrubbed"\ncluster-cidr: 10.42.0.0/16\n',
    },
  });
  await writeBundleDir(join(dir, 'netsnap-k3s-1'), bundleEntries(k3s));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await run(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('netsnap inspect', () => {
  it('--json gives sources, problems and counts per bundle', async () => {
    const { code, out } = await capture([join(dir, 'netsnap-worker-1'), '--json']);
    expect(code).toBe(0);
    const s = JSON.parse(out) as InspectSummary;
    const b = s.bundles[0];
    expect(b?.id).toBe('netsnap-worker-1');
    expect(b?.node).toBe('worker-1');
    expect(b?.redaction).toMatchObject({ redacted: true, pseudonymized: true });
    const byId = new Map(b?.sources.map((x) => [x.id, x]));
    expect(byId.get('cluster.pods')).toMatchObject({ status: 'ok', parse: 'problems', problems: 1 });
    expect(byId.get('cluster.nodes')).toMatchObject({ status: 'ok', parse: 'ok', problems: 0 });
    expect(byId.get('host.iptables-save')).toMatchObject({ parse: 'problems', problems: 1 });
    expect(byId.get('host.ipvsadm')).toMatchObject({ status: 'absent', parse: 'missing' });
    expect(b?.problems.map((p) => [p.file, p.pointer ?? p.line])).toEqual([
      ['cluster/pods.json', '/items/1'],
      ['host/iptables-save.txt', 3],
    ]);
    expect(s.nodes).toEqual([{ node: 'worker-1', bundle: 'netsnap-worker-1' }]);
    expect(s.cluster).toEqual({ bundle: 'netsnap-worker-1', counts: { nodes: 1, pods: 1, services: 1 } });
  });

  it('text output names problems as file:line and file#pointer', async () => {
    const { code, out } = await capture([join(dir, 'netsnap-worker-1')]);
    expect(code).toBe(0);
    expect(out).toContain('host/iptables-save.txt:3  error');
    expect(out).toContain('cluster/pods.json#/items/1  error');
    expect(out).toMatch(/host\.ipvsadm\s+absent/);
  });

  it("--json and text show the distribution with every signal and each component's deployment style", async () => {
    const json = await capture([join(dir, 'netsnap-k3s-1'), '--json']);
    expect(json.code).toBe(0);
    const p = (JSON.parse(json.out) as { platform: InspectPlatform }).platform;
    expect(p.distribution).toEqual({
      value: 'k3s',
      by: 'node/k3s-1 kubeletVersion v1.28.5+k3s1',
      evidence: {
        bundle: 'netsnap-k3s-1',
        path: 'cluster/nodes.json',
        pointer: '/items/0/status/nodeInfo/kubeletVersion',
      },
    });
    expect(p.signals.map((x) => [x.value, x.evidence.path, x.evidence.pointer ?? x.evidence.line])).toEqual([
      ['k3s', 'cluster/nodes.json', '/items/0/status/nodeInfo/kubeletVersion'],
      ['k3s', 'host/k3s/config.yaml', 1],
    ]);
    expect(p.components.flannel).toMatchObject({
      value: 'embedded',
      evidence: {
        path: 'cluster/nodes.json',
        pointer: '/items/0/metadata/annotations/flannel.alpha.coreos.com~1backend-type',
      },
    });
    expect(p.components['kube-proxy']?.value).toBe('embedded');
    expect(p.components.calico).toMatchObject({ value: 'absent', evidence: { path: 'cluster/daemonsets.json' } });
    expect(p.components.coredns).toBeNull();
    const text = await capture([join(dir, 'netsnap-k3s-1')]);
    expect(text.out).toContain('\ndistribution: k3s\n');
    expect(text.out).toContain(
      '  k3s        node/k3s-1 kubeletVersion v1.28.5+k3s1  netsnap-k3s-1:cluster/nodes.json#/items/0/status/nodeInfo/kubeletVersion\n',
    );
    expect(text.out).toMatch(
      /^ {2}flannel {5}embedded {4}k3s node\/k3s-1 annotation flannel\.alpha\.coreos\.com\/backend-type/m,
    );
    expect(text.out).toMatch(/^ {2}coredns {5}unknown {5}nothing collected says$/m);
  });

  it('says distribution unknown when nothing names one', async () => {
    const { out } = await capture([join(dir, 'netsnap-worker-1')]);
    expect(out).toContain('\ndistribution: unknown (no evidence names one)\n');
    expect(out).toMatch(/^ {2}flannel {5}unknown {5}nothing collected says$/m);
  });

  it('exits 2 with one line when nothing can be read', async () => {
    const { code, err, out } = await capture([join(dir, 'missing.tar.gz')]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('missing.tar.gz');
  });

  it('exits 2 without arguments, 0 for --help', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture(['--help'])).code).toBe(0);
    expect((await capture(['--bogus'])).code).toBe(2);
  });
});
