// The tracer on the scenarios, as an operator would run it: `netsnap trace --from <pod> --to ...`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../analyzer/model/load.js';
import type { Snapshot } from '../analyzer/model/types.js';
import { traceFromSnapshot } from '../analyzer/trace/resolve.js';

const SCEN = join(import.meta.dirname, '..', 'fixtures', 'scenarios');

async function load(name: string): Promise<Snapshot> {
  const dir = join(SCEN, name);
  return (
    await loadSnapshot(
      readdirSync(dir)
        .filter((d) => d.startsWith('netsnap-'))
        .map((d) => join(dir, d)),
    )
  ).snapshot;
}

/** a running, non-hostNetwork pod on the node */
function podOn(s: Snapshot, node: string): string {
  const p = (s.index.podsByNode.get(node) ?? []).find(
    (x) => !x.obj.spec?.hostNetwork && x.obj.status?.podIP && x.obj.metadata.namespace === 'default',
  );
  if (!p) throw new Error(`no pod on ${node}`);
  return `${p.obj.metadata.namespace}/${p.obj.metadata.name}`;
}

describe('netsnap trace on the scenarios', () => {
  it('healthy: pod → internet is masqueraded to the node address', async () => {
    const s = await load('healthy');
    const r = traceFromSnapshot(s, { from: podOn(s, 'worker-1'), to: '1.1.1.1:443' });
    expect(r.branches).toHaveLength(1);
    expect(r.branches[0]!.fate).toMatchObject({ kind: 'forwarded', src: '192.168.56.11' });
  });

  it('masquerade-missing: pod → internet leaves with the pod address', async () => {
    const s = await load('masquerade-missing');
    const fate = (n: string) => traceFromSnapshot(s, { from: podOn(s, n), to: '1.1.1.1:443' }).branches[0]!.fate;
    const withPods = [...s.hosts.keys()].filter((n) =>
      (s.index.podsByNode.get(n) ?? []).some((p) => p.obj.metadata.namespace === 'default'),
    );
    const unNated = withPods.filter((n) => {
      const f = fate(n);
      return f.kind === 'forwarded' && /^10\.244\./.test(f.src);
    });
    expect(unNated).toHaveLength(1);
    expect(fate(unNated[0]!)).toMatchObject({ kind: 'forwarded', dev: 'eth0' });
  });

  it('forward-drop-docker: pod → internet dies at the FORWARD policy DROP', async () => {
    const s = await load('forward-drop-docker');
    const fates = [...s.hosts.keys()]
      .filter((n) => (s.index.podsByNode.get(n) ?? []).some((p) => p.obj.metadata.namespace === 'default'))
      .map((n) => traceFromSnapshot(s, { from: podOn(s, n), to: '1.1.1.1:443' }).branches[0]!.fate);
    expect(fates).toContainEqual({ kind: 'dropped', by: 'filter/FORWARD policy' });
  });

  it('healthy: pod → kube-dns:53/udp is DNATed to each CoreDNS endpoint with its probability', async () => {
    const s = await load('healthy');
    const r = traceFromSnapshot(s, { from: podOn(s, 'worker-1'), to: 'kube-system/kube-dns:53', proto: 'udp' });
    const endpoints = (s.cluster.pods ?? [])
      .filter((p) => p.obj.metadata.labels?.['k8s-app'] === 'kube-dns')
      .map((p) => p.obj.status?.podIP)
      .sort();
    expect(r.branches.map((b) => b.packet.dst).sort()).toEqual(endpoints);
    for (const b of r.branches) {
      expect(b.probability).toBeCloseTo(1 / endpoints.length);
      expect(b.steps.some((x) => x.verdict === `DNAT to ${b.packet.dst}:53`)).toBe(true);
    }
  });

  it('article-full-story: pod → kube-dns:53/udp meets the "has no endpoints" REJECT', async () => {
    const s = await load('article-full-story');
    const r = traceFromSnapshot(s, { from: podOn(s, 'worker-2'), to: 'kube-system/kube-dns:53', proto: 'udp' });
    expect(r.branches).toHaveLength(1);
    expect(r.branches[0]!.fate.kind).toBe('rejected');
    const reject = r.branches[0]!.steps.find((x) => x.verdict.startsWith('REJECT'));
    expect(reject?.text).toMatch(/kube-system\/kube-dns:dns has no endpoints/);
  });

  it('healthy (iptables mode): a ping to a ClusterIP is not DNATed', async () => {
    const s = await load('healthy');
    const r = traceFromSnapshot(s, { from: podOn(s, 'worker-1'), to: s.derived.kubeDnsClusterIP!.value });
    expect(r.input.proto).toBe('icmp');
    for (const b of r.branches) expect(b.steps.some((x) => x.verdict.startsWith('DNAT'))).toBe(false);
  });
});
