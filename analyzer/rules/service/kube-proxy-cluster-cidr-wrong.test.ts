import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, kubeList, nodeJson, snapshotOf } from '../../model/testing.js';
import { clusterFiles } from '../lib/host-testing.js';
import { kubeProxyClusterCidrWrong } from './kube-proxy-cluster-cidr-wrong.js';

// the real kubeadm kube-proxy config.conf (fixtures/reference/config, from /work/shared/reference/07 [CM])
const CONF = readFileSync(
  fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)),
  'utf8',
);
const withConf = (conf: string, nodes = [{ name: 'cp-1', podCIDR: '10.244.0.0/24' }]) =>
  snapshotOf({
    node: 'cp-1',
    files: clusterFiles(nodes, {
      'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
        name: 'kube-proxy',
        data: { 'config.conf': conf },
      }),
    }),
  });
const TWO_NODES = [
  { name: 'cp-1', podCIDR: '10.244.0.0/24' },
  { name: 'w-1', podCIDR: '10.244.2.0/24' },
];

ruleTester(kubeProxyClusterCidrWrong).run({
  valid: [
    { name: 'clusterCIDR 10.244.0.0/16 (real kubeadm config)', snapshot: () => withConf(CONF) },
    // what the pods use is the nodes' podCIDRs: a /23 that holds every one of them is right
    {
      name: 'clusterCIDR narrower than the pod network but holding every node podCIDR',
      snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: 10.244.0.0/23')),
    },
  ],
  invalid: [
    {
      // troubleshoot's redactor: before, the hidden clusterCIDR read as "contains none of the podCIDRs" (warn)
      name: 'a clusterCIDR a redactor hid: unknown redacted, not wrong',
      snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: "***HIDDEN***/16"')),
      findings: [
        {
          status: 'unknown',
          subject: 'configmap:kube-system/kube-proxy',
          messageId: 'redacted',
          data: { value: '***HIDDEN***/16' },
          missing: ['cluster.configmap.kube-system.kube-proxy'],
        },
      ],
    },
    {
      // before: pass on cp-1's podCIDR alone, w-1's hidden one never compared
      name: 'a node podCIDR a redactor hid: unknown redacted, not matches',
      snapshot: () =>
        withConf(CONF, [
          { name: 'cp-1', podCIDR: '10.244.0.0/24' },
          { name: 'w-1', podCIDR: '***HIDDEN***/24' },
        ]),
      findings: [
        {
          status: 'unknown',
          subject: 'configmap:kube-system/kube-proxy',
          messageId: 'redacted',
          data: { value: '***HIDDEN***/24' },
          missing: ['cluster.nodes'],
          cites: ['cluster/nodes.json#/items/1/spec/podCIDR'],
        },
      ],
    },
    // degraded, not broken: pods outside it are masqueraded when they call a Service
    {
      name: 'clusterCIDR of another range',
      snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: 192.168.0.0/16')),
      findings: [
        {
          status: 'warn',
          subject: 'configmap:kube-system/kube-proxy',
          messageId: 'wrong',
          data: { clusterCIDR: '192.168.0.0/16', outside: '10.244.0.0/24' },
        },
      ],
    },
    {
      name: "clusterCIDR missing one node's podCIDR",
      snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: 10.244.0.0/23'), TWO_NODES),
      findings: [
        {
          status: 'warn',
          subject: 'configmap:kube-system/kube-proxy',
          messageId: 'wrong',
          data: { outside: '10.244.2.0/24', where: 'node/w-1' },
        },
      ],
    },
    {
      name: 'clusterCIDR empty',
      snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: ""')),
      findings: [{ status: 'warn', subject: 'configmap:kube-system/kube-proxy', messageId: 'unset' }],
    },
    {
      name: 'kube-proxy ConfigMap not collected while kube-proxy runs: unknown',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            'cluster/daemonsets.json': {
              items: [
                {
                  metadata: { name: 'kube-proxy', namespace: 'kube-system' },
                  spec: {
                    template: {
                      spec: { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.0' }] },
                    },
                  },
                },
              ],
            },
          },
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'configmap:kube-system/kube-proxy',
          missing: ['cluster.configmap.kube-system.kube-proxy', 'cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
        },
      ],
    },
    {
      name: 'no ConfigMap: kube-proxy itself logs that it has no cluster CIDR (1.24 form)',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: clusterFiles([{ name: 'cp-1', podCIDR: '10.244.0.0/24' }], {
            'cluster/logs/kube-system/kube-proxy-aaaaa/kube-proxy.log':
              '2022-07-07T18:33:52.734555Z I0707 18:33:52.734555       1 server_others.go:501] "Detect-local-mode set to ClusterCIDR, but no cluster CIDR defined"\n',
          }),
        }),
      findings: [
        {
          status: 'warn',
          subject: 'cluster',
          messageId: 'unset',
          cites: ['cluster/logs/kube-system/kube-proxy-aaaaa/kube-proxy.log:1'],
        },
      ],
    },
    {
      name: 'no ConfigMap: the ≤1.20 form of the same log line, no pod network known',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            'cluster/logs/kube-system/kube-proxy-t4x8x/kube-proxy.log':
              'W0720 05:19:33.067870       1 proxier.go:468] clusterCIDR not specified, unable to distinguish between internal and external traffic\n',
          },
        }),
      findings: [{ status: 'warn', subject: 'cluster', messageId: 'unsetSaid' }],
    },
    {
      // kubernetes-sigs/kind#2240 (1.21): lower-case "detect-local-mode"
      name: 'the 1.21 lower-case form of the unset line',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            'cluster/logs/kube-system/kube-proxy-aaaaa/kube-proxy.log':
              'W0511 11:47:28.960804       1 server_others.go:492] detect-local-mode set to ClusterCIDR, but no cluster CIDR defined\n',
          },
        }),
      findings: [{ status: 'warn', subject: 'cluster', messageId: 'unsetSaid' }],
    },
    {
      name: 'the IPv6 twin of the line on an IPv4-only cluster is not "unset"',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            'cluster/logs/kube-system/kube-proxy-aaaaa/kube-proxy.log':
              '2022-07-07T18:33:52.734555Z I0707 18:33:52.734555       1 server_others.go:501] "Detect-local-mode set to ClusterCIDR, but no IPv6 cluster CIDR defined, , defaulting to no-op detect-local for IPv6"\n',
          },
        }),
      findings: [{ status: 'unknown', subject: 'configmap:kube-system/kube-proxy' }],
    },
    {
      name: 'RKE2 static pod --cluster-cidr covering the nodes',
      snapshot: () =>
        snapshotOf({
          node: 'rke2-1',
          files: clusterFiles(
            [{ name: 'rke2-1', podCIDR: '10.42.0.0/24' }],
            {
              'host/rke2/pod-manifests/kube-proxy.yaml':
                'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\n  labels:\n    component: kube-proxy\nspec:\n  containers:\n  - name: kube-proxy\n    command:\n    - kube-proxy\n    args:\n    - --cluster-cidr=10.42.0.0/16\n    - --proxy-mode=iptables\n',
            },
            '10.42.0.0/16',
          ),
        }),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'matches', data: { clusterCIDR: '10.42.0.0/16' } }],
    },
    {
      name: 'snap kube-proxy --cluster-cidr of another range',
      snapshot: () =>
        snapshotOf({
          node: 'w-1',
          files: clusterFiles(
            [{ name: 'w-1', podCIDR: '10.1.5.0/24' }],
            { 'host/snap/kube-proxy-args': '--cluster-cidr=192.168.0.0/16\n--kubeconfig=/root/cdk/kubeproxyconfig\n' },
            '10.1.0.0/16',
          ),
        }),
      findings: [{ status: 'warn', subject: 'cluster', messageId: 'wrong', cites: ['host/snap/kube-proxy-args:1'] }],
    },
    {
      name: 'k3s embedded kube-proxy: its default cluster-cidr covers the nodes',
      snapshot: () =>
        snapshotOf({
          node: 'k3s-1',
          files: {
            'cluster/nodes.json': kubeList([
              {
                ...(nodeJson({ name: 'k3s-1', podCIDR: '10.42.0.0/24' }) as { status: object }),
                status: {
                  ...(nodeJson({ name: 'k3s-1' }) as { status: object }).status,
                  nodeInfo: { kubeletVersion: 'v1.31.1+k3s1' },
                },
              },
            ]),
          },
        }),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'matches', data: { clusterCIDR: '10.42.0.0/16' } }],
    },
  ],
});
