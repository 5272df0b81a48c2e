// DNS-423: coredns_panics_total (<= 1.6: coredns_panic_count_total) counts panics CoreDNS recovered
// from while serving a query: a plugin bug, and the query that hit it got no good answer. Threshold:
// one. A healthy CoreDNS never panics; the counter is cumulative since the process started.
import type { Report, Rule } from '../types.js';
import { lineEvidence } from '../../model/evidence.js';
import { COREDNS_METRICS_SOURCE, corednsMetricsSourceId, panics } from '../../model/metrics.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { corednsMetricsOf } from './coredns-metrics.js';

export const corednsMetricsPanics: Rule = {
  id: 'DNS-423',
  slug: 'coredns-metrics-panics',
  layer: 'dns',
  severity: 'warning',
  title: 'CoreDNS recovered from panics',
  needs: [COREDNS_METRICS_SOURCE],
  decidesFrom: [[COREDNS_METRICS_SOURCE]],
  docs: {
    why: 'CoreDNS recovers from a panic in a plugin and answers that query with an error. Any panic is a bug (often fixed in a later CoreDNS release) and the stack trace is in the log. The counter is cumulative since the CoreDNS pod started.',
    fix: 'Read the panic in the CoreDNS log, check the CoreDNS release notes for a fix and upgrade; remove or reconfigure the plugin in the stack trace meanwhile.',
  },
  messages: {
    panics: 'CoreDNS pod {pod} recovered from {panics} panics since the pod started',
    none: 'CoreDNS pod {pod} has not panicked since it started',
  },
  run(s) {
    const out: Report[] = [];
    for (const { pod, subject, metrics } of corednsMetricsOf(s, out)) {
      const p = panics(metrics.value);
      if (!p) {
        out.push(missingInputs(subject, [`${corednsMetricsSourceId(pod)}#coredns_panics_total`]));
        continue;
      }
      if (p.value < 1) {
        out.push({ status: 'pass', subject, messageId: 'none', data: { pod }, basis: basisOf(metrics) });
        continue;
      }
      const ev = lineEvidence(s.files, metrics.ref, p.line, p.line, 'panics since start');
      out.push({
        status: 'warn',
        subject,
        messageId: 'panics',
        data: { pod, panics: p.value },
        evidence: ev ? [ev] : [],
        remediation: remedy('The stack trace in the CoreDNS log names the plugin that panicked.', [
          cmd`kubectl -n kube-system logs ${word('pod', pod)} | grep -A20 -i panic`,
        ]),
      });
    }
    return out;
  },
};
