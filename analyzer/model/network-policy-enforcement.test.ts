import { describe, expect, it } from 'vitest';
import { daemonSetJson, kubeList, snapshotOf } from './testing.js';
import { policyEnforcement } from './network-policy-enforcement.js';

const ds = (name: string, ns: string, container: string, image: string) =>
  daemonSetJson({ name, namespace: ns, containers: [{ name: container, image }] });
const FLANNEL = ds('kube-flannel-ds', 'kube-flannel', 'kube-flannel', 'ghcr.io/flannel-io/flannel:v0.25.1');

const withDaemonSets = (...items: object[]) =>
  snapshotOf({ node: 'cp-1', files: { 'cluster/daemonsets.json': kubeList(items) } });

describe('who enforces NetworkPolicy', () => {
  it.each([
    ['calico-node', ds('calico-node', 'kube-system', 'calico-node', 'docker.io/calico/node:v3.28.0'), 'calico-node'],
    // canal.yaml: calico-node and kube-flannel containers in one DaemonSet named canal
    ['canal', ds('canal', 'kube-system', 'calico-node', 'docker.io/calico/node:v3.28.0'), 'calico-node'],
    ['Cilium', ds('cilium', 'kube-system', 'cilium-agent', 'quay.io/cilium/cilium:v1.16.1'), 'cilium-agent'],
    [
      'kube-router',
      ds('kube-router', 'kube-system', 'kube-router', 'docker.io/cloudnativelabs/kube-router:v2.1.3'),
      'kube-router',
    ],
    ['Weave Net', ds('weave-net', 'kube-system', 'weave-npc', 'weaveworks/weave-npc:2.8.1'), 'weave-npc'],
    ['Antrea', ds('antrea-agent', 'kube-system', 'antrea-agent', 'antrea/antrea-agent-ubuntu:v2.1.0'), 'antrea-agent'],
  ])('%s enforces', (_name, obj, by) => {
    const e = policyEnforcement(withDaemonSets(FLANNEL, obj));
    expect(e).toMatchObject({ enforced: true, at: { path: 'cluster/daemonsets.json' } });
    expect(e?.by.startsWith(by)).toBe(true);
  });

  it('flannel alone does not, with the flannel DaemonSet as evidence', () => {
    expect(policyEnforcement(withDaemonSets(FLANNEL))).toMatchObject({
      enforced: false,
      at: { path: 'cluster/daemonsets.json' },
    });
  });

  it('a calico CNI conflist on a node says Calico enforces when the DaemonSets were not collected', () => {
    const conf = {
      name: 'k8s-pod-network',
      cniVersion: '0.3.1',
      plugins: [{ type: 'calico', datastore_type: 'kubernetes' }, { type: 'portmap' }],
    };
    const s = snapshotOf({ node: 'worker-1', files: { 'host/cni/10-calico.conflist': conf } });
    expect(policyEnforcement(s)).toMatchObject({
      enforced: true,
      by: 'calico CNI plugin',
      at: { path: 'host/cni/10-calico.conflist', pointer: '/plugins/0/type' },
    });
  });

  it('k3s runs its own policy controller unless --disable-network-policy', () => {
    const k3s = (config: string) => snapshotOf({ node: 'server-1', files: { 'host/k3s/config.yaml': config } });
    expect(policyEnforcement(k3s('cluster-cidr: 10.42.0.0/16\n'))).toMatchObject({ enforced: true });
    expect(policyEnforcement(k3s('disable-network-policy: true\n'))).toMatchObject({
      enforced: false,
      by: 'k3s --disable-network-policy',
    });
  });

  it('nothing collected that says: undefined', () => {
    expect(policyEnforcement(snapshotOf({ node: 'cp-1', files: {} }))).toBeUndefined();
    expect(policyEnforcement(withDaemonSets())).toBeUndefined();
  });
});
