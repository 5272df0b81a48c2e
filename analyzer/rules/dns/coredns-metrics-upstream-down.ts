// DNS-420: CoreDNS's own metrics say a forward upstream went down. The forward plugin health-checks
// an upstream only after a query to it failed, then every 0.5 s until it answers, and marks it down
// after `max_fails` (default 2) failed checks in a row: a health-check failure count at or above 2
// means CoreDNS took that upstream out of rotation at least once since it started. When every
// upstream is down at once CoreDNS counts coredns_forward_healthcheck_broken_total and sprays
// queries at random (coredns/coredns:plugin/forward/README.md). Counters are cumulative since the
// CoreDNS process started: a past outage that healed still counts, so the message says "since start".
import type { EvidenceRef, Finding, Report, Rule } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import { lineEvidence } from '../../model/evidence.js';
import { COREDNS_METRICS_SOURCE, forwardBroken, forwardUpstreams, upstreamHost } from '../../model/metrics.js';
import { basisOf } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { corednsMetricsOf, listOf } from './coredns-metrics.js';

/** the forward plugin's default max_fails: this many failed checks in a row mark an upstream down */
export const HEALTHCHECK_FAILURES = 2;

/** a DNS-402 finding names the upstream this metrics finding is about */
export function sameUpstream(cause: Finding, symptom: Finding): boolean {
  const named = `${String(cause.data?.upstreams ?? '')} ${String(cause.data?.upstream ?? '')}`.split(/\s+/);
  const hosts = String(symptom.data?.upstreams ?? symptom.data?.upstream ?? '')
    .split(/\s+/)
    .map(upstreamHost);
  return hosts.some((h) => h !== '' && named.includes(h));
}

export const corednsMetricsUpstreamDown: Rule = {
  id: 'DNS-420',
  slug: 'coredns-metrics-upstream-down',
  layer: 'dns',
  severity: 'critical',
  title: "CoreDNS's metrics show a forward upstream marked down",
  needs: [COREDNS_METRICS_SOURCE],
  decidesFrom: [[COREDNS_METRICS_SOURCE]],
  docs: {
    why: 'CoreDNS forwards every name outside the cluster to its upstreams. An upstream that fails max_fails (default 2) health checks in a row is taken out of rotation; when all are out, CoreDNS counts a "broken" event and sends queries at random, and names outside the cluster fail or take seconds. The counters are cumulative since the CoreDNS pod started, so an outage that has since healed still shows: compare with the pod\'s start time and the CoreDNS logs.',
    fix: "Check that each upstream in the Corefile's forward line answers from the CoreDNS pods' network (a pod with dnsPolicy: Default), fix the address or the route/firewall to it, then restart CoreDNS to reset the counters.",
  },
  messages: {
    down: 'CoreDNS pod {pod}: forward upstream {upstream} failed {failures} health checks since the pod started{also}',
    broken:
      'CoreDNS pod {pod}: every forward upstream was down at once {broken} times since the pod started ({upstreams})',
    healthy: 'CoreDNS pod {pod}: no forward upstream failed {threshold} health checks since the pod started',
    'no-forward': 'CoreDNS pod {pod} reports no forward upstream metrics (no forward plugin, or nothing forwarded yet)',
  },
  explains: [{ rule: 'DNS-422', match: 'same-subject' }],
  run(s: Snapshot) {
    const out: Report[] = [];
    for (const { pod, subject, metrics } of corednsMetricsOf(s, out)) {
      const ups = forwardUpstreams(metrics.value);
      const broken = forwardBroken(metrics.value);
      const down = ups
        .filter((u) => (u.healthcheckFailures ?? 0) >= HEALTHCHECK_FAILURES)
        .sort((a, b) => (b.healthcheckFailures ?? 0) - (a.healthcheckFailures ?? 0) || a.to.localeCompare(b.to));
      const ev = (line: number, note: string): EvidenceRef | undefined =>
        lineEvidence(s.files, metrics.ref, line, line, note);
      const evidence = [
        ...(broken && broken.value > 0 ? [ev(broken.line, 'all upstreams down at once, since start')] : []),
        ...down.map((u) => {
          const line = u.lines.find((l) =>
            metrics.value.samples.some((x) => x.line === l && /healthcheck/.test(x.name)),
          );
          return ev(line ?? (u.lines[0] as number), `health-check failures of ${u.to} since start`);
        }),
      ].filter((e): e is EvidenceRef => e !== undefined);
      const remediation = remedy(
        "CoreDNS could not reach these upstreams. Ask one directly from the pod network; fix the Corefile's forward line or the path to the upstream, then restart CoreDNS (the counters reset).",
        [
          ...down
            .slice(0, 2)
            .map(
              (u) =>
                cmd`kubectl run dnscheck --rm -it --restart=Never --image=busybox:1.36 --overrides='{"spec":{"dnsPolicy":"Default"}}' -- nslookup kubernetes.io ${word('ip', upstreamHost(u.to))}`,
            ),
          cmd`kubectl -n kube-system logs ${word('pod', pod)} | grep -i -E 'timeout|unreachable|no healthy'`,
          'kubectl -n kube-system rollout restart deployment coredns',
        ],
      );
      if (broken && broken.value > 0) {
        out.push({
          status: 'fail',
          subject,
          messageId: 'broken',
          data: {
            pod,
            broken: broken.value,
            upstreams: ups.map((u) => u.to).join(' '),
            upstream: down[0]?.to ?? ups[0]?.to ?? '',
          },
          evidence,
          remediation,
        });
        continue;
      }
      const lead = down[0];
      if (lead) {
        const healthy = ups.length - down.length;
        out.push({
          // with a healthy upstream left CoreDNS still answers (slower after each failed try): warn
          status: healthy > 0 ? 'warn' : 'fail',
          subject,
          messageId: 'down',
          data: {
            pod,
            upstream: lead.to,
            failures: lead.healthcheckFailures ?? 0,
            upstreams: down.map((u) => u.to).join(' '),
            also:
              down.length > 1
                ? `; also ${listOf(down.slice(1).map((u) => `${u.to} (${u.healthcheckFailures ?? 0})`))}`
                : '',
          },
          evidence,
          remediation,
        });
        continue;
      }
      out.push({
        status: 'pass',
        subject,
        messageId: ups.length ? 'healthy' : 'no-forward',
        data: { pod, threshold: HEALTHCHECK_FAILURES },
        basis: basisOf(metrics),
      });
    }
    return out;
  },
};
