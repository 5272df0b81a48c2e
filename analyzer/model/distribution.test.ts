// Distribution and component deployment detection: one case per signal, each asserting the value
// and the evidence it cites (path + pointer or line). Evidence shapes follow real nodes: k3s-io/k3s
// #3932 and #9274 (labels/annotations of k3s nodes), charmed-kubernetes/charm-kubernetes-control-plane
// #310 (juju-application/juju-charm labels), RKE2 pod-manifests/kube-proxy.yaml.
import { describe, expect, it } from 'vitest';
import {
  configMapJson,
  daemonSetJson,
  deploymentJson,
  kubeList,
  nodeJson,
  podJson,
  snapshotOf,
  sourceRecord,
} from './testing.js';
import type { SourceRecord } from '../bundle/manifest.js';
import type { Snapshot } from './types.js';

const nodes = (...items: object[]) => ({ 'cluster/nodes.json': kubeList(items) });
const withInfo = (n: object, info: Record<string, string>, spec: Record<string, string> = {}) => {
  const o = n as { status: { nodeInfo: object }; spec: object };
  return { ...o, spec: { ...o.spec, ...spec }, status: { ...o.status, nodeInfo: { ...o.status.nodeInfo, ...info } } };
};
const dist = (s: Snapshot) =>
  s.derived.distribution && {
    value: s.derived.distribution.value,
    path: s.derived.distribution.at.path,
    pointer: s.derived.distribution.at.pointer,
    line: s.derived.distribution.at.line,
  };
const comp = (s: Snapshot, c: 'flannel' | 'kube-proxy' | 'coredns' | 'calico') => {
  const seen = s.derived.components.get(c);
  return seen && { value: seen.value, path: seen.at.path, pointer: seen.at.pointer, line: seen.at.line };
};
const files = (f: Record<string, string | object>) => snapshotOf({ node: 'n1', files: f });

describe('distribution from cluster evidence', () => {
  it.each([
    ['v1.28.5+k3s1', 'k3s'],
    ['v1.28.5+rke2r1', 'rke2'],
    ['v1.28.5-eks-5e0fdde', 'eks'],
    ['v1.28.3-gke.1203001', 'gke'],
    ['v1.27.6+f67aeb3', 'openshift'],
  ] as const)('kubelet version %s -> %s', (version, want) => {
    const s = files(nodes(withInfo(nodeJson({ name: 'n1' }), { kubeletVersion: version })));
    expect(dist(s)).toEqual({
      value: want,
      path: 'cluster/nodes.json',
      pointer: '/items/0/status/nodeInfo/kubeletVersion',
      line: undefined,
    });
  });

  it('a plain upstream version names nothing; neither does an empty bundle', () => {
    expect(dist(files(nodes(nodeJson({ name: 'n1' }))))).toBeUndefined();
    expect(dist(files({ 'host/uname.txt': 'Linux n1 6.1.0 x86_64\n' }))).toBeUndefined();
  });

  it.each([
    ['labels', 'node.kubernetes.io/instance-type', 'k3s', 'k3s'],
    ['labels', 'node.kubernetes.io/instance-type', 'rke2', 'rke2'],
    ['labels', 'eks.amazonaws.com/nodegroup', 'ng-1', 'eks'],
    ['labels', 'cloud.google.com/gke-nodepool', 'default-pool', 'gke'],
    ['labels', 'kubernetes.azure.com/agentpool', 'nodepool1', 'aks'],
    ['labels', 'microk8s.io/cluster', 'true', 'microk8s'],
    ['labels', 'juju-application', 'kubernetes-worker', 'charmed'],
    ['annotations', 'k3s.io/node-args', '["agent"]', 'k3s'],
    ['annotations', 'rke2.io/hostname', 'n1', 'rke2'],
    ['labels', 'node.openshift.io/os_id', 'rhcos', 'openshift'],
  ] as const)('node %s %s=%s -> %s', (kind, key, value, want) => {
    const n = nodeJson({
      name: 'n1',
      ...(kind === 'labels' ? { labels: { [key]: value } } : { annotations: { [key]: value } }),
    });
    const s = files(nodes(n));
    expect(dist(s)).toMatchObject({
      value: want,
      path: 'cluster/nodes.json',
      pointer: `/items/0/metadata/${kind}/${key.replace(/\//g, '~1')}`,
    });
  });

  it('instance-type of a cloud VM names no distribution', () => {
    expect(
      dist(files(nodes(nodeJson({ name: 'n1', labels: { 'node.kubernetes.io/instance-type': 'm5.large' } })))),
    ).toBeUndefined();
  });

  it('kind: the providerID kind://', () => {
    const s = files(
      nodes(
        withInfo(nodeJson({ name: 'kind-control-plane' }), {}, { providerID: 'kind://docker/kind/kind-control-plane' }),
      ),
    );
    expect(dist(s)).toMatchObject({ value: 'kind', pointer: '/items/0/spec/providerID' });
  });

  it('kubeadm: the kubeadm-config ConfigMap', () => {
    const s = files({
      'cluster/configmaps/kube-system/kubeadm-config.json': configMapJson({
        name: 'kubeadm-config',
        namespace: 'kube-system',
        data: { ClusterConfiguration: 'kind: ClusterConfiguration\n' },
      }),
    });
    expect(dist(s)).toMatchObject({ value: 'kubeadm', path: 'cluster/configmaps/kube-system/kubeadm-config.json' });
  });

  it.each([
    ['kindnet', 'kind'],
    ['aws-node', 'eks'],
    ['cloud-node-manager', 'aks'],
  ] as const)('DaemonSet kube-system/%s -> %s', (name, want) => {
    expect(dist(files({ 'cluster/daemonsets.json': kubeList([daemonSetJson({ name })]) }))).toMatchObject({
      value: want,
      path: 'cluster/daemonsets.json',
      pointer: '/items/0/metadata/name',
    });
  });

  it('the API server version +k3s1 (cluster/version.json)', () => {
    const s = files({ 'cluster/version.json': { serverVersion: { gitVersion: 'v1.30.2+k3s2' } } });
    expect(dist(s)).toMatchObject({ value: 'k3s', path: 'cluster/version.json', pointer: '/serverVersion/gitVersion' });
  });
});

