// DNS-421: an upstream that answers, but with errors. CoreDNS counts each answered exchange with an
// upstream by rcode (>= 1.11: coredns_proxy_request_duration_seconds_count{proxy_name="forward",to,rcode};
// 1.7-1.10: coredns_forward_responses_total{to,rcode}). SERVFAIL from an upstream means it could not
// resolve the name itself; REFUSED means it will not recurse for CoreDNS's address (an ACL). Thresholds:
// at least MIN_ANSWERS answers (fewer say nothing about a rate) and an error share of at least
// ERROR_SHARE (one forwarded query in ten failing is far above the background of a healthy
// resolver, whose SERVFAILs are the few broken domains on the internet). Counters are cumulative since
// the CoreDNS process started. Timed-out queries are not counted here at all (plugin/pkg/proxy/connect.go
// observes only answers): those show as health-check failures (DNS-420).
import type { Report, Rule } from '../types.js';
import { lineEvidence } from '../../model/evidence.js';
import { COREDNS_METRICS_SOURCE, forwardUpstreams, upstreamHost, type UpstreamReading } from '../../model/metrics.js';
import { basisOf } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { corednsMetricsOf, listOf } from './coredns-metrics.js';

export const MIN_ANSWERS = 10;
export const ERROR_SHARE = 0.1;
const ERROR_RCODES = ['SERVFAIL', 'REFUSED'];

const errorsOf = (u: UpstreamReading): number => ERROR_RCODES.reduce((n, rc) => n + (u.rcodes.get(rc) ?? 0), 0);
const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`;

export const corednsMetricsUpstreamErrors: Rule = {
  id: 'DNS-421',
  slug: 'coredns-metrics-upstream-errors',
  layer: 'dns',
  severity: 'warning',
  title: "CoreDNS's metrics show an upstream answering with SERVFAIL or REFUSED",
  needs: [COREDNS_METRICS_SOURCE],
  decidesFrom: [[COREDNS_METRICS_SOURCE]],
  docs: {
    why: "An upstream that answers SERVFAIL cannot resolve the names itself (its own upstream or DNSSEC fails); REFUSED means it does not serve CoreDNS's source address. Pods then get SERVFAIL for external names. The share is over every answer since the CoreDNS pod started; queries that timed out are not in it (see DNS-420).",
    fix: "Ask the upstream a name directly from the pod network; if it refuses, allow the node/pod addresses on it (or forward to another resolver); if it fails, fix or replace it in the Corefile's forward line.",
  },
  messages: {
    errors:
      'CoreDNS pod {pod}: upstream {upstream} answered {errors} of {answers} queries ({share}) with SERVFAIL or REFUSED since the pod started{also}',
    ok: 'CoreDNS pod {pod}: no upstream answered {threshold} or more of its queries with SERVFAIL or REFUSED since the pod started',
  },
  run(s) {
    const out: Report[] = [];
    for (const { pod, subject, metrics } of corednsMetricsOf(s, out)) {
      const bad = forwardUpstreams(metrics.value)
        .filter((u) => u.answers >= MIN_ANSWERS && errorsOf(u) >= ERROR_SHARE * u.answers)
        .sort((a, b) => errorsOf(b) / b.answers - errorsOf(a) / a.answers || a.to.localeCompare(b.to));
      const lead = bad[0];
      if (!lead) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'ok',
          data: { pod, threshold: percent(ERROR_SHARE) },
          basis: basisOf(metrics),
        });
        continue;
      }
      const evidence = bad.flatMap((u) => {
        const rows = metrics.value.samples.filter(
          (x) => u.lines.includes(x.line) && ERROR_RCODES.includes(x.labels.rcode ?? ''),
        );
        return rows
          .slice(0, 2)
          .map((x) => lineEvidence(s.files, metrics.ref, x.line, x.line, `${x.labels.rcode} answers from ${u.to}`))
          .filter((e) => e !== undefined);
      });
      out.push({
        status: 'warn',
        subject,
        messageId: 'errors',
        data: {
          pod,
          upstream: lead.to,
          upstreams: bad.map((u) => u.to).join(' '),
          errors: errorsOf(lead),
          answers: lead.answers,
          share: percent(errorsOf(lead) / lead.answers),
          also: bad.length > 1 ? `; also ${listOf(bad.slice(1).map((u) => u.to))}` : '',
        },
        evidence,
        remediation: remedy(
          "Ask the upstream directly from the pod network; REFUSED means its ACL does not include the cluster's addresses, SERVFAIL that it cannot resolve the name itself.",
          [
            cmd`kubectl run dnscheck --rm -it --restart=Never --image=busybox:1.36 --overrides='{"spec":{"dnsPolicy":"Default"}}' -- nslookup kubernetes.io ${word('ip', upstreamHost(lead.to))}`,
            'kubectl -n kube-system edit configmap coredns',
          ],
        ),
      });
    }
    return out;
  },
};
