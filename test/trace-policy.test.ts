// NetworkPolicy in the tracer, on the NetworkPolicy scenarios: `netsnap trace --from <pod> --to ...`
// follows the packet through the node's rules, then judges the source pod's egress and the
// destination pod's ingress (analyzer/trace/policy-trace.ts).
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../analyzer/model/load.js';
import type { Snapshot } from '../analyzer/model/types.js';
import { traceFromSnapshot } from '../analyzer/trace/resolve.js';
import type { TraceResult } from '../analyzer/trace/types.js';
import { bundlePaths } from './scenario-helpers.js';

const load = async (name: string): Promise<Snapshot> => (await loadSnapshot(bundlePaths(name))).snapshot;

/** the first running pod of a Service's Deployment (labels app=<name>) */
function podOf(s: Snapshot, ns: string, app: string): string {
  const p = (s.cluster.pods ?? []).find(
    (x) => x.obj.metadata.namespace === ns && x.obj.metadata.labels?.app === app && x.obj.status?.podIP,
  );
  if (!p) throw new Error(`no ${ns}/${app} pod`);
  return `${ns}/${p.obj.metadata.name}`;
}

const policySteps = (r: TraceResult) =>
  r.branches.flatMap((b) => b.steps.filter((st) => st.hook === 'POLICY').map((st) => st.verdict));

describe('NetworkPolicy in netsnap trace', () => {
  it('canal, default deny egress: a shop pod query to kube-dns is dropped by policy, on every branch', async () => {
    const s = await load('netpol-deny-egress-blocks-dns');
    const r = traceFromSnapshot(s, { from: podOf(s, 'shop', 'cart'), to: 'kube-system/kube-dns:53', proto: 'udp' });
    expect(r.branches.length).toBeGreaterThan(0);
    for (const b of r.branches)
      expect(b.fate).toEqual({
        kind: 'dropped',
        by: 'default deny by shop/default-deny-egress, shop/allow-dns (egress)',
      });
    // the packet met the policy at the CoreDNS pod address, after kube-proxy's DNAT
    for (const b of r.branches) expect(b.packet.dst).not.toBe('10.96.0.10');
  });

  it('canal: a pod of a namespace without policies reaches kube-dns as before', async () => {
    const s = await load('netpol-deny-egress-blocks-dns');
    const r = traceFromSnapshot(s, { from: podOf(s, 'default', 'web'), to: 'kube-system/kube-dns:53', proto: 'udp' });
    expect(r.branches.every((b) => b.fate.kind !== 'dropped')).toBe(true);
    expect(policySteps(r)).toEqual([]);
  });

  it('canal: the api Service drops a client that no ingress rule admits, naming the policy', async () => {
    const s = await load('netpol-ingress-blocks-service');
    const r = traceFromSnapshot(s, { from: podOf(s, 'default', 'web'), to: 'shop/api:80' });
    expect(r.branches.length).toBeGreaterThan(0);
    for (const b of r.branches)
      expect(b.fate).toEqual({ kind: 'dropped', by: 'NetworkPolicy shop/api-allow-frontend (ingress)' });
  });

  it('flannel alone: the policy would deny, the step says nothing enforces it, the packet goes on', async () => {
    const s = await load('netpol-not-enforced-flannel');
    const r = traceFromSnapshot(s, {
      from: podOf(s, 'payments', 'payments'),
      to: 'kube-system/kube-dns:53',
      proto: 'udp',
    });
    expect(r.branches.every((b) => b.fate.kind !== 'dropped' && b.fate.kind !== 'undetermined')).toBe(true);
    expect(policySteps(r).some((v) => v.startsWith('not enforced: flannel'))).toBe(true);
  });

  it('the healthy scenario has an empty policy list: no policy step at all', async () => {
    const s = await load('healthy');
    const r = traceFromSnapshot(s, { from: podOf(s, 'shop', 'cart'), to: 'kube-system/kube-dns:53', proto: 'udp' });
    expect(policySteps(r)).toEqual([]);
    expect(r.missing).not.toContain('cluster.networkpolicies');
  });
});