describe('distribution from host evidence (no cluster access)', () => {
  it.each([
    ['host/k3s/config.yaml', 'cluster-cidr: 10.42.0.0/16\n', 'k3s', 1],
    ['host/rke2/config.yaml', 'cni: canal\n', 'rke2', 1],
    ['host/k3s/flannel-net-conf.json', '{"Network":"10.42.0.0/16","Backend":{"Type":"vxlan"}}\n', 'k3s', undefined],
    ['host/microk8s/args/kube-proxy', '--cluster-cidr=10.1.0.0/16\n', 'microk8s', 1],
    ['host/snap/kube-proxy-args', '--cluster-cidr="10.1.0.0/16"\n', 'charmed', 1],
    [
      'host/systemd-units.txt',
      '/lib/systemd/system/containerd.service\n/etc/systemd/system/k3s-agent.service\n',
      'k3s',
      2,
    ],
    ['host/systemd-units.txt', '/etc/systemd/system/snap.kube-proxy.daemon.service\n', 'charmed', 1],
    ['host/systemd-units.txt', '/etc/systemd/system/snap.microk8s.daemon-kubelite.service\n', 'microk8s', 1],
    ['host/systemd-units.txt', '/usr/local/lib/systemd/system/rke2-agent.service\n', 'rke2', 1],
    [
      'host/k3s/k3s.log',
      'time="2024-01-15T10:00:00Z" level=info msg="Starting k3s v1.28.5+k3s1 (5b2d1271)"\n',
      'k3s',
      undefined,
    ],
    ['host/systemd-units.txt', '/etc/init.d/k3s-agent\n', 'k3s', 1],
    [
      'host/journal/rke2-server.log',
      '2024-01-15T10:00:00+0000 n1 rke2[900]: time="2024-01-15T10:00:00Z" level=info msg="Starting rke2"\n',
      'rke2',
      undefined,
    ],
    [
      'host/rke2/pod-manifests/kube-proxy.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-proxy\n',
      'rke2',
      1,
    ],
    [
      'host/static-pods/kube-apiserver.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    component: kube-apiserver\n  name: kube-apiserver\n',
      'kubeadm',
      1,
    ],
    [
      'host/kubeadm-flags.env',
      'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock"\n',
      'kubeadm',
      1,
    ],
  ] as const)('%s -> %s', (path, text, want, line) => {
    expect(dist(files({ [path]: text }))).toEqual({ value: want, path, pointer: undefined, line });
  });

  it('k3s is named over kubeadm when both show (k3s nodes carry no kubeadm-flags.env, but an old one may linger)', () => {
    const s = files({
      'host/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS=""\n',
      'host/systemd-units.txt': '/etc/systemd/system/k3s.service\n',
    });
    expect(dist(s)).toMatchObject({ value: 'k3s', path: 'host/systemd-units.txt' });
  });
});

