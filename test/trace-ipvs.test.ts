// IPVS mode in the tracer, checked against hand-computed expectations on the healthy-ipvs scenario
// and on edited copies of its worker-1 files (IPVS cannot load on this kernel, so there is no kernel
// agreement test for it: docs/trace.md). Numbers worked out by hand from the scenario's files:
// kube-dns 10.96.0.10:53/udp has two real servers (CoreDNS on control-plane 10.244.0.2 and on
// worker-1 10.244.1.2), weight 1 each; kubernetes 10.96.0.1:443 has one (192.168.56.10:6443).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../analyzer/model/load.js';
import type { HostState, Snapshot } from '../analyzer/model/types.js';
import { traceFromSnapshot, traceHost } from '../analyzer/trace/resolve.js';
import { simulate } from '../analyzer/trace/simulate.js';
import type { TraceInput, TraceResult } from '../analyzer/trace/types.js';
import { bundlePaths } from './scenario-helpers.js';

let s: Snapshot;
let w1: HostState;
let pod: string;
let podIp: string;
beforeAll(async () => {
  s = (await loadSnapshot(bundlePaths('healthy-ipvs'))).snapshot;
  w1 = s.hosts.get('worker-1')!;
  const p = (s.index.podsByNode.get('worker-1') ?? []).find(
    (x) => !x.obj.spec?.hostNetwork && x.obj.metadata.namespace === 'default',
  )!;
  pod = `default/${p.obj.metadata.name}`;
  podIp = p.obj.status!.podIP!;
});

