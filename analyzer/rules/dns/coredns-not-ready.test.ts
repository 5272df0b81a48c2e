import { ruleTester } from '../testing.js';
import { corednsNotReady } from './coredns-not-ready.js';
import { dnsSnapshot, timeoutLine } from './testing.js';

const dep = 'deployment:kube-system/coredns';
const a = 'coredns-6f6b679f8f-rgq7r';
const b = 'coredns-6f6b679f8f-x8k2p';

ruleTester(corednsNotReady).run({
  valid: [{ name: 'both pods Ready', snapshot: () => dnsSnapshot() }],
  invalid: [
    {
      name: 'both NotReady, with the upstream error in the log',
      snapshot: () => dnsSnapshot({ pods: [{ name: a, node: 'cp-1', ready: false }, { name: b, node: 'worker-1', ready: false }], logs: { [a]: `${timeoutLine('233.5.5.5')}\n` } }),
      findings: [{ status: 'fail', subject: dep, messageId: 'not-ready', data: { notReady: 2, total: 2, nodes: 'cp-1,worker-1' } }],
    },
    {
      name: 'one crash-looping',
      snapshot: () => dnsSnapshot({ pods: [{ name: a, node: 'cp-1', ready: false, waitingReason: 'CrashLoopBackOff', restarts: 7 }, { name: b, node: 'worker-1' }] }),
      findings: [{ status: 'fail', subject: dep, messageId: 'crash-looping', data: { notReady: 1, crashLooping: 1 } }],
    },
    { name: 'no pods collected', snapshot: () => dnsSnapshot({ omit: ['cluster/pods.json'] }), findings: [{ status: 'unknown', subject: dep, missing: ['cluster.pods'] }] },
    { name: 'deployment without pods', snapshot: () => dnsSnapshot({ pods: [], replicas: 2 }), findings: [{ status: 'fail', subject: dep, messageId: 'no-pods' }] },
  ],
});
