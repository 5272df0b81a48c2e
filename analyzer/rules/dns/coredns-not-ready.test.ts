import { ruleTester } from '../testing.js';
import { corednsNotReady } from './coredns-not-ready.js';
import { dnsSnapshot, timeoutLine } from './testing.js';

const dep = 'deployment:kube-system/coredns';
const a = 'coredns-6f6b679f8f-rgq7r';
const b = 'coredns-6f6b679f8f-x8k2p';
const LOOP_12 =
  '2018/09/06 13:02:45 [FATAL] plugin/loop: Seen "HINFO IN 2050421060481615995.5620656063561519376." more than twice, loop detected\n';
const WAIT = '[INFO] plugin/ready: Still waiting on: "kubernetes"';

ruleTester(corednsNotReady).run({
  valid: [{ name: 'both pods Ready', snapshot: () => dnsSnapshot() }],
  invalid: [
    {
      name: 'both NotReady, with the upstream error in the log',
      snapshot: () =>
        dnsSnapshot({
          pods: [
            { name: a, node: 'cp-1', ready: false },
            { name: b, node: 'worker-1', ready: false },
          ],
          logs: { [a]: `${timeoutLine('233.5.5.5')}\n` },
        }),
      findings: [
        {
          status: 'fail',
          subject: dep,
          messageId: 'not-ready',
          data: { notReady: 2, total: 2, nodes: 'cp-1,worker-1' },
        },
      ],
    },
    {
      name: 'one crash-looping',
      snapshot: () =>
        dnsSnapshot({
          pods: [
            { name: a, node: 'cp-1', ready: false, waitingReason: 'CrashLoopBackOff', restarts: 7 },
            { name: b, node: 'worker-1' },
          ],
        }),
      findings: [{ status: 'fail', subject: dep, messageId: 'crash-looping', data: { notReady: 1, crashLooping: 1 } }],
    },
    {
      name: 'no pods nor Deployment collected',
      snapshot: () => dnsSnapshot({ omit: ['cluster/pods.json', 'cluster/deployments.json'] }),
      findings: [{ status: 'unknown', subject: dep, missing: ['cluster.pods'] }],
    },
    {
      name: 'no pod list: a loop FATAL (CoreDNS 1.2 form) in the log decides alone',
      snapshot: () => dnsSnapshot({ omit: ['cluster/pods.json'], logs: { [a]: LOOP_12 } }),
      findings: [
        {
          status: 'fail',
          subject: dep,
          messageId: 'log-exits',
          data: { pods: a },
          cites: [`cluster/logs/kube-system/${a}/coredns.log:1`],
        },
      ],
    },
    {
      name: 'no pod list: a rejected Corefile in the log',
      snapshot: () =>
        dnsSnapshot({
          omit: ['cluster/pods.json'],
          logs: {
            [a]: "plugin/kubernetes: /etc/coredns/Corefile:25 - Error during parsing: unknown property 'upstream'\n",
          },
        }),
      findings: [{ status: 'fail', subject: dep, messageId: 'log-exits' }],
    },
    {
      name: 'no pod list: ready keeps waiting on kubernetes with the API unreachable',
      snapshot: () =>
        dnsSnapshot({
          omit: ['cluster/pods.json'],
          logs: {
            [a]: `${WAIT}\n[WARNING] plugin/kubernetes: Kubernetes API connection failure: Get "https://10.96.0.1:443/version": dial tcp 10.96.0.1:443: i/o timeout\n${WAIT}\n`,
          },
        }),
      findings: [{ status: 'fail', subject: dep, messageId: 'log-waiting', data: { plugin: 'kubernetes' } }],
    },
    {
      name: 'no pod list: more Still-waiting lines than a normal start prints',
      snapshot: () => dnsSnapshot({ omit: ['cluster/pods.json'], logs: { [a]: `${WAIT}\n${WAIT}\n${WAIT}\n` } }),
      findings: [{ status: 'fail', subject: dep, messageId: 'log-waiting' }],
    },
    {
      name: 'no pod list: CoreDNS 1.5.0 exits through klog after an API error (kube-router#754 form)',
      snapshot: () =>
        dnsSnapshot({
          omit: ['cluster/pods.json'],
          logs: {
            [a]: 'E0704 06:15:33.604992       1 reflector.go:134] github.com/coredns/coredns/plugin/kubernetes/controller.go:315: Failed to list *v1.Service: Get https://10.96.0.1:443/api/v1/services?limit=500&resourceVersion=0: dial tcp 10.96.0.1:443: connect: no route to host\nlog: exiting because of error: log: cannot create log: open /tmp/coredns.coredns-5c98db65d4-2d7p4.unknownuser.log.ERROR.20190704-061533.1: no such file or directory\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: dep,
          messageId: 'log-exits',
          cites: [`cluster/logs/kube-system/${a}/coredns.log:2`],
        },
      ],
    },
    {
      name: 'no pod list nor Deployment: a refused reload is not an exit, and a log does not show readiness',
      snapshot: () =>
        dnsSnapshot({
          omit: ['cluster/pods.json', 'cluster/deployments.json'],
          logs: {
            [a]: "[WARNING] plugin/reload: Corefile parse failed: /etc/coredns/Corefile:5 - Error during parsing: Unknown directive 'forwrd'\n",
          },
        }),
      findings: [{ status: 'unknown', subject: dep, missing: ['cluster.pods'] }],
    },
    {
      name: 'no pod list nor Deployment: two Still-waiting lines at start are normal, but the log alone is no pass',
      snapshot: () =>
        dnsSnapshot({
          omit: ['cluster/pods.json', 'cluster/deployments.json'],
          logs: { [a]: `${WAIT}\n${WAIT}\n.:53\nCoreDNS-1.8.4\n` },
        }),
      findings: [{ status: 'unknown', subject: dep, missing: ['cluster.pods'] }],
    },
    {
      name: 'no pod list: the Deployment counts every replica Ready (the clean log alongside)',
      snapshot: () => dnsSnapshot({ omit: ['cluster/pods.json'], logs: { [a]: '.:53\nCoreDNS-1.11.1\n' } }),
      findings: [{ status: 'pass', subject: dep, messageId: 'ok-deployment', data: { total: 2 } }],
    },
    {
      name: 'no pod list: the Deployment counts every replica Ready, no log',
      snapshot: () => dnsSnapshot({ omit: ['cluster/pods.json'] }),
      findings: [{ status: 'pass', subject: dep, messageId: 'ok-deployment' }],
    },
    {
      name: 'no pod list: the Deployment counts one replica of two Ready (readyReplicas one short): unknown, the pod list says why',
      snapshot: () =>
        dnsSnapshot({
          omit: ['cluster/pods.json'],
          pods: [
            { name: a, node: 'cp-1' },
            { name: b, node: 'worker-1', ready: false },
          ],
          logs: { [a]: '.:53\nCoreDNS-1.11.1\n' },
        }),
      findings: [{ status: 'unknown', subject: dep, missing: ['cluster.pods'] }],
    },
    {
      name: 'no pod list: an exit in the log fails even though the Deployment counts every replica Ready',
      snapshot: () => dnsSnapshot({ omit: ['cluster/pods.json'], logs: { [a]: LOOP_12 } }),
      findings: [{ status: 'fail', subject: dep, messageId: 'log-exits' }],
    },
    {
      name: 'deployment without pods',
      snapshot: () => dnsSnapshot({ pods: [], replicas: 2 }),
      findings: [{ status: 'fail', subject: dep, messageId: 'no-pods' }],
    },
  ],
});
