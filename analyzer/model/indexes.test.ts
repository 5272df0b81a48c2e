import { describe, expect, it } from 'vitest';
import { endpointSliceJson, endpointsJson, kubeList, nodeJson, podJson, serviceJson, snapshotOf } from './testing.js';
import { podIPs } from './indexes.js';

const pods = [
  podJson({ name: 'web-1', namespace: 'shop', node: 'w1', ip: '10.244.1.5', labels: { app: 'web', tier: 'fe' } }),
  podJson({ name: 'web-2', namespace: 'shop', node: 'w2', ip: '10.244.2.5', labels: { app: 'web', tier: 'fe' } }),
  podJson({ name: 'web-old', namespace: 'shop', node: 'w2', ip: '10.244.2.9', labels: { app: 'web', tier: 'be' } }),
  podJson({
    name: 'web-other-ns',
    namespace: 'default',
    node: 'w1',
    ip: '10.244.1.6',
    labels: { app: 'web', tier: 'fe' },
  }),
  podJson({ name: 'done', namespace: 'shop', node: 'w1', ip: '10.244.1.7', phase: 'Succeeded', labels: {} }),
  podJson({ name: 'reuser', namespace: 'shop', node: 'w1', ip: '10.244.1.7', labels: {} }),
  podJson({
    name: 'kube-proxy-abcde',
    namespace: 'kube-system',
    node: 'w1',
    hostNetwork: true,
    hostIP: '192.168.56.11',
    labels: { 'k8s-app': 'kube-proxy' },
  }),
];

const s = snapshotOf({
  files: {
    'cluster/nodes.json': kubeList([nodeJson({ name: 'w1' }), nodeJson({ name: 'w2', podCIDR: '10.244.2.0/24' })]),
    'cluster/pods.json': kubeList(pods),
    'cluster/services.json': kubeList([
      serviceJson({ name: 'web', namespace: 'shop', clusterIP: '10.96.7.7', selector: { app: 'web', tier: 'fe' } }),
      serviceJson({ name: 'ext', namespace: 'shop', clusterIP: '10.96.7.8', selector: null }),
      serviceJson({ name: 'headless', namespace: 'shop', clusterIP: 'None', selector: { app: 'nothing' } }),
    ]),
    'cluster/endpoints.json': kubeList([
      endpointsJson({ name: 'web', namespace: 'shop', ready: ['10.244.1.5', '10.244.2.5'] }),
    ]),
    'cluster/endpointslices.json': kubeList([
      endpointSliceJson({ name: 'web', namespace: 'shop', ready: ['10.244.1.5'], sliceName: 'web-aaaaa' }),
      endpointSliceJson({ name: 'web', namespace: 'shop', ready: ['10.244.2.5'], sliceName: 'web-bbbbb' }),
    ]),
  },
});

describe('indexes', () => {
  it('podsSelectedBy matches every selector label, same namespace only', () => {
    expect(s.index.podsSelectedBy('shop/web').map((p) => p.obj.metadata.name)).toEqual(['web-1', 'web-2']);
  });

  it('podsSelectedBy is empty for selector-less and unknown services', () => {
    expect(s.index.podsSelectedBy('shop/ext')).toEqual([]);
    expect(s.index.podsSelectedBy('shop/headless')).toEqual([]);
    expect(s.index.podsSelectedBy('nope/nope')).toEqual([]);
  });

  it('pod by IP: the running pod owns a reused IP; hostNetwork pods are not indexed', () => {
    expect(s.index.podByIP.get('10.244.1.7')?.obj.metadata.name).toBe('reuser');
    expect(s.index.podByIP.get('10.244.2.5')?.ref.pointer).toBe('/items/1');
    expect(s.index.podByIP.has('192.168.56.11')).toBe(false);
  });

  it('pods by node', () => {
    expect(s.index.podsByNode.get('w2')?.map((p) => p.obj.metadata.name)).toEqual(['web-2', 'web-old']);
    expect(s.index.podsByNode.get('w1')).toHaveLength(5);
  });

  it('services by ClusterIP (not headless) and by ns/name', () => {
    expect(s.index.serviceByClusterIP.get('10.96.7.7')?.obj.metadata.name).toBe('web');
    expect(s.index.serviceByClusterIP.has('None')).toBe(false);
    expect(s.index.serviceByName.get('shop/headless')?.ref.pointer).toBe('/items/2');
  });

  it('endpoints and endpoint slices by service', () => {
    expect(s.index.endpointsByService.get('shop/web')?.obj.subsets?.[0]?.addresses).toHaveLength(2);
    expect(s.index.endpointSlicesByService.get('shop/web')?.map((e) => e.obj.metadata.name)).toEqual([
      'web-aaaaa',
      'web-bbbbb',
    ]);
  });

  it('node by name', () => {
    expect(s.index.nodeByName.get('w2')?.obj.spec?.podCIDR).toBe('10.244.2.0/24');
  });

  it('an empty cluster has empty indexes', () => {
    const e = snapshotOf({ files: {} });
    expect(e.index.podByIP.size).toBe(0);
    expect(e.index.podsSelectedBy('a/b')).toEqual([]);
  });
});

describe('podIPs', () => {
  // the shortcuts for zero or one podIPs entry give what the general case (a Set of podIPs then podIP) gives
  const general = (podIPsList: { ip: string }[] | undefined, podIP: string | undefined): string[] => [
    ...new Set([...(podIPsList ?? []).map((p) => p.ip), ...(podIP ? [podIP] : [])]),
  ];
  it.each([
    [undefined, undefined],
    [undefined, '10.244.1.5'],
    [undefined, ''],
    [[], '10.244.1.5'],
    [[{ ip: '10.244.1.5' }], '10.244.1.5'],
    [[{ ip: '10.244.1.5' }], undefined],
    [[{ ip: '10.244.1.5' }], ''],
    [[{ ip: '10.244.1.5' }], '10.244.1.6'],
    [[{ ip: '10.244.1.5' }, { ip: 'fd00::5' }], '10.244.1.5'],
    [[{ ip: '10.244.1.5' }, { ip: '10.244.1.5' }], 'fd00::5'],
  ])('podIPs %j podIP %j', (list, ip) => {
    const pod = {
      metadata: { name: 'p' },
      status: { ...(list ? { podIPs: list } : {}), ...(ip !== undefined ? { podIP: ip } : {}) },
    };
    expect(podIPs(pod as Parameters<typeof podIPs>[0])).toEqual(general(list, ip));
  });
});