describe('component deployment styles', () => {
  const k3sNode = nodeJson({
    name: 'n1',
    annotations: { 'flannel.alpha.coreos.com/backend-type': 'vxlan', 'k3s.io/node-args': '["server"]' },
  });

  it('a DaemonSet with the component container -> daemonset, citing the container', () => {
    const s = files({
      'cluster/daemonsets.json': kubeList([
        daemonSetJson({
          name: 'kube-flannel-ds',
          namespace: 'kube-flannel',
          containers: [{ name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.1' }],
        }),
        daemonSetJson({ name: 'kube-proxy' }),
      ]),
    });
    expect(comp(s, 'flannel')).toEqual({
      value: 'daemonset',
      path: 'cluster/daemonsets.json',
      pointer: '/items/0/spec/template/spec/containers/0',
      line: undefined,
    });
    expect(comp(s, 'kube-proxy')).toMatchObject({
      value: 'daemonset',
      pointer: '/items/1/spec/template/spec/containers/0',
    });
    expect(comp(s, 'calico')).toEqual({
      value: 'absent',
      path: 'cluster/daemonsets.json',
      pointer: undefined,
      line: undefined,
    });
  });

  it('RKE2 canal: calico-node and kube-flannel containers of one DaemonSet', () => {
    const canal = daemonSetJson({
      name: 'rke2-canal',
      containers: [
        { name: 'calico-node', image: 'rancher/hardened-calico:v3.26.1-build20231009' },
        { name: 'kube-flannel', image: 'rancher/hardened-flannel:v0.22.1-build20231009' },
      ],
    });
    const s = files({ 'cluster/daemonsets.json': kubeList([canal]) });
    expect(comp(s, 'calico')).toMatchObject({
      value: 'daemonset',
      pointer: '/items/0/spec/template/spec/containers/0',
    });
    expect(comp(s, 'flannel')).toMatchObject({
      value: 'daemonset',
      pointer: '/items/0/spec/template/spec/containers/1',
    });
  });

  it('k3s without a flannel DaemonSet: flannel and kube-proxy embedded, never absent', () => {
    const s = files({
      ...nodes(withInfo(k3sNode, { kubeletVersion: 'v1.28.5+k3s1' })),
      'cluster/daemonsets.json': kubeList([daemonSetJson({ name: 'svclb-traefik' })]),
    });
    expect(comp(s, 'flannel')).toEqual({
      value: 'embedded',
      path: 'cluster/nodes.json',
      pointer: '/items/0/metadata/annotations/flannel.alpha.coreos.com~1backend-type',
      line: undefined,
    });
    expect(comp(s, 'kube-proxy')).toMatchObject({
      value: 'embedded',
      path: 'cluster/nodes.json',
      pointer: '/items/0/status/nodeInfo/kubeletVersion',
    });
  });

  it("k3s from host files only: flannel embedded citing k3s's own net-conf", () => {
    const s = files({
      'host/k3s/flannel-net-conf.json': '{"Network":"10.42.0.0/16"}\n',
      'host/k3s/config.yaml': 'write-kubeconfig-mode: "0644"\n',
    });
    expect(comp(s, 'flannel')).toMatchObject({ value: 'embedded', path: 'host/k3s/flannel-net-conf.json' });
    expect(comp(s, 'kube-proxy')).toMatchObject({ value: 'embedded', path: 'host/k3s/config.yaml' });
  });

  it('k3s flannel-backend: none / disable-kube-proxy: true in config.yaml -> absent, citing the line', () => {
    const s = files({
      'host/k3s/config.yaml': 'token: "netsnap-scrubbed"\nflannel-backend: none\ndisable-kube-proxy: true\n',
    });
    expect(comp(s, 'flannel')).toEqual({ value: 'absent', path: 'host/k3s/config.yaml', pointer: undefined, line: 2 });
    expect(comp(s, 'kube-proxy')).toEqual({
      value: 'absent',
      path: 'host/k3s/config.yaml',
      pointer: undefined,
      line: 3,
    });
  });

  it('k3s node-args --flannel-backend none (k3s-io/k3s#3932) -> flannel absent', () => {
    const n = nodeJson({
      name: 'n1',
      labels: { 'node.kubernetes.io/instance-type': 'k3s' },
      annotations: { 'k3s.io/node-args': '["server","--disable","traefik","--flannel-backend","none"]' },
    });
    expect(comp(files(nodes(n)), 'flannel')).toMatchObject({
      value: 'absent',
      pointer: '/items/0/metadata/annotations/k3s.io~1node-args',
    });
  });

  it('absent needs the list: no daemonsets.json -> flannel unknown; a node with subnet.env is not absent', () => {
    expect(comp(files(nodes(nodeJson({ name: 'n1' }))), 'flannel')).toBeUndefined();
    const s = files({
      'cluster/daemonsets.json': kubeList([daemonSetJson({ name: 'kube-proxy' })]),
      'host/flannel-subnet.env': 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\n',
    });
    expect(comp(s, 'flannel')).toBeUndefined();
    const annotated = files({
      ...nodes(nodeJson({ name: 'n1', annotations: { 'flannel.alpha.coreos.com/public-ip': '192.168.56.10' } })),
      'cluster/daemonsets.json': kubeList([]),
    });
    expect(comp(annotated, 'flannel')).toBeUndefined();
  });

  it('a list that covers some namespaces only (sosreport --namespace openstack) proves no absence', () => {
    const list = kubeList([daemonSetJson({ name: 'web', namespace: 'openstack' })]);
    const partial = {
      ...sourceRecord('cluster/daemonsets.json'),
      namespaces: ['openstack'],
      partial: 'namespaces openstack only',
    } as SourceRecord;
    const s = snapshotOf({ node: 'n1', files: { 'cluster/daemonsets.json': list }, manifest: { sources: [partial] } });
    expect(comp(s, 'flannel')).toBeUndefined();
    expect(comp(s, 'kube-proxy')).toBeUndefined();
    expect(comp(files({ 'cluster/daemonsets.json': list }), 'flannel')).toMatchObject({ value: 'absent' });
  });

  it.each([
    ['cni: canal\n', 'daemonset', 'daemonset'],
    ['cni: cilium\n', 'absent', 'absent'],
    ['cni:\n- multus\n- calico\n', 'absent', 'daemonset'],
  ] as const)('RKE2 config %j -> flannel %s, calico %s (citing the cni line)', (config, flannel, calico) => {
    const s = files({ 'host/rke2/config.yaml': `write-kubeconfig-mode: "0644"\n${config}` });
    expect(comp(s, 'flannel')).toEqual({ value: flannel, path: 'host/rke2/config.yaml', pointer: undefined, line: 2 });
    expect(comp(s, 'calico')).toEqual({ value: calico, path: 'host/rke2/config.yaml', pointer: undefined, line: 2 });
  });

  it('RKE2 kube-proxy static pod manifest on the host -> static-pod, citing metadata.name', () => {
    const s = files({
      'host/rke2/pod-manifests/kube-proxy.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-proxy\n  labels:\n    component: kube-proxy\n',
      'cluster/daemonsets.json': kubeList([]),
    });
    expect(comp(s, 'kube-proxy')).toEqual({
      value: 'static-pod',
      path: 'host/rke2/pod-manifests/kube-proxy.yaml',
      pointer: undefined,
      line: 4,
    });
  });

  it('a mirror pod of a static kube-proxy (component: kube-proxy, tier: control-plane) -> static-pod', () => {
    const pod = podJson({
      name: 'kube-proxy-n1',
      namespace: 'kube-system',
      ip: '192.168.56.10',
      labels: { component: 'kube-proxy', tier: 'control-plane' },
    });
    const s = files({ 'cluster/pods.json': kubeList([pod]), 'cluster/daemonsets.json': kubeList([]) });
    expect(comp(s, 'kube-proxy')).toMatchObject({
      value: 'static-pod',
      path: 'cluster/pods.json',
      pointer: '/items/0/metadata',
    });
  });

  it("no workload lists (RBAC): a running pod's owner says it (DaemonSet, ReplicaSet, Node)", () => {
    const owned = (name: string, container: string, kind: string) => ({
      ...(podJson({ name, namespace: 'kube-system', ip: '10.244.0.9', containers: [{ name: container }] }) as {
        metadata: object;
      }),
      metadata: {
        name,
        namespace: 'kube-system',
        ownerReferences: [{ apiVersion: 'v1', kind, name: 'owner', uid: 'u', controller: true }],
      },
    });
    const s = files({
      'cluster/pods.json': kubeList([
        owned('kube-proxy-rqsh4', 'kube-proxy', 'DaemonSet'),
        owned('coredns-64897985d-2wvxr', 'coredns', 'ReplicaSet'),
        owned('kube-flannel-n1', 'kube-flannel', 'Node'),
      ]),
    });
    expect(comp(s, 'kube-proxy')).toEqual({
      value: 'daemonset',
      path: 'cluster/pods.json',
      pointer: '/items/0/metadata/ownerReferences/0/kind',
      line: undefined,
    });
    expect(comp(s, 'coredns')).toMatchObject({
      value: 'deployment',
      pointer: '/items/1/metadata/ownerReferences/0/kind',
    });
    expect(comp(s, 'flannel')).toMatchObject({
      value: 'static-pod',
      pointer: '/items/2/metadata/ownerReferences/0/kind',
    });
  });

  it('RKE2 with nothing else collected: kube-proxy static-pod citing the RKE2 evidence', () => {
    expect(
      comp(files(nodes(withInfo(nodeJson({ name: 'n1' }), { kubeletVersion: 'v1.28.5+rke2r1' }))), 'kube-proxy'),
    ).toMatchObject({ value: 'static-pod', pointer: '/items/0/status/nodeInfo/kubeletVersion' });
  });

  it('a list whose record names its namespaces: partial without kube-system proves nothing; partial with it, or namespaces alone, does', () => {
    const list = kubeList([daemonSetJson({ name: 'web' })]);
    const rec = (extra: object) =>
      snapshotOf({
        node: 'n1',
        files: { 'cluster/daemonsets.json': list },
        manifest: { sources: [{ ...sourceRecord('cluster/daemonsets.json'), ...extra } as SourceRecord] },
      });
    // troubleshoot listed every namespace of the cluster (the converter found none missing): no `partial`
    expect(comp(rec({ namespaces: ['default', 'kube-system'] }), 'kube-proxy')).toMatchObject({
      value: 'absent',
      path: 'cluster/daemonsets.json',
    });
    expect(
      comp(rec({ namespaces: ['kube-system'], partial: 'namespaces kube-system only; not web' }), 'kube-proxy'),
    ).toMatchObject({ value: 'absent' });
    // flannel may live in kube-flannel: a kube-system-only list does not show it missing
    expect(
      comp(rec({ namespaces: ['kube-system'], partial: 'namespaces kube-system only; not kube-flannel' }), 'flannel'),
    ).toBeUndefined();
    // an Insights archive: a selection of objects
    expect(comp(rec({ partial: 'a selection of objects' }), 'kube-proxy')).toBeUndefined();
  });

  it("a journal of only `-- No entries --` shows no unit running (capture charmed-k8s-hotsos: kube-proxy.log empty, the snap's journal not)", () => {
    const empty =
      '-- Logs begin at Fri 2022-02-11 18:58:10 UTC, end at Fri 2022-02-11 19:23:41 UTC. --\n-- No entries --\n';
    expect(comp(files({ 'host/journal/kube-proxy.log': empty }), 'kube-proxy')).toBeUndefined();
    expect(comp(files({ 'host/journal/flanneld.log': empty }), 'flannel')).toBeUndefined();
    const snap = files({
      'host/journal/kube-proxy.log': empty,
      'host/journal/snap.kube-proxy.daemon.log': `-- Logs begin at Fri 2022-02-11 18:58:10 UTC. --\nFeb 11 19:00:01 n1 systemd[1]: Started Service for snap application kube-proxy.daemon.\n`,
    });
    expect(comp(snap, 'kube-proxy')).toEqual({
      value: 'snap',
      path: 'host/journal/snap.kube-proxy.daemon.log',
      pointer: undefined,
      line: 2,
    });
  });

  it('Charmed: snap.kube-proxy.daemon unit -> snap, citing the unit line', () => {
    const s = files({
      'host/systemd-units.txt':
        '/etc/systemd/system/snap.kubelet.daemon.service\n/etc/systemd/system/snap.kube-proxy.daemon.service\n',
      'cluster/daemonsets.json': kubeList([]),
    });
    expect(comp(s, 'kube-proxy')).toEqual({
      value: 'snap',
      path: 'host/systemd-units.txt',
      pointer: undefined,
      line: 2,
    });
  });

  it("Charmed flannel: flannel.service unit -> systemd; without the unit, a Charmed node's flannel lease -> systemd", () => {
    expect(
      comp(
        files({
          'host/systemd-units.txt':
            '/etc/systemd/system/snap.kubelet.daemon.service\n/lib/systemd/system/flannel.service\n',
        }),
        'flannel',
      ),
    ).toEqual({ value: 'systemd', path: 'host/systemd-units.txt', pointer: undefined, line: 2 });
    const s = files({
      'host/journal/snap.kube-proxy.daemon.log':
        '2024-01-15T10:00:00+0000 n1 kube-proxy.daemon[1]: I0115 10:00:00.000000 1 server.go:1] started\n',
      'host/flannel-subnet.env': 'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.33.1/24\n',
    });
    expect(comp(s, 'flannel')).toEqual({
      value: 'systemd',
      path: 'host/flannel-subnet.env',
      pointer: undefined,
      line: 1,
    });
  });

  it('microk8s: kubelite runs kube-proxy in-process (embedded); the pre-1.21 proxy daemon is a snap', () => {
    expect(
      comp(
        files({ 'host/systemd-units.txt': '/etc/systemd/system/snap.microk8s.daemon-kubelite.service\n' }),
        'kube-proxy',
      ),
    ).toMatchObject({ value: 'embedded', line: 1 });
    expect(
      comp(
        files({ 'host/systemd-units.txt': '/etc/systemd/system/snap.microk8s.daemon-proxy.service\n' }),
        'kube-proxy',
      ),
    ).toMatchObject({ value: 'snap', line: 1 });
  });

  it('CoreDNS as a Deployment; absent when the deployments list has none and no pod runs it', () => {
    const dep = deploymentJson({
      name: 'coredns',
      namespace: 'kube-system',
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1' }],
    });
    expect(comp(files({ 'cluster/deployments.json': kubeList([dep]) }), 'coredns')).toMatchObject({
      value: 'deployment',
      pointer: '/items/0/spec/template/spec/containers/0',
    });
    expect(
      comp(files({ 'cluster/deployments.json': kubeList([deploymentJson({ name: 'web' })]) }), 'coredns'),
    ).toMatchObject({ value: 'absent', path: 'cluster/deployments.json' });
  });

  it('no cluster lists, a flannel log read from /var/log/pods -> daemonset citing that log', () => {
    const s = files({
      'host/pod-logs/kube-flannel/kube-flannel-ds-9xq2z/kube-flannel.log':
        '2024-01-15T10:00:00Z stderr F I0115 10:00:00.000000 1 main.go:212] started\n',
    });
    expect(comp(s, 'flannel')).toMatchObject({
      value: 'daemonset',
      path: 'host/pod-logs/kube-flannel/kube-flannel-ds-9xq2z/kube-flannel.log',
    });
    expect(s.cluster.logs.get('kube-flannel/kube-flannel-ds-9xq2z/kube-flannel')?.value[0]).toMatchObject({
      level: 'info',
      time: '2024-01-15T10:00:00Z',
    });
  });
});
