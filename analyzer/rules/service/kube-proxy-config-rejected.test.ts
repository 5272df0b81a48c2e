import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';
import { kubeProxyConfigRejected } from './kube-proxy-config-rejected.js';

// the real kubeadm kube-proxy config.conf (fixtures/reference/config)
const CONF = readFileSync(
  fileURLToPath(new URL('../../../fixtures/reference/config/kube-proxy-config.conf', import.meta.url)),
  'utf8',
);
const withConf = (conf: string, extra: Record<string, string> = {}) =>
  snapshotOf({
    node: 'cp-1',
    files: {
      'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
        name: 'kube-proxy',
        data: { 'config.conf': conf },
      }),
      ...extra,
    },
  });
const podLog = (pod: string, text: string) =>
  snapshotOf({ node: 'cp-1', files: { [`cluster/logs/kube-system/${pod}/kube-proxy.log`]: text } });

// quoted from public threads (see fixtures/real/incidents/kube-proxy-*)
const KUBECONFIG_AS_CONFIG =
  'F0625 19:33:36.516452       1 server.go:463] failed complete: no kind "Config" is registered for version "v1" in scheme "k8s.io/kubernetes/pkg/proxy/apis/config/scheme/scheme.go:29"\n';
const FEATURE_GATES_SKEW =
  'error: v1alpha1.KubeProxyConfiguration: FeatureGates: ReadMapCB: expect { or n, but found ", error found in #10 byte of ...|reGates":"","healthz|..., bigger context ...|24h0m0s"},"enableProfiling":false,"featureGates":"","healthzBindAddress":"0.0.0.0:10256","hostnameOv|...\n';
const LENIENT =
  'I0304 09:05:19.643699       1 options.go:480] "Using lenient decoding as strict decoding failed" err="strict decoding error: unknown field \\"resourceContainer\\", unknown field \\"udpIdleTimeout\\""\nI0304 09:05:19.700000       1 server_linux.go:169] "Using iptables Proxier"\n';
const K3S_JOURNAL = [
  '2024-03-01T10:00:00+0000 node-1 k3s[812]: E0301 10:00:00.100000     812 kubelet.go:100] "some kubelet error" err="unknown flag: --foo"',
  '2024-03-01T10:00:01+0000 node-1 k3s[812]: time="2024-03-01T10:00:01Z" level=fatal msg="kube-proxy exited: unknown flag: --proxy-mod"',
].join('\n');

ruleTester(kubeProxyConfigRejected).run({
  valid: [
    { name: 'the real kubeadm config validates', snapshot: () => withConf(CONF) },
    {
      name: 'unknown fields are decoded leniently since 1.17: a warning, not a rejection',
      snapshot: () => podLog('kube-proxy-x1y2z', LENIENT),
    },
    // minikube#11418 (1.20) and kubernetes#110977 (1.24): mode "" is the default, not a rejection
    {
      name: 'an empty mode logged as unknown is the default',
      snapshot: () =>
        podLog(
          'kube-proxy-x1y2z',
          'W0513 15:57:17.443661       1 server_others.go:578] Unknown proxy mode "", assuming iptables proxy\nI0707 18:33:52.691653       1 server_others.go:578] "Unknown proxy mode, assuming iptables proxy" proxyMode=""\n',
        ),
    },
  ],
  invalid: [
    {
      name: 'a kubeconfig given as --config (kubeadm#905)',
      snapshot: () => podLog('kube-proxy-abcde', KUBECONFIG_AS_CONFIG),
      findings: [
        {
          status: 'fail',
          subject: 'node:cp-1',
          messageId: 'logged',
          cites: ['cluster/logs/kube-system/kube-proxy-abcde/kube-proxy.log:1'],
        },
      ],
    },
    {
      name: 'a config field type the image does not decode (kubernetes#60426)',
      snapshot: () => podLog('kube-proxy-6pvxk', FEATURE_GATES_SKEW),
      findings: [{ status: 'fail', subject: 'node:cp-1', messageId: 'logged' }],
    },
    {
      name: 'mode typo in config.conf',
      snapshot: () => withConf(CONF.replace('mode: ""', 'mode: ipvss')),
      findings: [
        {
          status: 'fail',
          subject: 'configmap:kube-system/kube-proxy',
          messageId: 'invalid',
          cites: ['cluster/configmaps/kube-system/kube-proxy.json#/data/config.conf:'],
        },
      ],
    },
    {
      name: 'clusterCIDR that is not a CIDR',
      snapshot: () => withConf(CONF.replace('clusterCIDR: 10.244.0.0/16', 'clusterCIDR: 10.244.0.0/33')),
      findings: [{ status: 'fail', subject: 'configmap:kube-system/kube-proxy', messageId: 'invalid' }],
    },
    {
      name: 'wrong kind',
      snapshot: () => withConf(CONF.replace('kind: KubeProxyConfiguration', 'kind: KubeletConfiguration')),
      findings: [{ status: 'fail', subject: 'configmap:kube-system/kube-proxy', messageId: 'invalid' }],
    },
    {
      name: "k3s journal: only kube-proxy's own rejection counts, not another component's",
      snapshot: () => snapshotOf({ node: 'node-1', files: { 'host/journal/k3s.log': K3S_JOURNAL } }),
      findings: [{ status: 'fail', subject: 'node:node-1', messageId: 'logged', cites: ['host/journal/k3s.log:2'] }],
    },
    {
      name: 'the 1.19-1.20 form of an unknown mode: kube-proxy silently runs iptables',
      snapshot: () =>
        podLog(
          'kube-proxy-m1n2o',
          'W0513 15:57:17.443661       1 server_others.go:578] Unknown proxy mode "ipvss", assuming iptables proxy\n',
        ),
      findings: [{ status: 'fail', subject: 'node:cp-1', messageId: 'logged' }],
    },
    {
      name: 'the 1.21-1.25 structured form of an unknown mode',
      snapshot: () =>
        podLog(
          'kube-proxy-m1n2o',
          'I0707 18:33:52.691653       1 server_others.go:578] "Unknown proxy mode, assuming iptables proxy" proxyMode="ipvs "\n',
        ),
      findings: [{ status: 'fail', subject: 'node:cp-1', messageId: 'logged' }],
    },
    {
      // canonical/microk8s#2067: kube-proxy inside kubelite, its journal shared with the other components
      name: 'microk8s kubelite journal: clusterCIDR of the other IP family than the node IP',
      snapshot: () =>
        snapshotOf({
          node: 'tenaya',
          files: {
            'host/journal/snap.microk8s.daemon-kubelite.log':
              'Mar 01 10:12:00 tenaya microk8s.daemon-kubelite[147209]: F0301 10:12:00.434570  147209 server.go:495] unable to create proxier: CIDR 10.1.0.0/16 has incorrect IP version: expect isIPv6=true\n',
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:tenaya',
          messageId: 'logged',
          cites: ['host/journal/snap.microk8s.daemon-kubelite.log:1'],
        },
      ],
    },
    {
      name: 'neither config nor log: unknown',
      snapshot: () => snapshotOf({ node: 'cp-1', files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' } }),
      findings: [{ status: 'unknown', subject: 'cluster' }],
    },
    {
      name: 'the log alone, no rejection: a pass resting on the log',
      snapshot: () => podLog('kube-proxy-x1y2z', LENIENT.split('\n')[1] + '\n'),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'accepted' }],
    },
  ],
});
