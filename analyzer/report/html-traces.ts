// The packets the trace-based node rules followed (analyzer/rules/lib/pod-trace.ts), traced again
// the way each rule traced them, for the HTML report: a pod of the node sending to the internet and a
// pod of another node reaching it, step by step through the node's routes and iptables.
import type { Snapshot } from '../model/types.js';
import { nodeOf } from '../causal/link.js';
import { podProbes, trace, traceHostWith } from '../rules/lib/pod-trace.js';
import type { Finding } from '../rules/types.js';
import type { TraceResult } from '../trace/types.js';

export interface ReportTrace {
  /** the finding whose rule traced this packet */
  readonly finding: Finding;
  readonly direction: 'egress' | 'ingress';
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

/** at most this many traced packets in one report (a 500-node cluster would otherwise trace 1,000) */
const MAX_TRACES = 40;

export function reportTraces(s: Snapshot, findings: readonly Finding[]): ReportTrace[] {
  const out: ReportTrace[] = [];
  for (const f of findings) {
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
