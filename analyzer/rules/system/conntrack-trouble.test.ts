import { ruleTester } from '../testing.js';
import { kubeList, podJson, snapshotOf, sourceRecord } from '../../model/testing.js';
import { capturedNode, clusterFiles } from '../lib/host-testing.js';
import { conntrackTrouble } from './conntrack-trouble.js';

const proxyPod = podJson({
  name: 'kube-proxy-x7k2p',
  namespace: 'kube-system',
  node: 'worker-1',
  labels: { 'k8s-app': 'kube-proxy' },
  hostNetwork: true,
  containers: [{ name: 'kube-proxy' }],
});
const LOG = 'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log';
// kube-proxy start-up lines as in /work/shared/reference/07 (routine conntrack settings)
const STARTUP = [
  'I1212 03:47:15.699677       1 conntrack.go:121] "Set sysctl" entry="net/netfilter/nf_conntrack_max" value=131072',
  'I1212 03:47:15.699815       1 conntrack.go:60] "Setting nf_conntrack_max" nfConntrackMax=131072',
].join('\n');
const DENIED =
  'E1212 03:47:15.700001       1 server.go:558] "Error running ProxyServer" err="open /proc/sys/net/netfilter/nf_conntrack_max: permission denied"';

const node = (sysctl: string, log?: string) =>
  snapshotOf(
    capturedNode(
      'worker-1',
      { 'host/sysctl.txt': sysctl },
      clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], {
        'cluster/pods.json': kubeList([proxyPod]),
        ...(log !== undefined ? { [LOG]: `${log}\n` } : {}),
      }),
    ),
  );

// the generator's (and kube-proxy 1.31's) line when the conntrack binary is missing
const NOT_FOUND =
  'E1212 03:50:00.100000       1 proxier.go:1601] "Failed to delete stale service connections" err="error looking for path of conntrack: exec: \\"conntrack\\": executable file not found in $PATH" IP="10.96.0.10"';
/** the collector's `conntrack -S` found no binary: absent, "command not found" on stderr */
const noConntrackBinary = (sysctl: string, log: string) => {
  const spec = capturedNode(
    'worker-1',
    { 'host/sysctl.txt': sysctl, 'host/conntrack-stats.txt': null },
    clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], {
      'cluster/pods.json': kubeList([proxyPod]),
      [LOG]: `${log}\n`,
    }),
  );
  return snapshotOf({
    ...spec,
    extraSources: [
      sourceRecord('host/conntrack-stats.txt', {
        status: 'absent',
        exitCode: null,
        durationMs: null,
        stderrTail: 'conntrack: command not found\n',
      }),
    ],
  });
};

/** two CPUs as conntrack-tools 1.4.6 prints them; the counters go on the second */
const STATS = (insertFailed: number, drop: number, earlyDrop: number) =>
  `cpu=0   \tfound=9 invalid=567 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=58 clash_resolve=3 chaintoolong=0 \n` +
  `cpu=1   \tfound=14 invalid=610 insert=0 insert_failed=${insertFailed} drop=${drop} early_drop=${earlyDrop} error=0 search_restart=157 clash_resolve=7 chaintoolong=0 \n`;
const withStats = (stats: string) =>
  snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': TABLE(100), 'host/conntrack-stats.txt': stats }));
const HOST_LOG = 'cluster/logs/kube-system/kube-proxy-x7k2p/kube-proxy.log';

const TABLE = (count: number) =>
  `net.ipv4.ip_forward = 1\nnet.netfilter.nf_conntrack_max = 131072\nnet.netfilter.nf_conntrack_count = ${count}\n`;

