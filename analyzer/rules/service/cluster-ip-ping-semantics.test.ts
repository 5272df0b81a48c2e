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

// kube-proxy 1.27+ filter chain in IPVS mode (the rules of kubernetes/website#41002 in iptables-save form)
const IPVS_FILTER = [
  '-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER',
  '-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN',
  '-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN',
  '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable',
].join('\n');
const withIpvsDump = (rules: string) =>
  snapshotOf({
    node: 'cp-1',
    files: {
      'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
        name: 'kube-proxy',
        data: { 'config.conf': CONF.replace('mode: ""', 'mode: ipvs') },
      }),
      'host/iptables-save.txt': `*filter\n:INPUT ACCEPT [0:0]\n:KUBE-IPVS-FILTER - [0:0]\n${rules ? `${rules}\n` : ''}COMMIT\n`,
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
      name: 'IPVS mode, no iptables dump: answers ping before 1.27 only (unsure)',
      snapshot: () => withConf(CONF.replace('mode: ""', 'mode: ipvs')),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'ipvsUnsure' }],
    },
    {
      name: 'IPVS mode with the 1.27+ KUBE-IPVS-FILTER reject (kubernetes/website#41002): ping is rejected',
      snapshot: () => withIpvsDump(IPVS_FILTER),
      findings: [
        { status: 'pass', subject: 'cluster', messageId: 'ipvsFiltered', cites: ['host/iptables-save.txt:7'] },
      ],
    },
    {
      name: 'IPVS mode, dump without KUBE-IPVS-FILTER (before 1.27): ping answers',
      snapshot: () => withIpvsDump(''),
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
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'ipvsUnsure', cites: ['host/rke2/config.yaml:3'] }],
    },
    {
      name: 'nothing states the mode: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': { items: [] } } }),
      findings: [{ status: 'unknown', subject: 'cluster' }],
    },
  ],
});
