import { ruleTester } from '../testing.js';
import { kubeList, nodeJson, podJson, snapshotOf } from '../../model/testing.js';
import { serviceReference } from '../lib/host-testing.js';
import { kubeProxySyncErrors } from './kube-proxy-sync-errors.js';

const proxy = (name: string, node: string) =>
  podJson({
    name,
    namespace: 'kube-system',
    node,
    labels: { 'k8s-app': 'kube-proxy' },
    hostNetwork: true,
    containers: [{ name: 'kube-proxy' }],
  });
const JOURNAL = [
  'Feb 17 11:12:14 k8s-192-168-3-26 kube-proxy[9234]: E0217 11:12:14.212635    9234 proxier.go:1432] "Failed to execute iptables-restore" err=<',
  'Feb 17 11:12:14 k8s-192-168-3-26 kube-proxy[9234]:         exit status 2: ip6tables-restore v1.8.7 (nf_tables): unknown option "--xor-mark"',
  'Feb 17 11:12:14 k8s-192-168-3-26 kube-proxy[9234]:         Error occurred at line: 11',
  "Feb 17 11:12:14 k8s-192-168-3-26 kube-proxy[9234]:         Try `ip6tables-restore -h' or 'ip6tables-restore --help' for more information.",
].join('\n');
const cluster = (logs: Record<string, string>) =>
  snapshotOf({
    node: 'worker-1',
    files: {
      'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' }), nodeJson({ name: 'worker-2' })]),
      'cluster/pods.json': kubeList([proxy('kube-proxy-aaaaa', 'worker-1'), proxy('kube-proxy-bbbbb', 'worker-2')]),
      ...Object.fromEntries(
        Object.entries(logs).map(([pod, text]) => [`cluster/logs/kube-system/${pod}/kube-proxy.log`, text]),
      ),
    },
  });

ruleTester(kubeProxySyncErrors).run({
  valid: [
    {
      name: 'start-up cleanup errors only (real log) are not sync failures',
      snapshot: () =>
        cluster({
          'kube-proxy-aaaaa': serviceReference('kube-proxy-cleanup-errors.log'),
          'kube-proxy-bbbbb': serviceReference('kube-proxy-cleanup-errors.log'),
        }),
    },
  ],
  invalid: [
    {
      name: 'iptables-restore fails on worker-2 (real EKS log)',
      snapshot: () =>
        cluster({
          'kube-proxy-aaaaa': serviceReference('kube-proxy-cleanup-errors.log'),
          'kube-proxy-bbbbb': serviceReference('kube-proxy-sync-failed.log'),
        }),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'errors', data: { count: 2, line: 1 } }],
    },
    {
      name: 'log of worker-2 not collected: unknown there',
      snapshot: () => cluster({ 'kube-proxy-aaaaa': serviceReference('kube-proxy-cleanup-errors.log') }),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-2',
          missing: ['cluster.log.kube-system.kube-proxy-bbbbb.kube-proxy'],
        },
      ],
    },
    {
      // kubernetes/kube-proxy#25: a systemd kube-proxy on Ubuntu 22.04, its journal (1.2x structured form)
      name: 'systemd kube-proxy journal: the klog err=< block is quoted with its reason',
      snapshot: () => snapshotOf({ node: 'k8s-192-168-3-26', files: { 'host/journal/kube-proxy.log': JOURNAL } }),
      findings: [
        {
          status: 'fail',
          subject: 'node:k8s-192-168-3-26',
          messageId: 'errors',
          data: { count: 1, line: 1 },
          cites: ['host/journal/kube-proxy.log:1'],
        },
      ],
    },
    {
      name: "a kube-proxy log read on the host (/var/log/pods) with no pod list: the bundle's node",
      snapshot: () =>
        snapshotOf({
          node: 'worker-3',
          files: {
            'host/pod-logs/kube-system/kube-proxy-zzzzz/kube-proxy.log': serviceReference('kube-proxy-sync-failed.log'),
          },
        }),
      findings: [{ status: 'fail', subject: 'node:worker-3', messageId: 'errors' }],
    },
    {
      // kubernetes/kubernetes#71305 (1.12, iptables 1.8 host, 1.6 in the image)
      name: 'the 1.12 "Failed to ensure that nat chain KUBE-SERVICES exists" form',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/logs/kube-system/kube-proxy-22hmk/kube-proxy.log':
              'E1120 07:08:50.135017       1 proxier.go:647] Failed to ensure that nat chain KUBE-SERVICES exists: error creating chain "KUBE-SERVICES": exit status 3: iptables v1.6.0: can\'t initialize iptables table `nat\': Table does not exist (do you need to insmod?)\n',
          },
        }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'errors' }],
    },
    {
      // kubernetes/kubernetes#68447: 1.11 IPVS mode cleans the iptables proxier's leftovers once at start-up
      name: 'the 1.11 IPVS start-up "iptables-restore for nat" cleanup error is not a sync failure',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/logs/kube-system/kube-proxy-abcde/kube-proxy.log':
              'E0905 20:09:11.733419       1 proxier.go:423] Failed to execute iptables-restore for nat: exit status 1 (iptables-restore: line 7 failed\n)\nI0905 20:09:11.738971       1 server.go:448] Version: v1.11.1\n',
          },
        }),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'clean' }],
    },
    {
      name: 'no pod list: the node IP kube-proxy logged names its node (1.27+ form)',
      snapshot: () =>
        snapshotOf({
          node: 'control-plane',
          files: {
            'cluster/nodes.json': kubeList([
              nodeJson({ name: 'worker-1', internalIP: '192.168.56.11' }),
              nodeJson({ name: 'worker-2', internalIP: '192.168.56.12' }),
            ]),
            'cluster/logs/kube-system/kube-proxy-nd5x2/kube-proxy.log':
              'I1113 09:31:05.805051       1 server.go:677] "Successfully retrieved node IP(s)" IPs=["192.168.56.12"]\n' +
              serviceReference('kube-proxy-sync-failed.log'),
          },
        }),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'errors' }],
    },
    {
      // quoted in a public report of kube-proxy in nftables mode with a crashing nft binary
      name: 'the nftables proxier\'s "nftables sync failed" (1.29+)',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/logs/kube-system/kube-proxy-nft01/kube-proxy.log':
              '"Failed to list existing sets" err="failed to run nft: signal: segmentation fault (core dumped)"\n"nftables sync failed" err="signal: segmentation fault (core dumped)"\n"Sync failed" ipFamily="IPv4" retryingTime="30s"\n',
          },
        }),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'errors', data: { count: 2, line: 2 } }],
    },
    {
      name: 'no kube-proxy log anywhere: unknown',
      snapshot: () =>
        snapshotOf({ node: 'worker-1', files: { 'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' })]) } }),
      findings: [{ status: 'unknown', subject: 'cluster' }],
    },
  ],
});
