import { describe, expect, it } from 'vitest';
import { kubeList, nodeJson, podJson, snapshotOf, sourceRecord } from '../../model/testing.js';
import { flannelConfigMap, reference } from '../lib/host-testing.js';
import { flannelLogs, flannelPresence, unlessFlannel } from './flannel-presence.js';

const k3sNode = {
  ...(nodeJson({ name: 'k3s-1', podCIDR: '10.42.0.0/24' }) as Record<string, unknown>),
  metadata: {
    name: 'k3s-1',
    annotations: { 'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"aa:bb:cc:dd:ee:ff"}' },
  },
  status: { nodeInfo: { kubeletVersion: 'v1.30.5+k3s1' } },
};
const plainNode = nodeJson({ name: 'cp-1' });
const paths = (p: ReturnType<typeof flannelPresence>) =>
  p.evidence.map((e) => `${e.path}${e.pointer ?? ''}${e.line !== undefined ? `:${e.line}` : ''}`);

describe('flannelPresence', () => {
  it('k3s: the Node annotation shows embedded flannel although no flannel pod exists', () => {
    const p = flannelPresence(
      snapshotOf({
        node: 'k3s-1',
        files: { 'cluster/nodes.json': kubeList([k3sNode]), 'cluster/pods.json': kubeList([]) },
      }),
    );
    expect([p.state, p.style]).toEqual(['in-use', 'embedded']);
    expect(paths(p)).toContain(
      'cluster/nodes.json/items/0/metadata/annotations/flannel.alpha.coreos.com~1backend-data',
    );
  });

  it('k3s started with --flannel-backend none: absent, although an old flannel annotation is left on the node (k3s-io/k3s#3932)', () => {
    const node = {
      ...k3sNode,
      metadata: {
        name: 'k3s-1',
        annotations: {
          ...k3sNode.metadata.annotations,
          'k3s.io/node-args': '["server","--disable","traefik","--flannel-backend","none"]',
        },
      },
    };
    const p = flannelPresence(
      snapshotOf({
        node: 'k3s-1',
        files: { 'cluster/nodes.json': kubeList([node]), 'cluster/pods.json': kubeList([]) },
      }),
    );
    expect(p.state).toBe('absent');
    expect(p.basis.map((b) => b.path)).toEqual(['cluster/nodes.json']);
  });

  it('a host-only bundle with subnet.env, flannel.1 and a flannel CNI config', () => {
    const p = flannelPresence(
      snapshotOf({
        node: 'worker-1',
        files: {
          'host/flannel-subnet.env': 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\n',
          'host/ip-addr.json': reference('ip-j-d-addr.json'),
          'host/cni/10-flannel.conf':
            '{\n  "name": "cbr0",\n  "type": "flannel",\n  "delegate": {"isDefaultGateway": true}\n}\n',
        },
      }),
    );
    expect([p.state, p.style]).toEqual(['in-use', 'unknown']);
    expect(paths(p)).toEqual([
      'host/flannel-subnet.env:1',
      'host/ip-addr.json/6/ifname',
      'host/cni/10-flannel.conf/type',
    ]);
  });

  it('a flanneld journal makes it a systemd flanneld; a k3s journal with flannel lines makes it embedded', () => {
    const flanneld = flannelPresence(
      snapshotOf({
        node: 'worker-1',
        files: {
          'host/journal/flanneld.log':
            'May 05 10:00:00 worker-1 flanneld[811]: I0505 10:00:00.000000     811 main.go:390] Running backend.\n',
        },
      }),
    );
    expect([flanneld.state, flanneld.style]).toEqual(['in-use', 'systemd']);
    const k3s = flannelPresence(
      snapshotOf({
        node: 'k3s-1',
        files: {
          'host/journal/k3s.log':
            'Nov 17 15:28:57 k3s-1 k3s[3423]: time="2025-11-17T15:28:57Z" level=info msg="Running flannel backend."\n',
        },
      }),
    );
    expect([k3s.state, k3s.style]).toEqual(['in-use', 'embedded']);
  });

  it('a flannel pod makes it a DaemonSet, whatever else shows', () => {
    const pod = podJson({
      name: 'kube-flannel-ds-abcde',
      namespace: 'kube-flannel',
      node: 'cp-1',
      labels: { app: 'flannel' },
      containers: [{ name: 'kube-flannel' }],
    });
    const p = flannelPresence(
      snapshotOf({
        node: 'cp-1',
        files: {
          'cluster/pods.json': kubeList([pod]),
          'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': flannelConfigMap(),
        },
      }),
    );
    expect([p.state, p.style]).toEqual(['in-use', 'daemonset']);
  });

  it('absent only with a pod list AND a place the embedded signs would show', () => {
    const absent = snapshotOf({
      node: 'cp-1',
      files: { 'cluster/pods.json': kubeList([]), 'cluster/nodes.json': kubeList([plainNode]) },
    });
    expect(flannelPresence(absent).state).toBe('absent');
    expect(unlessFlannel(absent)).toEqual([
      {
        status: 'pass',
        subject: { kind: 'cluster', name: '' },
        messageId: 'notUsed',
        basis: [
          { bundle: expect.any(String), path: 'cluster/pods.json' },
          { bundle: expect.any(String), path: 'cluster/nodes.json' },
        ],
      },
    ]);
    const podsOnly = flannelPresence(snapshotOf({ node: 'cp-1', files: { 'cluster/pods.json': kubeList([]) } }));
    expect([podsOnly.state, podsOnly.missing]).toEqual(['unknown', ['cluster.nodes']]);
    const nothing = flannelPresence(snapshotOf({ node: 'cp-1', files: { 'host/uname.txt': 'Linux\n' } }));
    expect([nothing.state, nothing.missing]).toEqual(['unknown', ['cluster.pods', 'cluster.nodes']]);
  });

  it('no flannel in lists of other namespaces or a selection of pods is no absence: unknown naming the partial list', () => {
    const lists = {
      'cluster/pods.json': kubeList([]),
      'cluster/daemonsets.json': kubeList([]),
      'cluster/nodes.json': kubeList([plainNode]),
    };
    // capture k8s-snap-sunbeam-hotsos: sos's `kubectl get --namespace openstack` lists
    const sos = { namespaces: ['openstack'], partial: 'namespaces openstack only; not kube-system' };
    const sunbeam = snapshotOf({
      node: 'cp-1',
      files: lists,
      manifest: {
        sources: [
          { ...sourceRecord('cluster/pods.json'), ...sos },
          { ...sourceRecord('cluster/daemonsets.json'), ...sos },
          sourceRecord('cluster/nodes.json'),
        ],
      },
    });
    const p = flannelPresence(sunbeam);
    expect([p.state, p.partial?.list.path, p.partial?.partial]).toEqual(['unknown', 'cluster/pods.json', sos.partial]);
    expect(unlessFlannel(sunbeam)).toEqual([
      {
        status: 'unknown',
        subject: { kind: 'cluster', name: '' },
        messageId: 'partial-list',
        data: { list: 'cluster/pods.json', partial: sos.partial },
        missing: ['cluster.pods'],
        evidence: [expect.objectContaining({ path: 'manifest.json', pointer: '/sources/0/partial' })],
      },
    ]);
    // one complete list is enough: the daemonsets list of every namespace shows no flannel
    const oneWhole = snapshotOf({
      node: 'cp-1',
      files: lists,
      manifest: {
        sources: [
          { ...sourceRecord('cluster/pods.json'), ...sos },
          sourceRecord('cluster/daemonsets.json'),
          sourceRecord('cluster/nodes.json'),
        ],
      },
    });
    expect([flannelPresence(oneWhole).state, flannelPresence(oneWhole).basis.map((b) => b.path)]).toEqual([
      'absent',
      ['cluster/daemonsets.json'],
    ]);
    // a partial list that names the namespaces flannel lives in still shows its absence
    const flannelNs = {
      namespaces: ['kube-flannel', 'kube-system'],
      partial: 'namespaces kube-flannel, kube-system only; not web',
    };
    const covering = snapshotOf({
      node: 'cp-1',
      files: { 'cluster/pods.json': kubeList([]), 'cluster/nodes.json': kubeList([plainNode]) },
      manifest: {
        sources: [{ ...sourceRecord('cluster/pods.json'), ...flannelNs }, sourceRecord('cluster/nodes.json')],
      },
    });
    expect(flannelPresence(covering).state).toBe('absent');
  });
});

