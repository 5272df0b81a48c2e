// DNS-422: the share of SERVFAIL in what CoreDNS answered its clients (coredns_dns_responses_total by
// rcode; <= 1.6: coredns_dns_response_rcode_count_total). SERVFAIL is what a pod sees when CoreDNS
// could not get an answer (upstream down or timing out, a plugin error). Thresholds: at least
// MIN_RESPONSES responses, and a SERVFAIL share of at least SERVFAIL_SHARE: in a healthy cluster
// nearly every answer is NOERROR or NXDOMAIN (search-path expansion makes NXDOMAIN common, never
// SERVFAIL), so one answer in twenty failing is a fault, not background. Cumulative since the CoreDNS
// process started: a past outage still counts, so the message says "since start".
import type { Report, Rule } from '../types.js';
import { lineEvidence } from '../../model/evidence.js';
import { COREDNS_METRICS_SOURCE, dnsResponses } from '../../model/metrics.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { corednsMetricsOf } from './coredns-metrics.js';
import { corednsMetricsSourceId } from '../../model/metrics.js';

export const MIN_RESPONSES = 20;
export const SERVFAIL_SHARE = 0.05;
const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`;

export const corednsMetricsServfailShare: Rule = {
  id: 'DNS-422',
  slug: 'coredns-metrics-servfail-share',
  layer: 'dns',
  severity: 'warning',
  title: 'CoreDNS answers a large share of queries with SERVFAIL',
  needs: [COREDNS_METRICS_SOURCE],
  decidesFrom: [[COREDNS_METRICS_SOURCE]],
  docs: {
    why: 'SERVFAIL is the answer a pod gets when CoreDNS could not resolve a name: an upstream down or timing out, a broken stub domain, a plugin error. In a healthy cluster almost every answer is NOERROR or NXDOMAIN. The share is over every answer since the CoreDNS pod started.',
    fix: 'Find why with the forward metrics (DNS-420, DNS-421) and the CoreDNS logs (the errors plugin logs each SERVFAIL with its reason).',
  },
  messages: {
    servfail: 'CoreDNS pod {pod} answered {servfail} of {total} queries ({share}) with SERVFAIL since the pod started',
    ok: 'CoreDNS pod {pod} answered {servfail} of {total} queries with SERVFAIL since the pod started (under {threshold})',
    'no-responses': 'CoreDNS pod {pod} reports no response counts',
  },
  run(s) {
    const out: Report[] = [];
    for (const { pod, subject, metrics } of corednsMetricsOf(s, out)) {
      const r = dnsResponses(metrics.value);
      if (!r) {
        out.push(missingInputs(subject, [`${corednsMetricsSourceId(pod)}#coredns_dns_responses_total`]));
        continue;
      }
      const servfail = r.rcodes.get('SERVFAIL') ?? 0;
      if (r.total < MIN_RESPONSES || servfail < SERVFAIL_SHARE * r.total) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'ok',
          data: { pod, servfail, total: r.total, threshold: percent(SERVFAIL_SHARE) },
          basis: basisOf(metrics),
        });
        continue;
      }
      const rows = metrics.value.samples.filter((x) => r.lines.includes(x.line) && x.labels.rcode === 'SERVFAIL');
      out.push({
        status: 'warn',
        subject,
        messageId: 'servfail',
        data: { pod, servfail, total: r.total, share: percent(servfail / r.total) },
        evidence: rows
          .slice(0, 3)
          .map((x) => lineEvidence(s.files, metrics.ref, x.line, x.line, 'SERVFAIL answers since start'))
          .filter((e) => e !== undefined),
        remediation: remedy('The CoreDNS log names the reason of each SERVFAIL (errors plugin).', [
          cmd`kubectl -n kube-system logs ${word('pod', pod)} | grep -E 'SERVFAIL|error'`,
        ]),
      });
    }
    return out;
  },
};
