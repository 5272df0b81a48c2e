import { describe, expect, it } from 'vitest';
import { runRules } from '../engine.js';
import { ruleTester } from '../testing.js';
import { configMapJson, kubeList, nodeJson, podJson, snapshotOf, sourceRecord } from '../../model/testing.js';
import { kubeProxyNotRunning } from './kube-proxy-not-running.js';

const proxy = (name: string, node: string, over: { ready?: boolean; waitingReason?: string } = {}) =>
  podJson({
    name,
    namespace: 'kube-system',
    node,
    labels: { 'k8s-app': 'kube-proxy' },
    hostNetwork: true,
    containers: [{ name: 'kube-proxy' }],
    ...over,
  });
const cluster = (pods: object[], extra: Record<string, string | object> = {}) =>
  snapshotOf({
    node: 'worker-1',
    files: {
      'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' }), nodeJson({ name: 'worker-2' })]),
      'cluster/pods.json': kubeList(pods),
      ...extra,
    },
  });
const k3sNode = (name: string) => ({
  ...(nodeJson({ name }) as { status: { nodeInfo: object } }),
  status: { ...(nodeJson({ name }) as { status: object }).status, nodeInfo: { kubeletVersion: 'v1.30.2+k3s1' } },
});
// RKE2 runs kube-proxy as a static pod: mirror pod `kube-proxy-<node>` with `component: kube-proxy`
const rke2Proxy = (node: string) =>
  podJson({
    name: `kube-proxy-${node}`,
    namespace: 'kube-system',
    node,
    labels: { component: 'kube-proxy', tier: 'control-plane' },
    hostNetwork: true,
    containers: [{ name: 'kube-proxy' }],
  });
// a Charmed Kubernetes node: kube-proxy is the snap's daemon, its journal collected on the host
const SNAP_JOURNAL = [
  '2024-05-02T10:00:00+0000 worker-1 kube-proxy.daemon[2211]: I0502 10:00:00.123456    2211 server_others.go:206] "Using iptables Proxier"',
  '2024-05-02T10:00:01+0000 worker-1 kube-proxy.daemon[2211]: I0502 10:00:01.000000    2211 shared_informer.go:270] caches populated',
].join('\n');
const SNAP_EXITED = [
  '2024-05-02T10:00:00+0000 worker-1 kube-proxy.daemon[2211]: F0502 10:00:00.123456    2211 server.go:489] failed complete: unrecognized feature gate: Foo',
  '2024-05-02T10:00:00+0000 worker-1 systemd[1]: snap.kube-proxy.daemon.service: Main process exited, code=exited, status=255/EXCEPTION',
].join('\n');
const snapNode = (journal: string) =>
  snapshotOf({
    node: 'worker-1',
    files: {
      'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' })]),
      'cluster/pods.json': kubeList([]),
      'host/systemd-units.txt': '/etc/systemd/system/snap.kube-proxy.daemon.service\n',
      'host/journal/snap.kube-proxy.daemon.log': journal,
    },
  });

// capture charmed-k8s-hotsos: `journalctl --unit kube-proxy` of a node whose kube-proxy is the snap
const NO_ENTRIES =
  '-- Logs begin at Fri 2022-02-11 18:58:10 UTC, end at Fri 2022-02-11 19:23:41 UTC. --\n-- No entries --\n';
// capture k8s-snap-sunbeam-hotsos: sos's `kubectl get --namespace openstack pods`
const OPENSTACK_ONLY = { namespaces: ['openstack'], partial: 'namespaces openstack only; not kube-system' };

