import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { corednsMetricsPanics } from './coredns-metrics-panics.js';
import { corednsFiles, corednsText } from './coredns-metrics-testing.js';

const POD = 'coredns-7db6d8ff4d-2xk9p';
const subject = `pod:kube-system/${POD}`;
const snap = (text: string) => snapshotOf({ node: 'control-plane', files: corednsFiles({ [POD]: text }) });

ruleTester(corednsMetricsPanics).run({
  valid: [{ name: 'no panic', snapshot: () => snap(corednsText({ panics: 0 })) }],
  invalid: [
    {
      name: 'pass with the counter at 0',
      snapshot: () => snap(corednsText({ panics: 0 })),
      findings: [{ status: 'pass', subject, messageId: 'none' }],
    },
    {
      name: 'one panic (the threshold)',
      snapshot: () => snap(corednsText({ panics: 1 })),
      findings: [
        {
          status: 'warn',
          subject,
          messageId: 'panics',
          data: { panics: 1 },
          cites: [`cluster/metrics/coredns/${POD}.prom:`],
        },
      ],
    },
    {
      name: 'CoreDNS 1.6 name coredns_panic_count_total',
      snapshot: () => snap('# TYPE coredns_panic_count_total counter\ncoredns_panic_count_total 3\n'),
      findings: [{ status: 'warn', subject, messageId: 'panics', data: { panics: 3 } }],
    },
    {
      name: 'no panic counter: unknown',
      snapshot: () => snap(corednsText({})),
      findings: [{ status: 'unknown', subject, missing: [`cluster.metrics.coredns.${POD}#coredns_panics_total`] }],
    },
  ],
});