describe('flannelLogs', () => {
  it('each log on the node of its own pod (namespace and name), in key order', () => {
    const s = snapshotOf({
      node: 'cp-1',
      files: {
        'cluster/nodes.json': kubeList([plainNode, nodeJson({ name: 'w1' }), nodeJson({ name: 'w2' })]),
        'cluster/pods.json': kubeList([
          // the same name in another namespace, and a second pod of one name: the first in the log's namespace counts
          podJson({ name: 'kube-flannel-ds-aaaaa', namespace: 'other', node: 'w2', ip: '10.244.2.9' }),
          podJson({ name: 'kube-flannel-ds-aaaaa', namespace: 'kube-flannel', node: 'w1', ip: '10.244.1.9' }),
          podJson({ name: 'kube-flannel-ds-aaaaa', namespace: 'kube-flannel', node: 'w2', ip: '10.244.2.8' }),
          podJson({ name: 'kube-flannel-ds-bbbbb', namespace: 'kube-flannel', node: 'w2', ip: '10.244.2.7' }),
          podJson({ name: 'web', namespace: 'default', node: 'w2', ip: '10.244.2.6' }),
        ]),
        'cluster/logs/kube-flannel/kube-flannel-ds-bbbbb/kube-flannel.log': 'I1113 09:30:05.007242 1 main.go:1] x\n',
        'cluster/logs/kube-flannel/kube-flannel-ds-aaaaa/kube-flannel.previous.log':
          'I1113 09:30:05.007242 1 main.go:1] x\n',
        'cluster/logs/default/web/web.log': 'hello\n',
      },
    });
    expect(flannelLogs(s).map((l) => `${l.key} ${l.node} ${l.namespace}/${l.pod} ${l.container}`)).toEqual([
      'kube-flannel/kube-flannel-ds-aaaaa/kube-flannel.previous w1 kube-flannel/kube-flannel-ds-aaaaa kube-flannel',
      'kube-flannel/kube-flannel-ds-bbbbb/kube-flannel w2 kube-flannel/kube-flannel-ds-bbbbb kube-flannel',
    ]);
  });
});
