import { ruleTester } from '../testing.js';
import { probeNodeUnreachable } from './probe-node-unreachable.js';
import { failed, HOST, POD, probedNode, probeJson, unprobedNode, probesFailedNode } from './testing.js';

const probe = { check: 'node', target: { ip: '192.168.56.11', port: 10250, proto: 'tcp', node: 'worker-1' } } as const;

ruleTester(probeNodeUnreachable).run({
  valid: [
    { name: 'collected without --probe: not applicable, no finding', snapshot: unprobedNode },
    { name: 'node probes answer', snapshot: () => probedNode([probeJson(probe)]) },
  ],
  invalid: [
    {
      name: 'a node probe times out: fail on its vantage, citing it',
      snapshot: () => probedNode([probeJson({ ...probe, vantage: 'host' }), failed(probe)]),
      findings: [
        {
          status: 'fail',
          subject: POD,
          messageId: 'failed',
          data: { check: 'node', failed: 1, outcome: 'timeout', targetIps: '192.168.56.11' },
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
