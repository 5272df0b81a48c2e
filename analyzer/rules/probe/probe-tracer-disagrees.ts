// PRB-510: the offline tracer's prediction for a probe's packet and what the probe saw disagree. Either
// the tracer says the packet is blocked on the node and the probe got through (the tracer or a rule is
// wrong about this node), or the tracer says the packet passes the node and the probe got no answer
// (a fault beyond what the tracer sees: another node, the network between, the server; a rule that
// knows that fault explains the finding, else it is a fault the catalog does not know).
// Not compared: a failed DNS query through kube-dns while the tracer reaches CoreDNS (CoreDNS itself
// may not answer), `refused` while the tracer reaches (an answer: a RST or an ICMP port unreachable),
// and outcomes that judge nothing (expected-fail, skipped, error).
import type { Explains, Report, Rule } from '../types.js';
import { subjectKey } from '../types.js';
import { PROBES_SOURCE_ID, type LoadedProbe } from '../../model/probes.js';
import type { ProbeCheck } from '../../zod/probes.js';
import { basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import {
  notProbed,
  probedHosts,
  probeEvidence,
  probeRemedy,
  sameNode,
  targetData,
  targetText,
  vantageSubject,
} from './lib.js';
import { MAX_TRACED, predictProbe, type Prediction } from './predict.js';
import { probeNodeUnreachable } from './probe-node-unreachable.js';
import { probeRemotePodUnreachable } from './probe-remote-pod-unreachable.js';
import { probeServiceUnreachable } from './probe-service-unreachable.js';
import { probeClusterDnsFailed } from './probe-cluster-dns-failed.js';
import { probeExternalDnsFailed } from './probe-external-dns-failed.js';
import { probeDnsUpstreamFailed } from './probe-dns-upstream-failed.js';
import { probeExternalIpUnreachable } from './probe-external-ip-unreachable.js';

const CHECK_RULES = [
  ['node', probeNodeUnreachable],
  ['remote-pod', probeRemotePodUnreachable],
  ['service', probeServiceUnreachable],
  ['dns-cluster', probeClusterDnsFailed],
  ['dns-external', probeExternalDnsFailed],
  ['dns-upstream', probeDnsUpstreamFailed],
  ['external-ip', probeExternalIpUnreachable],
] as const satisfies readonly (readonly [ProbeCheck, Rule])[];

/** through kube-dns the tracer predicts reaching CoreDNS, not CoreDNS answering */
const SERVER_MAY_NOT_ANSWER: ReadonlySet<ProbeCheck> = new Set(['dns-cluster', 'dns-external']);

type Disagreement = 'tracerBlocked' | 'tracerReaches';

/** `agree`, a disagreement, or undefined when this outcome cannot be held against the prediction */
export function compare(p: LoadedProbe, pred: Prediction): Disagreement | 'agree' | undefined {
  if (pred.verdict === 'blocked') return p.outcome === 'ok' ? 'tracerBlocked' : 'agree';
  if (p.outcome === 'ok') return 'agree';
  if (p.outcome === 'refused' || SERVER_MAY_NOT_ANSWER.has(p.check)) return undefined;
  return 'tracerReaches';
}

/** outcomes a prediction can be held against */
const comparable = (p: LoadedProbe): boolean => ['ok', 'timeout', 'unreachable', 'refused'].includes(p.outcome);

/**
 * "The tracer reaches, the probe failed" is explained by what explains the probe's own failure (the
 * check rule's explainedBy, same match): the fault lies where that rule sees it, beyond the tracer's node.
 */
const explainedBy: Explains[] = CHECK_RULES.flatMap(([check, rule]) =>
  (rule.explainedBy ?? []).map((e): Explains => ({
    rule: e.rule,
    match: (c, p, s) =>
      p.messageId === 'tracerReaches' &&
      p.data?.check === check &&
      (e.match === 'cluster' ||
        (e.match === 'same-node' && sameNode(c, p, s)) ||
        (e.match === 'same-subject' && subjectKey(c.subject) === subjectKey(p.subject)) ||
        (typeof e.match === 'function' && e.match(c, p, s))),
  })),
);

export const probeTracerDisagrees: Rule = {
  id: 'PRB-510',
  slug: 'probe-tracer-disagrees',
  layer: 'probe',
  severity: 'warning',
  title: "Probe: the tracer's prediction and the probe disagree",
  needs: [PROBES_SOURCE_ID, 'host.iptables-save', 'host.ip-route', 'host.ip-addr'],
  decidesFrom: [[PROBES_SOURCE_ID, 'host.iptables-save', 'host.ip-route', 'host.ip-addr']],
  docs: {
    why: "netsnap's verdicts rest on the offline tracer walking a packet through the node's own routes and iptables. A probe is what a packet really did. When the two disagree, either the tracer (or a rule built on it) misreads this node, or the fault lies beyond the node: on the peer, in the network between, or in the server probed. Either way the finding says where the analysis cannot be trusted as it is.",
    fix: 'When the tracer says blocked and the probe got through, trace the packet (netsnap trace) and compare the rule it stops at with the kernel (iptables -L -v -n counters); report a tracer gap with the bundle. When the tracer says the packet passes and the probe got no answer, look beyond the node: the root cause this finding sits under, the peer node, firewalls in between.',
  },
  messages: {
    tracerBlocked:
      'from {vantage} on node {node}, {check} {target}: the tracer predicts "{fate}" but the probe got through ({outcome})',
    tracerReaches:
      'from {vantage} on node {node}, {check} {target}: the tracer predicts "{fate}" but the probe failed ({outcome}: {detail})',
    agree: 'on node {node}, the tracer agrees with all {compared} probe(s) it could predict',
    nothingCompared: 'on node {node}, no probe could be held against a tracer prediction ({why})',
  },
  explainedBy,
  run(s) {
    const out: Report[] = notProbed(s);
    for (const { host, run } of probedHosts(s)) {
      const subject = nodeSubject(host.node);
      const lacking = [
        ...(host.iptables ? [] : ['host.iptables-save']),
        ...(host.routes ? [] : ['host.ip-route']),
        ...(host.addrs ? [] : ['host.ip-addr']),
      ];
      if (lacking.length > 0) {
        out.push(missingInputs(subject, lacking));
        continue;
      }
      let compared = 0;
      const before = out.length;
      for (const p of run.value.probes.filter(comparable).slice(0, MAX_TRACED)) {
        const pred = predictProbe(s, host, run.value, p);
        const kind = pred && compare(p, pred);
        if (!pred || !kind) continue;
        compared++;
        if (kind === 'agree') continue;
        out.push({
          status: 'warn',
          subject: vantageSubject(run.value, p.vantage, host.node),
          messageId: kind,
          data: {
            node: host.node,
            vantage: p.vantage,
            check: p.check,
            target: targetText(p),
            fate: pred.fate,
            outcome: p.outcome,
            detail: p.detail ?? 'no detail',
            ...targetData([p]),
          },
          evidence: [probeEvidence(s, run, p, `probe: ${p.outcome}; tracer: ${pred.fate}`)],
          basis: basisOf(run, host.iptables, host.routes, host.addrs),
          remediation: probeRemedy(run.value, host.node, p),
        });
      }
      if (out.length > before) continue;
      out.push(
        compared > 0
          ? {
              status: 'pass',
              subject,
              messageId: 'agree',
              data: { node: host.node, compared },
              basis: basisOf(run, host.iptables, host.routes, host.addrs),
            }
          : {
              status: 'unknown',
              subject,
              messageId: 'nothingCompared',
              data: { node: host.node, why: 'every probe was undetermined for the tracer or not comparable' },
              missing: [PROBES_SOURCE_ID],
            },
      );
    }
    return out;
  },
};
