import { ruleTester } from '../testing.js';
import { kubeList, podJson, snapshotOf, sourceRecord } from '../../model/testing.js';
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

// the generator's (and kube-proxy 1.31's) line when the conntrack binary is missing
const NOT_FOUND = 'E1212 03:50:00.100000       1 proxier.go:1601] "Failed to delete stale service connections" err="error looking for path of conntrack: exec: \\"conntrack\\": executable file not found in $PATH" IP="10.96.0.10"';
/** the collector's `conntrack -S` found no binary: absent, "command not found" on stderr */
const noConntrackBinary = (sysctl: string, log: string) => {
  const spec = capturedNode('worker-1', { 'host/sysctl.txt': sysctl, 'host/conntrack-stats.txt': null }, clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], { 'cluster/pods.json': kubeList([proxyPod]), [LOG]: `${log}\n` }));
  return snapshotOf({ ...spec, extraSources: [sourceRecord('host/conntrack-stats.txt', { status: 'absent', exitCode: null, durationMs: null, stderrTail: 'conntrack: command not found\n' })] });
};

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
      name: 'conntrack binary missing: the kube-proxy error and the collector\'s own "command not found"',
      snapshot: () => noConntrackBinary(TABLE(100), `${STARTUP}\n${NOT_FOUND}`),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'logErrors', cites: [LOG, 'manifest.json#/sources/'] }],
    },
    {
      name: 'no conntrack sysctls: unknown',
      snapshot: () => node('net.ipv4.ip_forward = 1\n', STARTUP),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl'] }],
    },
  ],
});
