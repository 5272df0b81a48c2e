// The kube-proxy facts the service rules share (kube-proxy-facts.ts, kube-proxy-logs.ts): how it is deployed, which
// logs are its own and on
// which node, the flags and mode it runs with. Each case is one signal a real bundle may hold alone.
import { describe, expect, it } from 'vitest';
import { daemonSetJson, kubeList, nodeJson, podJson, snapshotOf, sourceRecord } from '../../model/testing.js';
import type { Snapshot } from '../../model/types.js';
import { isProxyPod, proxyDeployment } from './kube-proxy-facts.js';
import { configuredMode, effectiveMode, proxyFlag, proxyLogs, runningMode } from './kube-proxy-logs.js';

const snap = (files: Record<string, string | object>, node = 'node-1'): Snapshot => snapshotOf({ node, files });
const withFact = (s: Snapshot, value: 'absent' | 'daemonset'): Snapshot => ({
  ...s,
  derived: {
    ...s.derived,
    components: new Map([
      ['kube-proxy', { value, by: 'test fact', at: { bundle: s.bundles[0]!.id, path: 'cluster/daemonsets.json' } }],
    ]),
  },
});

describe('isProxyPod', () => {
  it('knows the DaemonSet pod, the RKE2 mirror pod and kube-system names, not look-alikes elsewhere', () => {
    const pod = (name: string, ns: string, labels: Record<string, string> = {}) =>
      ({ metadata: { name, namespace: ns, labels } }) as never;
    expect(isProxyPod(pod('kube-proxy-x7k2p', 'kube-system', { 'k8s-app': 'kube-proxy' }))).toBe(true);
    expect(isProxyPod(pod('kube-proxy-ip-10-0-0-1.ec2.internal', 'kube-system', { component: 'kube-proxy' }))).toBe(
      true,
    );
    expect(isProxyPod(pod('kube-proxy-node-1', 'kube-system'))).toBe(true);
    expect(isProxyPod(pod('kube-proxy-exporter-abcde', 'monitoring'))).toBe(false);
  });
});

describe('proxyDeployment', () => {
  it('a DaemonSet pod', () => {
    const s = snap({
      'cluster/pods.json': kubeList([
        podJson({
          name: 'kube-proxy-x7k2p',
          namespace: 'kube-system',
          node: 'node-1',
          labels: { 'k8s-app': 'kube-proxy' },
        }),
      ]),
    });
    expect(proxyDeployment(s)).toMatchObject({ style: 'daemonset', basis: [{ path: 'cluster/pods.json' }] });
  });
  it('an RKE2 static pod manifest on the host', () => {
    const s = snap({
      'host/rke2/pod-manifests/kube-proxy.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-proxy\n  labels:\n    component: kube-proxy\nspec:\n  containers:\n  - name: kube-proxy\n',
    });
    expect(proxyDeployment(s)).toMatchObject({
      style: 'static-pod',
      basis: [{ path: 'host/rke2/pod-manifests/kube-proxy.yaml' }],
    });
  });
  it('a Charmed snap from its args file', () => {
    expect(proxyDeployment(snap({ 'host/snap/kube-proxy-args': '--cluster-cidr=10.1.0.0/16\n' }))).toMatchObject({
      style: 'snap',
    });
  });
  it('k3s from the kubelet version suffix', () => {
    const n = nodeJson({ name: 'k3s-1' }) as { status: Record<string, unknown> };
    const s = snap({
      'cluster/nodes.json': kubeList([{ ...n, status: { ...n.status, nodeInfo: { kubeletVersion: 'v1.29.4+k3s1' } } }]),
    });
    expect(proxyDeployment(s)).toMatchObject({
      style: 'embedded',
      evidence: { pointer: '/items/0/status/nodeInfo/kubeletVersion' },
    });
  });
  it('absent only with both lists and no KUBE-SERVICES on a host', () => {
    expect(
      proxyDeployment(snap({ 'cluster/pods.json': kubeList([]), 'cluster/daemonsets.json': kubeList([]) })),
    ).toMatchObject({ style: 'absent' });
    expect(proxyDeployment(snap({ 'cluster/pods.json': kubeList([]) }))).toBeUndefined();
    const programmed =
      '*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y\nCOMMIT\n';
    expect(
      proxyDeployment(
        snap({
          'cluster/pods.json': kubeList([]),
          'cluster/daemonsets.json': kubeList([]),
          'host/iptables-save.txt': programmed,
        }),
      ),
    ).toBeUndefined();
  });
  it('a pods or daemonsets list of some namespaces only (a sosreport --namespace dump) proves no absence', () => {
    const s = snapshotOf({
      node: 'node-1',
      files: { 'cluster/pods.json': kubeList([]), 'cluster/daemonsets.json': kubeList([]) },
      manifest: {
        sources: [
          {
            ...sourceRecord('cluster/pods.json'),
            namespaces: ['openstack'],
            partial: 'namespaces openstack only; not kube-system',
          },
          {
            ...sourceRecord('cluster/daemonsets.json'),
            namespaces: ['openstack'],
            partial: 'namespaces openstack only; not kube-system',
          },
        ],
      },
    } as never);
    expect(proxyDeployment(s)).toBeUndefined();
  });
  it('the shared fact wins, but an "absent" fact yields to a direct sign of kube-proxy', () => {
    const base = snap({
      'cluster/daemonsets.json': kubeList([
        daemonSetJson({ name: 'kube-proxy', namespace: 'kube-system', containers: [{ name: 'kube-proxy' }] } as never),
      ]),
    });
    expect(proxyDeployment(withFact(snap({ 'cluster/daemonsets.json': kubeList([]) }), 'absent'))).toMatchObject({
      style: 'absent',
      by: 'test fact',
    });
    expect(proxyDeployment(withFact(base, 'absent'))).toMatchObject({ style: 'daemonset' });
  });
});

