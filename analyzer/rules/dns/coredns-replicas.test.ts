import { describe, expect, it } from 'vitest';
import { ruleTester } from '../testing.js';
import { corednsReplicas, wantedReplicas } from './coredns-replicas.js';
import { dnsSnapshot } from './testing.js';

const dep = 'deployment:kube-system/coredns';
const a = 'coredns-6f6b679f8f-rgq7r';
const b = 'coredns-6f6b679f8f-x8k2p';

ruleTester(corednsReplicas).run({
  valid: [
    { name: 'two replicas on two nodes', snapshot: () => dnsSnapshot() },
    {
      name: 'single-node cluster with one replica',
      snapshot: () => dnsSnapshot({ nodes: ['cp-1'], pods: [{ name: a, node: 'cp-1' }] }),
    },
  ],
  invalid: [
    {
      name: 'one replica on two nodes',
      snapshot: () => dnsSnapshot({ pods: [{ name: a, node: 'cp-1' }] }),
      findings: [{ status: 'warn', subject: dep, messageId: 'too-few', data: { replicas: 1, wanted: 2 } }],
    },
    {
      name: 'both replicas on the control plane',
      snapshot: () =>
        dnsSnapshot({
          pods: [
            { name: a, node: 'cp-1' },
            { name: b, node: 'cp-1' },
          ],
        }),
      findings: [{ status: 'warn', subject: dep, messageId: 'one-node', data: { node: 'cp-1' } }],
    },
    {
      name: 'nodes not collected',
      snapshot: () => dnsSnapshot({ omit: ['cluster/nodes.json'] }),
      findings: [{ status: 'unknown', subject: dep, missing: ['cluster.nodes'] }],
    },
  ],
});

describe('wantedReplicas', () => {
  it('is at least 2 and one more per 50 nodes', () => {
    expect([2, 50, 51, 100, 101, 5000].map(wantedReplicas)).toEqual([2, 2, 3, 3, 4, 101]);
  });
});
