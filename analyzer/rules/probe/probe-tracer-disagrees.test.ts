// The tracer walks the probe's packet through the captured node's real iptables-save and routes; the
// probe's outcome is planted. A disagreement names both (the tracer's fate and the probe's outcome).
import { ruleTester } from '../testing.js';
import { probeTracerDisagrees } from './probe-tracer-disagrees.js';
import { failed, HOST, POD, probedNode, probeJson, unprobedNode, probesFailedNode } from './testing.js';
import { capturedNode, editedIptables } from '../lib/host-testing.js';
import { snapshotOf } from '../../model/testing.js';
import { probesJson } from '../../model/testing-probes.js';

const ext = { check: 'external-ip' } as const;
const remote = {
  check: 'remote-pod',
  target: { ip: '10.244.2.7', proto: 'icmp', pod: 'default/web-2', node: 'worker-2' },
} as const;
// flannel's MASQUERADE for the pod network gone (SYS-104's fault)
const NO_MASQ = editedIptables([
  [
    '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully\n',
    '',
  ],
]);

ruleTester(probeTracerDisagrees).run({
  valid: [
    { name: 'collected without --probe: not applicable, no finding', snapshot: unprobedNode },
    {
      name: 'pod -> 1.1.1.1 answers and the tracer sees it leave masqueraded',
      snapshot: () => probedNode([probeJson(ext), probeJson({ ...ext, vantage: 'host' })]),
    },
  ],
  invalid: [
    {
      // planted: the tracer says blocked (not masqueraded), the probe got through
      name: 'the tracer says the pod packet leaves unmasqueraded, the probe got an answer',
      snapshot: () => probedNode([probeJson(ext)], {}, { 'host/iptables-save.txt': NO_MASQ }),
      findings: [
        {
          status: 'warn',
          subject: POD,
          messageId: 'tracerBlocked',
          data: { check: 'external-ip', outcome: 'ok' },
          cites: ['host/probes.json#/probes/0'],
        },
      ],
    },
    {
      // no cluster files: the pod network comes from the node's own facts, as SYS-104 reads it
      name: 'no MASQUERADE and no cluster files: blocked from the node facts, and the probe agrees',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            { 'host/iptables-save.txt': NO_MASQ, 'host/probes.json': probesJson('worker-1', [failed(ext)]) },
            {},
          ),
        ),
      findings: [{ status: 'pass', subject: HOST, messageId: 'agree', data: { compared: 1 } }],
    },
    {
      name: 'both say no masquerade: they agree',
      snapshot: () => probedNode([failed(ext)], {}, { 'host/iptables-save.txt': NO_MASQ }),
      findings: [{ status: 'pass', subject: HOST, messageId: 'agree', data: { compared: 1 } }],
    },
    {
      // planted: the tracer sends it into flannel.1, the probe got no answer (the fault is beyond this node)
      name: 'the tracer forwards the packet to the peer, the probe timed out',
      snapshot: () => probedNode([failed(remote), probeJson({ ...remote, vantage: 'host' })]),
      findings: [
        {
          status: 'warn',
          subject: POD,
          messageId: 'tracerReaches',
          data: { check: 'remote-pod', outcome: 'timeout', targetNodes: 'worker-2' },
        },
      ],
    },
    {
      name: 'refused is an answer: not held against a tracer that reaches',
      snapshot: () => probedNode([failed({ ...remote, outcome: 'refused' })]),
      findings: [{ status: 'unknown', subject: HOST, messageId: 'nothingCompared' }],
    },
    {
      name: 'a cluster DNS timeout while the tracer reaches CoreDNS is not a disagreement (CoreDNS may not answer)',
      snapshot: () =>
        probedNode([
          failed({ check: 'dns-cluster', target: { ip: '10.96.0.10', port: 53, proto: 'udp', name: 'x.y' } }),
        ]),
      findings: [{ status: 'unknown', subject: HOST, messageId: 'nothingCompared' }],
    },
    {
      name: 'expected-fail is never compared',
      snapshot: () =>
        probedNode([probeJson({ ...ext, outcome: 'expected-fail', successes: 0, attempts: 0 })], { airGapped: true }),
      findings: [{ status: 'unknown', subject: HOST, messageId: 'nothingCompared' }],
    },
    {
      name: 'no iptables-save: cannot predict',
      snapshot: () => probedNode([probeJson(ext)], {}, { 'host/iptables-save.txt': null }),
      findings: [{ status: 'unknown', subject: HOST, missing: ['host.iptables-save'] }],
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
