import { ruleTester } from '../testing.js';
import { probeExternalIpUnreachable } from './probe-external-ip-unreachable.js';
import { failed, HOST, POD, probedNode, probeJson, unprobedNode, probesFailedNode } from './testing.js';

const ext = { check: 'external-ip' } as const;

ruleTester(probeExternalIpUnreachable).run({
  valid: [
    { name: 'collected without --probe: not applicable, no finding', snapshot: unprobedNode },
    {
      name: 'pod and host reach 1.1.1.1:443',
      snapshot: () => probedNode([probeJson(ext), probeJson({ ...ext, vantage: 'host' })]),
    },
  ],
  invalid: [
    {
      name: 'pod -> 1.1.1.1:443 times out: fail on the pod, citing the probe',
      snapshot: () => probedNode([failed(ext), probeJson({ ...ext, vantage: 'host' })]),
      findings: [
        {
          status: 'fail',
          subject: POD,
          messageId: 'failed',
          data: { check: 'external-ip', failed: 1, total: 1, outcome: 'timeout', targetIps: '1.1.1.1' },
          cites: ['host/probes.json#/probes/0'],
        },
        { status: 'pass', subject: HOST, messageId: 'answered' },
      ],
    },
    {
      // the collector found the pod's netns without a pod list (docs/probes.md): no namespace or name
      name: 'a pod vantage known only by its netns is still the pod, not the node',
      snapshot: () =>
        probedNode([failed({ ...ext, vantage: 'netns:pid-1234' })], {
          vantages: [
            { id: 'host', kind: 'host' },
            { id: 'netns:pid-1234', kind: 'pod', ip: '10.244.1.5', pid: 1234, enteredWith: 'nsenter -t 1234 -n' },
          ],
        }),
      findings: [{ status: 'fail', subject: 'pod:netns:pid-1234@worker-1', data: { vantage: 'netns:pid-1234' } }],
    },
    {
      name: 'refused and unreachable are failures too',
      snapshot: () =>
        probedNode([
          failed({ ...ext, outcome: 'refused' }),
          failed({ ...ext, vantage: 'host', outcome: 'unreachable' }),
        ]),
      findings: [
        { status: 'fail', subject: POD, data: { outcome: 'refused' } },
        { status: 'fail', subject: HOST, data: { outcome: 'unreachable' } },
      ],
    },
    {
      name: 'air-gapped: expected-fail is never a failure, and no pass either',
      snapshot: () =>
        probedNode([probeJson({ ...ext, outcome: 'expected-fail', attempts: 0, successes: 0, latencyMs: null })], {
          airGapped: true,
          airGappedReason: 'no default route',
        }),
      findings: [{ status: 'unknown', subject: POD, messageId: 'notJudged', missing: ['host.probes'] }],
    },
    {
      name: 'a tool error judges nothing',
      snapshot: () => probedNode([failed({ ...ext, outcome: 'error', detail: 'nc: not found' })]),
      findings: [{ status: 'unknown', subject: POD, messageId: 'notJudged' }],
    },
    {
      name: 'probed, but no external-ip probe ran',
      snapshot: () => probedNode([probeJson({ check: 'node', target: { ip: '192.168.56.11', port: 10250 } })]),
      findings: [{ status: 'unknown', subject: HOST, messageId: 'noProbe', missing: ['host.probes'] }],
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