describe('proxyLogs', () => {
  it('pod logs by pod name without a pod list, static-pod names to their node, journald units to their host', () => {
    const s = snap(
      {
        'cluster/logs/kube-system/kube-proxy-node-2/kube-proxy.log': 'I0101 00:00:00.000000       1 server.go:1] x\n',
        'cluster/logs/kube-system/coredns-abc/coredns.log': '[INFO] plugin/reload\n',
        'host/journal/snap.kube-proxy.daemon.log':
          '2024-05-02T10:00:00+0000 node-1 kube-proxy.daemon[2211]: I0502 10:00:00.123456    2211 server.go:1] x\n',
        'cluster/nodes.json': kubeList([nodeJson({ name: 'node-1' }), nodeJson({ name: 'node-2' })]),
      },
      'node-1',
    );
    expect(proxyLogs(s).map((l) => [l.key, l.node, l.sourceId])).toEqual([
      ['journal/snap.kube-proxy.daemon@node-1', 'node-1', 'host.journal.snap.kube-proxy.daemon'],
      ['kube-system/kube-proxy-node-2/kube-proxy', 'node-2', 'cluster.log.kube-system.kube-proxy-node-2.kube-proxy'],
    ]);
  });
});

describe('flags and mode', () => {
  it('--proxy-mode from a k3s/RKE2 kube-proxy-arg list, cited at its line', () => {
    const s = snap({ 'host/rke2/config.yaml': 'kube-proxy-arg:\n  - proxy-mode=ipvs\n  - ipvs-strict-arp=true\n' });
    expect(proxyFlag(s, 'proxy-mode')).toMatchObject({
      value: 'ipvs',
      evidence: { path: 'host/rke2/config.yaml', line: 2 },
    });
    expect(configuredMode(s)).toMatchObject({ value: 'ipvs' });
  });
  it('a flag from the FLAG: lines kube-proxy logs at start-up', () => {
    const s = snap({
      'cluster/logs/kube-system/kube-proxy-abcde/kube-proxy.log':
        'I0913 12:15:18.059441       1 flags.go:59] FLAG: --cluster-cidr=""\nI0913 12:15:18.059441       1 flags.go:59] FLAG: --proxy-mode="ipvs"\n',
    });
    expect(proxyFlag(s, 'proxy-mode')).toMatchObject({ value: 'ipvs', by: 'kube-proxy log', evidence: { line: 2 } });
    expect(proxyFlag(s, 'cluster-cidr')).toMatchObject({ value: '' });
  });
  it('the running proxier is the last one logged (1.8 and structured forms), and wins over the configured mode', () => {
    const s = snap({
      'host/rke2/config.yaml': 'kube-proxy-arg:\n  - proxy-mode=ipvs\n',
      'cluster/logs/kube-system/kube-proxy-abcde/kube-proxy.log':
        'I1116 09:02:43.498852       1 server_others.go:122] Using iptables Proxier.\n',
    });
    expect(runningMode(s)).toMatchObject({ value: 'iptables', evidence: { line: 1 } });
    expect(effectiveMode(s)).toMatchObject({ value: 'iptables' });
    expect(
      runningMode(
        snap({
          'cluster/logs/kube-system/kube-proxy-abcde/kube-proxy.log':
            'I0101 00:00:00.000000       1 server_others.go:269] "Creating dualStackProxier for ipvs"\n',
        }),
      ),
    ).toMatchObject({ value: 'ipvs' });
  });
  it('no mode stated anywhere: undefined, never a guess', () => {
    expect(effectiveMode(snap({ 'cluster/pods.json': kubeList([]) }))).toBeUndefined();
  });
});