ruleTester(kubeProxyNotRunning).run({
  valid: [
    {
      name: 'running everywhere',
      snapshot: () => cluster([proxy('kube-proxy-aaaaa', 'worker-1'), proxy('kube-proxy-bbbbb', 'worker-2')]),
    },
    {
      name: 'no kube-proxy in the cluster (kube-proxy replacement): pods and daemonsets lists say so',
      snapshot: () => cluster([], { 'cluster/daemonsets.json': kubeList([]) }),
    },
    {
      name: 'RKE2 static pods kube-proxy-<node> running on both nodes',
      snapshot: () => cluster([rke2Proxy('worker-1'), rke2Proxy('worker-2')]),
    },
  ],
  invalid: [
    {
      name: 'crash-looping on worker-2',
      snapshot: () =>
        cluster([
          proxy('kube-proxy-aaaaa', 'worker-1'),
          proxy('kube-proxy-bbbbb', 'worker-2', { ready: false, waitingReason: 'CrashLoopBackOff' }),
        ]),
      findings: [
        { status: 'fail', subject: 'node:worker-2', messageId: 'notRunning', data: { state: 'CrashLoopBackOff' } },
      ],
    },
    {
      name: 'no pod on worker-2',
      snapshot: () => cluster([proxy('kube-proxy-aaaaa', 'worker-1')]),
      findings: [{ status: 'fail', subject: 'node:worker-2', messageId: 'noPod' }],
    },
    {
      name: 'no pod list: unknown',
      snapshot: () => snapshotOf({ node: 'worker-1', files: { 'cluster/nodes.json': kubeList([]) } }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.pods'] }],
    },
    {
      name: 'no kube-proxy pod anywhere, daemonsets not collected: unknown (never "not used")',
      snapshot: () => cluster([]),
      findings: [
        { status: 'unknown', subject: 'node:worker-1', missing: ['cluster.daemonsets'] },
        { status: 'unknown', subject: 'node:worker-2', missing: ['cluster.daemonsets'] },
      ],
    },
    {
      name: 'k3s embeds kube-proxy: pass per node on the +k3s kubelet version',
      snapshot: () =>
        snapshotOf({
          node: 'k3s-1',
          files: { 'cluster/nodes.json': kubeList([k3sNode('k3s-1')]), 'cluster/pods.json': kubeList([]) },
        }),
      findings: [
        {
          status: 'pass',
          subject: 'node:k3s-1',
          messageId: 'embedded',
          cites: ['cluster/nodes.json#/items/0/status/nodeInfo/kubeletVersion'],
        },
      ],
    },
    {
      name: 'k3s with disable-kube-proxy: true is not a missing kube-proxy',
      snapshot: () =>
        snapshotOf({
          node: 'k3s-1',
          files: {
            'cluster/nodes.json': kubeList([k3sNode('k3s-1')]),
            'host/k3s/config.yaml': 'flannel-backend: none\ndisable-kube-proxy: true\n',
          },
        }),
      findings: [{ status: 'pass', subject: 'cluster', messageId: 'notUsed', cites: ['host/k3s/config.yaml:2'] }],
    },
    {
      name: 'RKE2 static pod crash-looping on worker-2',
      snapshot: () =>
        cluster([
          rke2Proxy('worker-1'),
          {
            ...(podJson({
              name: 'kube-proxy-worker-2',
              namespace: 'kube-system',
              node: 'worker-2',
              labels: { component: 'kube-proxy' },
              hostNetwork: true,
              containers: [{ name: 'kube-proxy' }],
              ready: false,
              waitingReason: 'CrashLoopBackOff',
            }) as object),
          },
        ]),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-2',
          messageId: 'notRunning',
          data: { pod: 'kube-proxy-worker-2', state: 'CrashLoopBackOff' },
        },
      ],
    },
    {
      name: "a pod list alone (no nodes list): the crash-looping pod's own node is checked",
      snapshot: () =>
        snapshotOf({
          node: 'cp-1',
          files: {
            'cluster/pods.json': kubeList([
              proxy('kube-proxy-6pvxk', 'kube-3', { ready: false, waitingReason: 'CrashLoopBackOff' }),
            ]),
          },
        }),
      findings: [{ status: 'fail', subject: 'node:kube-3', messageId: 'notRunning' }],
    },
    {
      name: 'snap kube-proxy with its journal: running',
      snapshot: () => snapNode(SNAP_JOURNAL),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'hostRunning', data: { style: 'snap' } }],
    },
    {
      name: 'snap kube-proxy whose journal ends in the exit',
      snapshot: () => snapNode(SNAP_EXITED),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'hostExited',
          cites: ['host/journal/snap.kube-proxy.daemon.log:2'],
        },
      ],
    },
    {
      // canonical/microk8s#2067: journalctl's default short format, the klog fatal line last
      name: "microk8s kubelite journal ending in kube-proxy's fatal line",
      snapshot: () =>
        snapshotOf({
          node: 'tenaya',
          files: {
            'host/journal/snap.microk8s.daemon-kubelite.log':
              'Mar 01 10:12:00 tenaya microk8s.daemon-kubelite[147209]: F0301 10:12:00.434570  147209 server.go:495] unable to create proxier: CIDR 10.1.0.0/16 has incorrect IP version: expect isIPv6=true\n',
          },
        }),
      findings: [{ status: 'fail', subject: 'node:tenaya', messageId: 'hostExited' }],
    },
    {
      name: "an empty kube-proxy journal beside the snap's: the snap journal decides (its exit fails, citing it)",
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' })]),
            'cluster/pods.json': kubeList([]),
            'host/journal/kube-proxy.log': NO_ENTRIES,
            'host/journal/snap.kube-proxy.daemon.log': SNAP_EXITED,
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'node:worker-1',
          messageId: 'hostExited',
          data: { unit: 'snap.kube-proxy.daemon' },
          cites: ['host/journal/snap.kube-proxy.daemon.log:2'],
        },
      ],
    },
    {
      // before: pass hostRunning on the empty journal
      name: 'only `-- No entries --` journals: unknown, no evidence that anything runs',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' })]),
            'cluster/pods.json': kubeList([]),
            'host/systemd-units.txt': '/etc/systemd/system/snap.kube-proxy.daemon.service\n',
            'host/journal/kube-proxy.log': NO_ENTRIES,
            'host/journal/snap.kube-proxy.daemon.log': NO_ENTRIES,
          },
        }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.journal.*'] }],
    },
    {
      // before: fail noPod on both nodes, from a list that holds no kube-system pod at all
      name: 'a kube-proxy ConfigMap, no kube-proxy pod in a pods list of namespace openstack only: unknown partial-list',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' })]),
            'cluster/pods.json': kubeList([podJson({ name: 'mysql-0', namespace: 'openstack', node: 'worker-1' })]),
            'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
              name: 'kube-proxy',
              namespace: 'kube-system',
              data: { 'config.conf': 'mode: iptables\n' },
            }),
          },
          manifest: {
            sources: [
              sourceRecord('cluster/nodes.json'),
              { ...sourceRecord('cluster/pods.json'), ...OPENSTACK_ONLY },
              sourceRecord('cluster/configmaps/kube-system/kube-proxy.json'),
            ],
          },
        }),
      findings: [
        {
          status: 'unknown',
          subject: 'node:worker-1',
          messageId: 'partial-list',
          data: { list: 'cluster/pods.json', partial: OPENSTACK_ONLY.partial },
          missing: ['cluster.pods'],
          cites: ['manifest.json#/sources/1/partial'],
        },
      ],
    },
    {
      name: 'snap kube-proxy without its journal: unknown, not running or not',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' })]),
            'cluster/pods.json': kubeList([]),
            'host/systemd-units.txt': '/etc/systemd/system/snap.kube-proxy.daemon.service\n',
          },
        }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.journal.*'] }],
    },
  ],
});

describe('SVC-301 basis on a Charmed node (capture charmed-k8s-hotsos)', () => {
  it('rests on the snap journal that holds kube-proxy lines, never on the empty kube-proxy journal', () => {
    const s = snapshotOf({
      node: 'worker-1',
      files: {
        'cluster/nodes.json': kubeList([nodeJson({ name: 'worker-1' })]),
        'cluster/pods.json': kubeList([]),
        'host/journal/kube-proxy.log': NO_ENTRIES,
        'host/journal/snap.kube-proxy.daemon.log': SNAP_JOURNAL,
      },
    });
    const f = runRules([kubeProxyNotRunning], s).filter((x) => x.subject.name === 'worker-1');
    expect(
      f.map((x) => [x.status, x.messageId, x.data?.['style'], x.data?.['by'], (x.basis ?? []).map((b) => b.path)]),
    ).toEqual([['pass', 'hostRunning', 'snap', 'snap.kube-proxy.daemon', ['host/journal/snap.kube-proxy.daemon.log']]]);
  });
});
