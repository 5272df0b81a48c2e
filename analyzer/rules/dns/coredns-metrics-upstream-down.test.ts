import { ruleTester } from '../testing.js';
import { snapshotOf } from '../../model/testing.js';
import { corednsMetricsUpstreamDown, HEALTHCHECK_FAILURES } from './coredns-metrics-upstream-down.js';
import { corednsFiles, corednsText, proxyFailed } from './coredns-metrics-testing.js';

const POD = 'coredns-7db6d8ff4d-2xk9p';
const snap = (text: string, pods?: readonly string[]) =>
  snapshotOf({ node: 'control-plane', files: corednsFiles({ [POD]: text }, pods) });
const ok = { rcodes: { NOERROR: 120, NXDOMAIN: 30 } };

ruleTester(corednsMetricsUpstreamDown).run({
  valid: [
    {
      name: `health-check failures one under the threshold (${HEALTHCHECK_FAILURES - 1})`,
      snapshot: () =>
        snap(corednsText({ upstreams: { '8.8.8.8:53': { ...ok, hc: HEALTHCHECK_FAILURES - 1 } }, broken: 0 })),
    },
    { name: 'no forward metrics at all (nothing forwarded)', snapshot: () => snap(corednsText({ broken: 0 })) },
    {
      // an older collector, or --no-cluster: the rule does not apply (the manifest says why)
      name: 'a snapshot without any CoreDNS metrics and no failed read: no finding',
      snapshot: () => snapshotOf({ node: 'control-plane', files: corednsFiles({}, [POD]) }),
    },
  ],
  invalid: [
    {
      name: 'pass: upstreams answer, no failed health check',
      snapshot: () => snap(corednsText({ upstreams: { '8.8.8.8:53': ok, '1.1.1.1:53': ok }, broken: 0 })),
      findings: [{ status: 'pass', subject: `pod:kube-system/${POD}`, messageId: 'healthy' }],
    },
    {
      name: 'the only upstream failed exactly max_fails health checks: fail',
      snapshot: () => snap(corednsText({ upstreams: { '233.5.5.5:53': { hc: HEALTHCHECK_FAILURES } }, broken: 0 })),
      findings: [
        {
          status: 'fail',
          subject: `pod:kube-system/${POD}`,
          messageId: 'down',
          data: { upstream: '233.5.5.5:53', failures: 2 },
          cites: [`cluster/metrics/coredns/${POD}.prom:`],
        },
      ],
    },
    {
      name: 'one of two upstreams down, the other answers: warn',
      snapshot: () =>
        snap(corednsText({ upstreams: { '233.5.5.5:53': { hc: 40 }, '114.114.114.114:53': ok }, broken: 0 })),
      findings: [{ status: 'warn', subject: `pod:kube-system/${POD}`, messageId: 'down', data: { failures: 40 } }],
    },
    {
      name: 'every upstream down at once (broken counter at 1): fail',
      snapshot: () => snap(corednsText({ upstreams: { '10.20.0.53:53': { ...ok, hc: 1 } }, broken: 1 })),
      findings: [{ status: 'fail', subject: `pod:kube-system/${POD}`, messageId: 'broken', data: { broken: 1 } }],
    },
    {
      name: 'CoreDNS 1.8 names (coredns_forward_healthcheck_failures_total)',
      snapshot: () => snap(corednsText({ old: true, upstreams: { '233.5.5.5:53': { hc: 7 } }, broken: 0 })),
      findings: [{ status: 'fail', subject: `pod:kube-system/${POD}`, messageId: 'down', data: { failures: 7 } }],
    },
    {
      name: 'a running CoreDNS pod whose metrics were not collected: unknown, named',
      snapshot: () =>
        snap(corednsText({ upstreams: { '8.8.8.8:53': ok }, broken: 0 }), [POD, 'coredns-7db6d8ff4d-q8r2m']),
      findings: [
        { status: 'pass', subject: `pod:kube-system/${POD}` },
        {
          status: 'unknown',
          subject: 'pod:kube-system/coredns-7db6d8ff4d-q8r2m',
          missing: ['cluster.metrics.coredns.coredns-7db6d8ff4d-q8r2m'],
        },
      ],
    },
    {
      name: 'no metrics, the read of one pod failed: unknown for each running CoreDNS pod',
      snapshot: () =>
        snapshotOf({ node: 'control-plane', files: corednsFiles({}, [POD]), extraSources: [proxyFailed(POD)] }),
      findings: [{ status: 'unknown', subject: `pod:kube-system/${POD}`, missing: [`cluster.metrics.coredns.${POD}`] }],
    },
  ],
});
