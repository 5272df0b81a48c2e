import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { corednsMetricsServfailShare, MIN_RESPONSES, SERVFAIL_SHARE } from './coredns-metrics-servfail-share.js';
import { corednsFiles, corednsText } from './coredns-metrics-testing.js';
import { readFileSync } from 'node:fs';

const POD = 'coredns-7db6d8ff4d-2xk9p';
const subject = `pod:kube-system/${POD}`;
const snap = (text: string) => snapshotOf({ node: 'control-plane', files: corednsFiles({ [POD]: text }) });
const real = readFileSync(
  new URL('../../../fixtures/reference/metrics/coredns-1.7.0-some-load.prom', import.meta.url),
  'utf8',
);

ruleTester(corednsMetricsServfailShare).run({
  valid: [
    {
      name: `fewer than ${MIN_RESPONSES} responses`,
      snapshot: () => snap(corednsText({ responses: { SERVFAIL: MIN_RESPONSES - 1 } })),
    },
    {
      name: 'SERVFAIL just under the share (4 of 100)',
      snapshot: () => snap(corednsText({ responses: { NOERROR: 96, SERVFAIL: 4 } })),
    },
  ],
  invalid: [
    {
      name: 'pass: NOERROR and NXDOMAIN',
      snapshot: () => snap(corednsText({ responses: { NOERROR: 900, NXDOMAIN: 300 } })),
      findings: [{ status: 'pass', subject, messageId: 'ok' }],
    },
    {
      name: `SERVFAIL at exactly ${SERVFAIL_SHARE * 100}% of ${MIN_RESPONSES}`,
      snapshot: () => snap(corednsText({ responses: { NOERROR: MIN_RESPONSES - 1, SERVFAIL: 1 } })),
      findings: [{ status: 'warn', subject, messageId: 'servfail', data: { servfail: 1, total: 20, share: '5%' } }],
    },
    {
      // netdata/go.d.plugin testdata of CoreDNS 1.7.0: 42 SERVFAIL of 82 responses (fixtures/reference/metrics)
      name: 'real CoreDNS 1.7.0 metrics text with SERVFAIL for ya.ru. and dropped queries',
      snapshot: () => snap(real),
      findings: [{ status: 'warn', subject, messageId: 'servfail', data: { servfail: 42, total: 82 } }],
    },
    {
      name: 'no response counter in the metrics: unknown',
      snapshot: () => snap(corednsText({ panics: 0 })),
      findings: [
        { status: 'unknown', subject, missing: [`cluster.metrics.coredns.${POD}#coredns_dns_responses_total`] },
      ],
    },
  ],
});