const fates = (r: TraceResult) =>
  r.branches
    .map((b) => ({ p: b.probability, ...b.fate }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const ipvsSteps = (r: TraceResult) => r.branches.flatMap((b) => b.steps.filter((x) => x.table === 'ipvs'));

/** worker-1 with one of its texts replaced, traced from a local pod */
function traceEdited(
  edit: Partial<Pick<HostState, 'ipvsadm' | 'ipsetMembers' | 'sysctl'>>,
  input: Partial<TraceInput>,
) {
  const h: HostState = { ...w1, ...edit };
  return simulate(traceHost(s, h), {
    src: podIp,
    dst: '10.96.0.10',
    proto: 'udp',
    dport: 53,
    origin: { kind: 'local-pod', iface: 'cni0' },
    ...input,
  });
}
const text = (t: string) => ({ value: t, ref: w1.ipvsadm!.ref });

describe('IPVS mode in the tracer (healthy-ipvs)', () => {
  it('pod → kube-dns:53/udp: the ipset lets it in, IPVS splits it 1:1 over the two CoreDNS pods', () => {
    const r = traceFromSnapshot(s, { from: pod, to: 'kube-system/kube-dns:53' });
    expect(fates(r)).toEqual([
      { p: 0.5, kind: 'delivered-pod', dev: 'cni0', to: '10.244.1.2', port: 53 },
      { p: 0.5, kind: 'forwarded', dev: 'flannel.1', gateway: '10.244.0.0', src: podIp, dst: '10.244.0.2', port: 53 },
    ]);
    const b = r.branches[0]!;
    const where = b.steps.map((x) => `${x.hook} ${x.table ?? ''}/${x.chain ?? ''}`);
    // KUBE-CLUSTER-IP dst,dst matched from the collected members: ACCEPT in nat KUBE-SERVICES
    expect(b.steps.find((x) => x.chain === 'KUBE-SERVICES' && x.verdict === 'ACCEPT')).toBeDefined();
    // IPVS sits after filter INPUT and before nat INPUT (which never sees the packet)
    expect(where.indexOf('INPUT ipvs/UDP 10.96.0.10:53')).toBeGreaterThan(where.indexOf('INPUT filter/INPUT'));
    expect(where).not.toContain('INPUT nat/INPUT');
    // then out through LOCAL_OUT (no nat) and POSTROUTING (nat: KUBE-POSTROUTING)
    expect(where).not.toContain('OUTPUT nat/OUTPUT');
    expect(where).toContain('POSTROUTING nat/KUBE-POSTROUTING');
    expect(ipvsSteps(r).map((x) => x.branch?.probability)).toEqual([0.5, 0.5]);
  });

  it('pod → kubernetes:443: one real server on the control plane, masqueraded on the way out', () => {
    const r = traceFromSnapshot(s, { from: pod, to: '10.96.0.1:443' });
    expect(fates(r)).toEqual([
      { p: 1, kind: 'forwarded', dev: 'eth0', src: '192.168.56.11', dst: '192.168.56.10', port: 6443 },
    ]);
  });

  it('ping a ClusterIP: no virtual service for ICMP; kube-proxy 1.27+ KUBE-IPVS-FILTER rejects it (KUBE-IPVS-IPS)', () => {
    const r = traceFromSnapshot(s, { from: pod, to: '10.96.0.10' });
    expect(fates(r)).toEqual([
      { p: 1, kind: 'rejected', by: 'filter/KUBE-IPVS-FILTER rule 6', with: 'icmp-port-unreachable' },
    ]);
  });

  it('a port the Service does not have: rejected by KUBE-IPVS-FILTER, never reaches a host socket', () => {
    const r = traceFromSnapshot(s, { from: pod, to: '10.96.0.10:22', proto: 'tcp' });
    expect(fates(r)).toEqual([
      { p: 1, kind: 'rejected', by: 'filter/KUBE-IPVS-FILTER rule 6', with: 'icmp-port-unreachable' },
    ]);
  });
});

describe('IPVS scheduling on edited ipvsadm listings', () => {
  const head =
    'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  it('weights 3:1 are branches of 0.75 and 0.25; a weight-0 (drained) real server gets none', () => {
    const r = traceEdited(
      {
        ipvsadm: text(
          `${head}UDP  10.96.0.10:53 wrr\n  -> 10.244.0.2:53 Masq 3 0 0\n  -> 10.244.1.2:53 Masq 1 0 0\n  -> 10.244.2.9:53 Masq 0 0 0\n`,
        ),
      },
      {},
    );
    expect(r.branches.map((b) => [b.probability, b.packet.dst])).toEqual([
      [0.75, '10.244.0.2'],
      [0.25, '10.244.1.2'],
    ]);
  });

  it.each([
    ['no real server', `${head}UDP  10.96.0.10:53 rr\n`],
    ['every real server drained', `${head}UDP  10.96.0.10:53 rr\n  -> 10.244.0.2:53 Masq 0 0 0\n`],
  ])('%s: ICMP port unreachable from IPVS', (_, listing) => {
    const r = traceEdited({ ipvsadm: text(listing) }, {});
    expect(fates(r)).toEqual([
      {
        p: 1,
        kind: 'rejected',
        by: expect.stringMatching(/^IPVS UDP 10\.96\.0\.10:53 /) as string,
        with: 'icmp-port-unreachable',
      },
    ]);
  });

  it('net.ipv4.vs.conntrack = 0: IPVS sends the packet untracked and KUBE-POSTROUTING cannot masquerade it', () => {
    const sysctl = new Map(w1.sysctl!.value);
    sysctl.set('net.ipv4.vs.conntrack', { ...sysctl.get('net.ipv4.vs.conntrack')!, value: '0' });
    const r = traceEdited({ sysctl: { ...w1.sysctl!, value: sysctl } }, { dst: '10.96.0.1', proto: 'tcp', dport: 443 });
    expect(r.branches).toHaveLength(1);
    expect(r.branches[0]!.fate).toMatchObject({ kind: 'forwarded', dev: 'eth0', src: podIp, dst: '192.168.56.10' });
    expect(r.branches[0]!.fate).toHaveProperty('note'); // the pod address leaves the cluster un-NATed
    expect(r.branches[0]!.steps.some((x) => /net\.ipv4\.vs\.conntrack = 0/.test(x.verdict))).toBe(true);
  });

  it('the ClusterIP:port missing from KUBE-CLUSTER-IP: KUBE-IPVS-FILTER rejects the NEW connection', () => {
    const members = w1
      .ipsetMembers!.value.replace('10.96.0.10,udp:53\n', '')
      .replace(
        /(Name: KUBE-CLUSTER-IP\n(?:.+\n)*?Number of entries: )(\d+)/,
        (_, a: string, n: string) => `${a}${Number(n) - 1}`,
      );
    const r = traceEdited({ ipsetMembers: { ...w1.ipsetMembers!, value: members } }, {});
    expect(fates(r)).toEqual([
      { p: 1, kind: 'rejected', by: 'filter/KUBE-IPVS-FILTER rule 6', with: 'icmp-port-unreachable' },
    ]);
  });

  it('without the ipset members (ipset list -n only): the set match is undetermined, not guessed', () => {
    const r = traceEdited({ ipsetMembers: undefined }, {});
    expect(r.branches).toHaveLength(1);
    expect(r.branches[0]!.fate).toMatchObject({ kind: 'undetermined', needs: ['host.ipset-members'] });
  });
});
