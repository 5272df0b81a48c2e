import { ruleTester } from '../testing.js';
import { probeRemotePodUnreachable } from './probe-remote-pod-unreachable.js';
import { failed, HOST, POD, probedNode, probeJson, unprobedNode, probesFailedNode } from './testing.js';

const probe = {
  check: 'remote-pod',
  target: { ip: '10.244.2.7', proto: 'icmp', pod: 'default/web-2', node: 'worker-2' },
} as const;

ruleTester(probeRemotePodUnreachable).run({
  valid: [
    { name: 'collected without --probe: not applicable, no finding', snapshot: unprobedNode },
    { name: 'remote-pod probes answer', snapshot: () => probedNode([probeJson(probe)]) },
  ],
  invalid: [
    {
      name: 'a remote-pod probe times out: fail on its vantage, citing it',
      snapshot: () => probedNode([probeJson({ ...probe, vantage: 'host' }), failed(probe)]),
      findings: [
        {
          status: 'fail',
          subject: POD,
          messageId: 'failed',
          data: { check: 'remote-pod', failed: 1, outcome: 'timeout', targetIps: '10.244.2.7' },
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
