import { ruleTester } from '../testing.js';
import { kubeList, podJson, snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles } from '../lib/host-testing.js';
import { conntrackTrouble } from './conntrack-trouble.js';

const proxyPod = podJson({ name: 'kube-proxy-x7k2p', namespace: 'kube-system', node: 'worker-1', labels: { 'k8s-app': 'kube-proxy' }, hostNetwork: true, containers: [{ name: 'kube-proxy' }] });
const LOG = 'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log';
// kube-proxy start-up lines as in /work/shared/reference/07 (routine conntrack settings)
const STARTUP = [
  'I1212 03:47:15.699677       1 conntrack.go:121] "Set sysctl" entry="net/netfilter/nf_conntrack_max" value=131072',
  'I1212 03:47:15.699815       1 conntrack.go:60] "Setting nf_conntrack_max" nfConntrackMax=131072',
].join('\n');
const DENIED = 'E1212 03:47:15.700001       1 server.go:558] "Error running ProxyServer" err="open /proc/sys/net/netfilter/nf_conntrack_max: permission denied"';

const node = (sysctl: string, log?: string) =>
  snapshotOf(
    capturedNode(
      'worker-1',
      { 'host/sysctl.txt': sysctl },
      clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], { 'cluster/pods.json': kubeList([proxyPod]), ...(log !== undefined ? { [LOG]: `${log}\n` } : {}) }),
    ),
  );

const TABLE = (count: number) => `net.ipv4.ip_forward = 1\nnet.netfilter.nf_conntrack_max = 131072\nnet.netfilter.nf_conntrack_count = ${count}\n`;

ruleTester(conntrackTrouble).run({
  valid: [
    { name: 'table 10% full, kube-proxy set nf_conntrack_max as usual', snapshot: () => node(TABLE(13107), STARTUP) },
    { name: 'table fine, no kube-proxy log collected', snapshot: () => node(TABLE(100)) },
  ],
  invalid: [
    { name: 'table 95% full', snapshot: () => node(TABLE(124519), STARTUP), findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'nearFull', data: { percent: 95 } }] },
    { name: 'kube-proxy cannot write nf_conntrack_max', snapshot: () => node(TABLE(100), `${STARTUP}\n${DENIED}`), findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'logErrors', data: { line: 3 } }] },
    {
      name: 'no conntrack sysctls: unknown',
      snapshot: () => node('net.ipv4.ip_forward = 1\n', STARTUP),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl'] }],
    },
  ],
});