ruleTester(conntrackTrouble).run({
  valid: [
    { name: 'table 10% full, kube-proxy set nf_conntrack_max as usual', snapshot: () => node(TABLE(13107), STARTUP) },
    { name: 'table fine, conntrack -S all zero, no kube-proxy log', snapshot: () => withStats(STATS(0, 0, 0)) },
    {
      name: 'table fine, kube-proxy log read on the host (no pod list)',
      snapshot: () =>
        snapshotOf(capturedNode('worker-1', { 'host/sysctl.txt': TABLE(100), [HOST_LOG]: `${STARTUP}\n` }, {})),
    },
  ],
  invalid: [
    {
      name: 'table fine, neither a kube-proxy log nor conntrack -S: no pass on absence',
      snapshot: () => node(TABLE(100)),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          missing: ['cluster.log.kube-system.kube-proxy-x7k2p.kube-proxy', 'host.conntrack-stats'],
        },
      ],
    },
    {
      name: 'table 90% full: at the threshold',
      snapshot: () => node(TABLE(117965), STARTUP),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'nearFull', data: { percent: 90 } }],
    },
    {
      name: 'table 89% full, log clean: fine',
      snapshot: () => node(TABLE(117964), STARTUP),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'fine' }],
    },
    {
      name: 'conntrack -S counts early drops',
      snapshot: () => withStats(STATS(0, 0, 1)),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'dropped',
          data: { drops: 1 },
          cites: ['host/conntrack-stats.txt:2'],
        },
      ],
    },
    {
      name: 'conntrack -S counts drops',
      snapshot: () => withStats(STATS(0, 7, 0)),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'dropped', data: { drops: 7 } }],
    },
    {
      name: 'conntrack -S counts failed inserts',
      snapshot: () => withStats(STATS(3, 0, 0)),
      findings: [
        {
          status: 'warn',
          subject: 'node:worker-1',
          messageId: 'insertFailed',
          data: { count: 3 },
          cites: ['host/conntrack-stats.txt:2'],
        },
      ],
    },
    {
      name: 'host-read kube-proxy log (no pod list) with a permission error',
      snapshot: () =>
        snapshotOf(
          capturedNode('worker-1', { 'host/sysctl.txt': TABLE(100), [HOST_LOG]: `${STARTUP}\n${DENIED}\n` }, {}),
        ),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'logErrors', cites: [`${HOST_LOG}:3`] }],
    },
    {
      name: 'a plain Linux host (no Kubernetes chains, links or configs) with a full table: not judged as a node',
      snapshot: () =>
        snapshotOf({
          node: 'db-1',
          files: {
            'host/sysctl.txt': TABLE(124519),
            'host/iptables-save.txt':
              '# Generated by iptables-save v1.8.7 on Sun Dec  6 10:00:00 2026\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
            'host/ip-addr.json': JSON.stringify([
              {
                ifindex: 1,
                ifname: 'lo',
                flags: ['LOOPBACK', 'UP'],
                addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }],
              },
              {
                ifindex: 2,
                ifname: 'eth0',
                flags: ['UP'],
                addr_info: [{ family: 'inet', local: '192.0.2.5', prefixlen: 24 }],
              },
            ]),
          },
        }),
      findings: [{ status: 'unknown', subject: 'node:db-1', messageId: 'not-a-node' }],
    },
    {
      name: 'kube-proxy as a systemd unit: the permission error in its journal',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/sysctl.txt': TABLE(100),
              'host/journal/kube-proxy.log': `2024-01-12T03:47:15+0000 worker-1 kube-proxy[912]: ${DENIED}\n`,
            },
            {},
          ),
        ),
      findings: [
        { status: 'fail', subject: 'node:worker-1', messageId: 'logErrors', cites: ['host/journal/kube-proxy.log:1'] },
      ],
    },
    {
      // charmed-k8s-hotsos: `journalctl -u kube-proxy` on a node whose kube-proxy is the snap
      name: 'an empty kube-proxy journal (-- No entries --) is no log: no pass on it',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {
              'host/sysctl.txt': TABLE(100),
              'host/journal/kube-proxy.log':
                '-- Logs begin at Mon 2022-01-10 10:00:00 UTC, end at Mon 2022-01-10 11:00:00 UTC. --\n-- No entries --\n',
            },
            {},
          ),
        ),
      findings: [{ status: 'unknown', subject: 'node:worker-1', messageId: 'missing-inputs' }],
    },
    {
      name: 'table 95% full',
      snapshot: () => node(TABLE(124519), STARTUP),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'nearFull', data: { percent: 95 } }],
    },
    {
      name: 'kube-proxy cannot write nf_conntrack_max',
      snapshot: () => node(TABLE(100), `${STARTUP}\n${DENIED}`),
      findings: [{ status: 'fail', subject: 'node:worker-1', messageId: 'logErrors', data: { line: 3 } }],
    },
    {
      name: 'conntrack binary missing: the kube-proxy error and the collector\'s own "command not found"',
      snapshot: () => noConntrackBinary(TABLE(100), `${STARTUP}\n${NOT_FOUND}`),
      findings: [
        { status: 'fail', subject: 'node:worker-1', messageId: 'logErrors', cites: [LOG, 'manifest.json#/sources/'] },
      ],
    },
    {
      name: 'no conntrack sysctls: unknown',
      snapshot: () => node('net.ipv4.ip_forward = 1\n', STARTUP),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.sysctl'] }],
    },
  ],
});
