import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { corednsMetricsUpstreamErrors, ERROR_SHARE, MIN_ANSWERS } from './coredns-metrics-upstream-errors.js';
import { corednsFiles, corednsText, proxyFailed, type UpstreamSpec } from './coredns-metrics-testing.js';

const POD = 'coredns-7db6d8ff4d-2xk9p';
const snap = (ups: Record<string, UpstreamSpec>, old = false) =>
  snapshotOf({ node: 'control-plane', files: corednsFiles({ [POD]: corednsText({ upstreams: ups, old }) }) });
const subject = `pod:kube-system/${POD}`;

ruleTester(corednsMetricsUpstreamErrors).run({
  valid: [
    // 9 answers, all SERVFAIL: too few to call a rate
    {
      name: `under ${MIN_ANSWERS} answers`,
      snapshot: () => snap({ '8.8.8.8:53': { rcodes: { SERVFAIL: MIN_ANSWERS - 1 } } }),
    },
    // 100 answers, 9 SERVFAIL: 9% < 10%
    {
      name: 'error share just under the threshold',
      snapshot: () => snap({ '8.8.8.8:53': { rcodes: { NOERROR: 91, SERVFAIL: 9 } } }),
    },
  ],
  invalid: [
    {
      name: 'pass: NOERROR and NXDOMAIN only',
      snapshot: () => snap({ '8.8.8.8:53': { rcodes: { NOERROR: 500, NXDOMAIN: 80 } } }),
      findings: [{ status: 'pass', subject, messageId: 'ok' }],
    },
    {
      name: `SERVFAIL at exactly ${ERROR_SHARE * 100}% of ${MIN_ANSWERS} answers`,
      snapshot: () => snap({ '10.20.0.53:53': { rcodes: { NOERROR: MIN_ANSWERS - 1, SERVFAIL: 1 } } }),
      findings: [
        {
          status: 'warn',
          subject,
          messageId: 'errors',
          data: { upstream: '10.20.0.53:53', errors: 1, answers: 10, share: '10%' },
          cites: [`cluster/metrics/coredns/${POD}.prom:`],
        },
      ],
    },
    {
      name: 'REFUSED from an upstream whose ACL leaves the cluster out (CoreDNS 1.8 names)',
      snapshot: () => snap({ '192.168.1.1:53': { rcodes: { REFUSED: 40, NOERROR: 10 } } }, true),
      findings: [{ status: 'warn', subject, messageId: 'errors', data: { errors: 40, answers: 50 } }],
    },
    {
      name: 'a CoreDNS pod without metrics: unknown',
      snapshot: () =>
        snapshotOf({ node: 'control-plane', files: corednsFiles({}, [POD]), extraSources: [proxyFailed(POD)] }),
      findings: [{ status: 'unknown', subject, missing: [`cluster.metrics.coredns.${POD}`] }],
    },
  ],
});
