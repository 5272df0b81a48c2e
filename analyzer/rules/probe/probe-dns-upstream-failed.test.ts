import { ruleTester } from '../testing.js';
import { probeDnsUpstreamFailed } from './probe-dns-upstream-failed.js';
import { failed, HOST, POD, probedNode, probeJson, unprobedNode, probesFailedNode } from './testing.js';

const probe = {
  check: 'dns-upstream',
  target: { ip: '192.168.56.2', port: 53, proto: 'udp', name: 'kubernetes.io' },
} as const;

ruleTester(probeDnsUpstreamFailed).run({
  valid: [
    { name: 'collected without --probe: not applicable, no finding', snapshot: unprobedNode },
    { name: 'dns-upstream probes answer', snapshot: () => probedNode([probeJson(probe)]) },
  ],
  invalid: [
    {
      name: 'a dns-upstream probe times out: fail on its vantage, citing it',
      snapshot: () => probedNode([probeJson({ ...probe, vantage: 'host' }), failed(probe)]),
      findings: [
        {
          status: 'fail',
          subject: POD,
          messageId: 'failed',
          data: { check: 'dns-upstream', failed: 1, outcome: 'timeout', targetIps: '192.168.56.2' },
          cites: ['host/probes.json#/probes/1'],
        },
        { status: 'pass', subject: HOST },
      ],
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
