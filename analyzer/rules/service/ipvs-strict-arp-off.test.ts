import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, daemonSetJson, kubeList, snapshotOf } from '../../model/testing.js';
import { ipvsStrictArpOff } from './ipvs-strict-arp-off.js';

// the real kubeadm kube-proxy config (mode "", ipvs.strictARP false), switched to IPVS per case
const CONF = readFileSync(
  fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)),
  'utf8',
);
const IPVS = CONF.replace('mode: ""', 'mode: ipvs');
const speaker = (image: string) =>
  daemonSetJson({ name: 'speaker', namespace: 'metallb-system', containers: [{ name: 'speaker', image }] });
const snap = (conf: string, daemonsets?: object[]) =>
  snapshotOf({
    node: 'cp-1',
    files: {
      'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
        name: 'kube-proxy',
        data: { 'config.conf': conf },
      }),
      ...(daemonsets ? { 'cluster/daemonsets.json': kubeList(daemonsets) } : {}),
    },
  });

ruleTester(ipvsStrictArpOff).run({
  valid: [
    {
      name: 'iptables mode: strictARP does not matter',
      snapshot: () => snap(CONF, [speaker('quay.io/metallb/speaker:v0.14.8')]),
    },
  ],
  invalid: [
    {
      name: 'IPVS mode, strictARP false, MetalLB speaker: warn',
      snapshot: () => snap(IPVS, [speaker('quay.io/metallb/speaker:v0.14.8')]),
      findings: [
        {
          status: 'warn',
          subject: 'cluster',
          messageId: 'off',
          data: { value: 'false', announcer: 'metallb-system/speaker' },
          cites: ['cluster/configmaps/kube-system/kube-proxy.json', 'cluster/daemonsets.json'],
        },
      ],
    },
    {
      name: 'kube-vip as the announcer counts too',
      snapshot: () => snap(IPVS, [speaker('ghcr.io/kube-vip/kube-vip:v0.8.4')]),
      findings: [{ status: 'warn', subject: 'cluster', messageId: 'off' }],
    },
    {
      name: 'IPVS mode with strictARP true: pass',
      snapshot: () =>
        snap(IPVS.replace('strictARP: false', 'strictARP: true'), [speaker('quay.io/metallb/speaker:v0.14.8')]),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'on' }],
    },
    {
      name: 'IPVS mode, no announcer: pass',
      snapshot: () => snap(IPVS, [speaker('registry.k8s.io/something-else:v1')]),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'noAnnouncer' }],
    },
    {
      name: 'IPVS mode, DaemonSets not collected: unknown',
      snapshot: () => snap(IPVS),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.daemonsets'] }],
    },
  ],
});
