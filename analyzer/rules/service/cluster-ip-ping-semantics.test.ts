import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';
import { clusterIpPingSemantics } from './cluster-ip-ping-semantics.js';

const CONF = readFileSync(
  fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)),
  'utf8',
);
const withConf = (conf: string) =>
  snapshotOf({
    node: 'cp-1',
    files: {
      'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
        name: 'kube-proxy',
        data: { 'config.conf': conf },
      }),
    },
  });

ruleTester(clusterIpPingSemantics).run({
  valid: [
    {
      name: 'no kube-proxy anywhere (pods and daemonsets lists)',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: { 'cluster/pods.json': { items: [] }, 'cluster/daemonsets.json': { items: [] } },
        }),
    },
  ],
  invalid: [
    {
      name: 'iptables mode (mode "" in the real kubeadm config)',
      snapshot: () => withConf(CONF),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'iptables', data: { mode: 'iptables' } }],
    },
    {
      name: 'IPVS mode',
      snapshot: () => withConf(CONF.replace('mode: ""', 'mode: ipvs')),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'ipvs' }],
    },
    {
      name: 'no ConfigMap: the proxier kube-proxy logged it started (real 1.24 line)',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            'cluster/logs/kube-system/kube-proxy-4cvqh/kube-proxy.log':
              '2022-07-07T18:33:52.733946Z I0707 18:33:52.733946       1 server_others.go:206] "Using iptables Proxier"\n',
          },
        }),
      findings: [
        {
          status: 'pass',
          subject: 'cluster',
          messageId: 'iptables',
          cites: ['cluster/logs/kube-system/kube-proxy-4cvqh/kube-proxy.log:1'],
        },
      ],
    },
    {
      name: 'RKE2 kube-proxy-arg proxy-mode=ipvs (no ConfigMap on RKE2)',
      snapshot: () =>
        snapshotOf({
          node: 'rke2-1',
          files: {
            'host/rke2/config.yaml':
              'write-kubeconfig-mode: "0644"\nkube-proxy-arg:\n  - proxy-mode=ipvs\n  - ipvs-strict-arp=true\n',
          },
        }),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'ipvs', cites: ['host/rke2/config.yaml:3'] }],
    },
    {
      name: 'nothing states the mode: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': { items: [] } } }),
      findings: [{ status: 'unknown', subject: 'cluster' }],
    },
  ],
});
