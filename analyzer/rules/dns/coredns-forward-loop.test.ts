import { ruleTester } from '../testing.js';
import { corednsForwardLoop } from './coredns-forward-loop.js';
import { corefileWithForward, dnsFiles, KUBEADM_COREFILE } from './testing.js';
import { configMapJson, snapshotOf } from '../../model/testing.js';

const KUBELET = (resolvConf: string) =>
  `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\nresolvConf: ${resolvConf}\n`;
const STUB = 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n';
const REAL = 'nameserver 192.168.56.1\n';
const pod = 'coredns-6f6b679f8f-rgq7r';
const LOOP =
  '[FATAL] plugin/loop: Loop (127.0.0.1:36286 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 1048258276942848743.906062863108256161."\n';

const LOOP_12 =
  '2018/09/06 13:02:45 [FATAL] plugin/loop: Seen "HINFO IN 2050421060481615995.5620656063561519376." more than twice, loop detected\n';

const snap =
  (host: Record<string, string>, o: Parameters<typeof dnsFiles>[0] = {}) =>
  () =>
    snapshotOf({ node: 'cp-1', files: { ...dnsFiles(o), ...host } });

ruleTester(corednsForwardLoop).run({
  valid: [
    {
      name: 'plain resolv.conf',
      snapshot: snap({ 'host/resolv.conf': REAL, 'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf') }),
    },
    {
      name: 'systemd-resolved stub, but the kubelet hands pods the real file (kubeadm on Ubuntu)',
      snapshot: snap({
        'host/resolv.conf': STUB,
        'host/resolved-resolv.conf': REAL,
        'host/kubelet-config.yaml': KUBELET('/run/systemd/resolve/resolv.conf'),
      }),
    },
    {
      name: 'explicit upstreams: the node file does not matter',
      snapshot: snap(
        { 'host/resolv.conf': STUB, 'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf') },
        { corefile: corefileWithForward('223.5.5.5 223.6.6.6') },
      ),
    },
  ],
  invalid: [
    {
      name: 'pasted log alone, one host bundle: the 1.2.x loop form is placed on that node',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: { 'host/hostname.txt': 'cp-1\n', [`cluster/logs/kube-system/${pod}/coredns.log`]: LOOP_12 },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:cp-1',
          messageId: 'loop-detected',
          cites: [`cluster/logs/kube-system/${pod}/coredns.log:1`],
        },
      ],
    },
    {
      name: 'log alone with two host bundles and no pod list: the loop is not placed on a node',
      snapshot: () =>
        snapshotOf(
          {
            node: 'cp-1',
            files: { 'host/hostname.txt': 'cp-1\n', [`cluster/logs/kube-system/${pod}/coredns.log`]: LOOP },
          },
          { node: 'worker-1', files: { 'host/resolv.conf': REAL } },
        ),
      findings: [
        { status: 'fail', subject: 'cluster', messageId: 'loop-detected-unplaced', data: { pods: pod } },
        // the log says nothing about either node: no Corefile, and the pod's node is unknown
        {
          status: 'unknown',
          subject: 'node:cp-1',
          missing: ['cluster.configmap.kube-system.coredns', 'host.resolv-conf'],
        },
        {
          status: 'unknown',
          subject: 'node:worker-1',
          missing: ['cluster.configmap.kube-system.coredns', 'host.resolv-conf'],
        },
      ],
    },
    {
      name: 'log without a loop and no host bundle, the Corefile with the loop plugin: pass on the log',
      snapshot: () =>
        snapshotOf({
          files: {
            [`cluster/logs/kube-system/${pod}/coredns.log`]: '.:53\nCoreDNS-1.11.1\n',
            'cluster/configmaps/kube-system/coredns.json': configMapJson({
              name: 'coredns',
              data: { Corefile: KUBEADM_COREFILE },
            }),
          },
        }),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'ok-log' }],
    },
    {
      name: 'log without a loop and no host bundle, no Corefile: the loop plugin is not shown, unknown',
      snapshot: () =>
        snapshotOf({ files: { [`cluster/logs/kube-system/${pod}/coredns.log`]: '.:53\nCoreDNS-1.11.1\n' } }),
      findings: [
        {
          status: 'unknown',
          subject: 'cluster',
          missing: ['cluster.configmap.kube-system.coredns', 'host.resolv-conf'],
        },
      ],
    },
    {
      name: 'a loop-free log of a CoreDNS pod on this node, Corefile not collected: unknown (no pass on an assumed loop plugin)',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            ...dnsFiles({ corefile: null, logs: { [pod]: '.:53\nCoreDNS-1.11.1\n' } }),
            'host/resolv.conf': REAL,
            'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf'),
          },
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'node:cp-1',
          missing: ['cluster.configmap.kube-system.coredns', 'host.resolv-conf'],
        },
      ],
    },
    {
      name: 'stub and no kubelet config, but a loop-free log of a CoreDNS pod on this node: pass on the log',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: { ...dnsFiles({ logs: { [pod]: '.:53\nCoreDNS-1.11.1\n' } }), 'host/resolv.conf': STUB },
        }),
      findings: [{ status: 'pass', subject: 'node:cp-1', messageId: 'ok' }],
    },
    {
      name: 'that log with the node resolv.conf dropped: the same pass on the log',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: { ...dnsFiles({ logs: { [pod]: '.:53\nCoreDNS-1.11.1\n' } }), 'host/hostname.txt': 'cp-1\n' },
        }),
      findings: [{ status: 'pass', subject: 'node:cp-1', messageId: 'ok' }],
    },
    {
      name: 'a log without a loop line shows nothing when the Corefile has no loop plugin',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            ...dnsFiles({
              corefile: KUBEADM_COREFILE.replace('    loop\n', ''),
              logs: { [pod]: '.:53\nCoreDNS-1.11.1\n' },
            }),
            'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf'),
          },
        }),
      findings: [{ status: 'unknown', subject: 'node:cp-1', missing: ['host.resolv-conf'] }],
    },
    {
      name: 'a log of a CoreDNS pod on this node without a loop line passes the node',
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            ...dnsFiles({ logs: { [pod]: '.:53\nCoreDNS-1.11.1\n' } }),
            'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf'),
          },
        }),
      findings: [{ status: 'pass', subject: 'node:cp-1', messageId: 'ok' }],
    },
    {
      name: 'a log of a CoreDNS pod on another node says nothing about this one',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            ...dnsFiles({ logs: { [pod]: '.:53\nCoreDNS-1.11.1\n' } }),
            'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf'),
          },
        }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.resolv-conf'] }],
    },
    {
      name: 'resolv.conf forward and no pod resolv.conf nor log: unknown',
      snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf') }),
      findings: [{ status: 'unknown', subject: 'node:cp-1', missing: ['host.resolv-conf'] }],
    },
    {
      name: 'kubelet flags without --resolv-conf decide nothing: the config file may set resolvConf',
      snapshot: snap({
        'host/resolv.conf': STUB,
        'host/kubeadm-flags.env':
          'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n',
      }),
      findings: [{ status: 'unknown', subject: 'node:cp-1', missing: ['host.kubelet-config'] }],
    },
    {
      name: 'kubeadm-flags.env --resolv-conf=/run/systemd/resolve/resolv.conf hands pods the real upstreams',
      snapshot: snap({
        'host/resolv.conf': STUB,
        'host/resolved-resolv.conf': REAL,
        'host/kubeadm-flags.env':
          'KUBELET_KUBEADM_ARGS="--network-plugin=cni --resolv-conf=/run/systemd/resolve/resolv.conf"\n',
      }),
      findings: [{ status: 'pass', subject: 'node:cp-1', messageId: 'ok' }],
    },
    {
      name: 'kubeadm-flags.env --resolv-conf names a loopback-only file: the flag line is cited',
      snapshot: snap({
        'host/resolved-resolv.conf': STUB,
        'host/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--resolv-conf=/run/systemd/resolve/resolv.conf"\n',
      }),
      findings: [
        {
          status: 'fail',
          subject: 'node:cp-1',
          messageId: 'loopback-upstream',
          cites: ['host/resolved-resolv.conf:1', 'host/kubeadm-flags.env:1'],
        },
      ],
    },
    {
      name: 'kubelet hands pods the 127.0.0.53 stub',
      snapshot: snap({ 'host/resolv.conf': STUB, 'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf') }),
      findings: [
        { status: 'fail', subject: 'node:cp-1', messageId: 'loopback-upstream', data: { nameserver: '127.0.0.53' } },
      ],
    },
    {
      name: 'loop FATAL in the log of the pod on cp-1',
      snapshot: snap(
        { 'host/resolv.conf': REAL, 'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf') },
        { logs: { [pod]: LOOP } },
      ),
      findings: [{ status: 'fail', subject: 'node:cp-1', messageId: 'loop-detected' }],
    },
    {
      name: 'stub present but no kubelet config to tell',
      snapshot: snap({ 'host/resolv.conf': STUB }),
      findings: [{ status: 'unknown', subject: 'node:cp-1', missing: ['host.kubelet-config'] }],
    },
    {
      name: 'no resolv.conf collected',
      snapshot: snap({ 'host/kubelet-config.yaml': KUBELET('/etc/resolv.conf') }),
      findings: [{ status: 'unknown', subject: 'node:cp-1', missing: ['host.resolv-conf'] }],
    },
  ],
});
