import { ruleTester } from '../testing.js';
import { probeClusterDnsFailed } from './probe-cluster-dns-failed.js';
import { failed, HOST, POD, probedNode, probeJson, unprobedNode, probesFailedNode } from './testing.js';

const probe = {
  check: 'dns-cluster',
  target: {
    ip: '10.96.0.10',
    port: 53,
    proto: 'udp',
    name: 'kubernetes.default.svc.cluster.local',
    service: 'kube-system/kube-dns',
  },
} as const;

ruleTester(probeClusterDnsFailed).run({
  valid: [
    { name: 'collected without --probe: not applicable, no finding', snapshot: unprobedNode },
    { name: 'dns-cluster probes answer', snapshot: () => probedNode([probeJson(probe)]) },
  ],
  invalid: [
    {
      name: 'a dns-cluster probe times out: fail on its vantage, citing it',
      snapshot: () => probedNode([probeJson({ ...probe, vantage: 'host' }), failed(probe)]),
      findings: [
        {
          status: 'fail',
          subject: POD,
          messageId: 'failed',
          data: { check: 'dns-cluster', failed: 1, outcome: 'timeout', targetIps: '10.96.0.10' },
          cites: ['host/probes.json#/probes/1'],
        },
        { status: 'pass', subject: HOST },
      ],
    },
    {
      // the collector writes error for an answer that is an error (SERVFAIL, NXDOMAIN): for DNS a failure
      name: 'a SERVFAIL answer (outcome error) fails a DNS check',
      snapshot: () =>
        probedNode([
          failed({ ...probe, outcome: 'error', detail: "** server can't find kubernetes.default: SERVFAIL" }),
        ]),
      findings: [{ status: 'fail', subject: POD, data: { outcome: 'error' } }],
    },
    {
      name: 'skipped probes judge nothing',
      snapshot: () => probedNode([probeJson({ ...probe, outcome: 'skipped', attempts: 0, successes: 0 })]),
      findings: [{ status: 'unknown', subject: POD, messageId: 'notJudged' }],
    },
    {
      name: 'asked for with --probe, but host.probes timed out: unknown, never pass',
      snapshot: probesFailedNode,
      findings: [
        { status: 'unknown', subject: 'node:worker-1', messageId: 'missing-inputs', missing: ['host.probes'] },
      ],
    },
  ],
});
