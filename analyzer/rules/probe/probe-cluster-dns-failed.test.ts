import { ruleTester } from '../testing.js';
import { probeClusterDnsFailed } from './probe-cluster-dns-failed.js';
import { checkKindCases, failed, POD, probedNode } from './testing.js';

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

ruleTester(probeClusterDnsFailed).run(
  checkKindCases(probe, [
    {
      // the collector writes error for an answer that is an error (SERVFAIL, NXDOMAIN): for DNS a failure
      name: 'a SERVFAIL answer (outcome error) fails a DNS check',
      snapshot: () =>
        probedNode([
          failed({ ...probe, outcome: 'error', detail: "** server can't find kubernetes.default: SERVFAIL" }),
        ]),
      findings: [{ status: 'fail', subject: POD, data: { outcome: 'error' } }],
    },
  ]),
);
