// The packets the trace-based rules followed (analyzer/rules/lib/pod-trace.ts), traced again the way
// each rule traced them, for the HTML report: a pod of the node sending to the internet, a pod of
// another node reaching it (SYS-103/104/110), a pod's DNS query to kube-dns (DNS-406), step by step
// through the node's routes and iptables.
import type { Snapshot } from '../model/types.js';
import { nodeOf } from '../causal/link.js';
import { podProbes, trace, traceHostWith } from '../rules/lib/pod-trace.js';
import type { Finding } from '../rules/types.js';
import { simulate } from '../trace/simulate.js';
import type { TraceResult } from '../trace/types.js';

export interface ReportTrace {
  /** the finding whose rule traced this packet */
  readonly finding: Finding;
  /** egress/ingress: SYS-103/104/110's pod probes; service: a pod's packet to the finding's Service */
  readonly direction: 'egress' | 'ingress' | 'service';
  /** how the rule judged: with the filter table, or as if it accepted everything */
  readonly filterAcceptsAll: boolean;
  readonly result: TraceResult;
}

/** rules that judge a node by tracing pod packets: which probes, and whether they drop the filter table */
const TRACED: Readonly<Record<string, { readonly filterAcceptsAll: boolean; readonly probes: readonly string[] }>> = {
  'SYS-103': { filterAcceptsAll: false, probes: ['egress', 'ingress'] },
  'SYS-104': { filterAcceptsAll: true, probes: ['egress'] },
  'SYS-110': { filterAcceptsAll: true, probes: ['ingress'] },
};

/** rules that trace a pod's packet to their Service's ClusterIP on the first nodes (by name) */
const TRACED_SERVICE: Readonly<
  Record<string, { readonly proto: 'udp' | 'tcp'; readonly port: number; readonly nodes: number }>
> = { 'DNS-406': { proto: 'udp', port: 53, nodes: 2 } };

/** at most this many traced packets in one report (a 500-node cluster would otherwise trace 1,000) */
const MAX_TRACES = 40;

export function reportTraces(s: Snapshot, findings: readonly Finding[]): ReportTrace[] {
  const out: ReportTrace[] = [];
  for (const f of findings) {
    if (TRACED_SERVICE[f.ruleId]) out.push(...serviceTraces(s, f, MAX_TRACES - out.length));
    const how = TRACED[f.ruleId];
    const node = nodeOf(f);
    if (!how || (f.status !== 'fail' && f.status !== 'warn') || node === undefined) continue;
    const host = s.hosts.get(node);
    if (!host?.iptables || !host.routes || !host.addrs) continue;
    try {
      const th = traceHostWith(s, host, host.iptables, { filterAcceptsAll: how.filterAcceptsAll });
      for (const p of podProbes(s, host, th).probes) {
        if (!how.probes.includes(p.direction) || out.length >= MAX_TRACES) continue;
        out.push({ finding: f, direction: p.direction, filterAcceptsAll: how.filterAcceptsAll, result: trace(th, p) });
      }
    } catch {
      // a trace the rule could run is re-run on the same data; if it throws here, the report goes on without it
    }
  }
  return out;
}

/** DNS-406's packets: a pod of each of the first nodes to the Service's ClusterIP, as the rule sent them */
function serviceTraces(s: Snapshot, f: Finding, room: number): ReportTrace[] {
  const how = TRACED_SERVICE[f.ruleId];
  const svc = s.index.serviceByName.get(`${f.subject.namespace ?? ''}/${f.subject.name}`);
  const ip = svc?.obj.spec?.clusterIP;
  if (!how || (f.status !== 'fail' && f.status !== 'warn') || !ip || ip === 'None') return [];
  const out: ReportTrace[] = [];
  for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    if (out.length >= Math.min(how.nodes, room)) break;
    if (!host.iptables || !host.routes || !host.addrs) continue;
    try {
      const th = traceHostWith(s, host, host.iptables);
      const pod = podProbes(s, host, th).probes.find((p) => p.direction === 'egress');
      if (!pod) continue;
      const input = { ...pod.input, dst: ip, proto: how.proto, dport: how.port };
      out.push({ finding: f, direction: 'service', filterAcceptsAll: false, result: simulate(th, input) });
    } catch {
      // as above: the report goes on without this trace
    }
  }
  return out;
}
