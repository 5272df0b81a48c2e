import { ruleTester } from '../testing.js';
import { configMapJson, endpointSliceJson, kubeList, serviceJson, snapshotOf } from '../../model/testing.js';
import { capturedNode, clusterFiles } from '../lib/host-testing.js';
import { serviceRulesOutOfSync } from './service-rules-out-of-sync.js';

// the captured iptables-save programs kube-system/kube-dns:dns -> 10.244.0.2:53, 10.244.1.2:53
// and rejects default/web:http as having no endpoints
const kubeDns = serviceJson({
  name: 'kube-dns',
  namespace: 'kube-system',
  clusterIP: '10.96.0.10',
  selector: { 'k8s-app': 'kube-dns' },
  ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }],
});
const web = serviceJson({
  name: 'web',
  clusterIP: '10.96.0.99',
  ports: [{ name: 'http', port: 80, targetPort: 8080 }],
});
const dnsSlice = (...ips: string[]) =>
  endpointSliceJson({
    name: 'kube-dns',
    namespace: 'kube-system',
    ready: ips,
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
  });
const webSlice = (...ips: string[]) =>
  endpointSliceJson({ name: 'web', ready: ips, ports: [{ name: 'http', port: 8080 }] });

const IPVS_CONF = configMapJson({
  name: 'kube-proxy',
  data: {
    'config.conf':
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nclusterCIDR: 10.244.0.0/16\nkind: KubeProxyConfiguration\nmode: ipvs\n',
  },
});
// `ipvsadm -Ln` in the shape of /work/shared/reference/03 [I1]
const IPVSADM = (real: string) =>
  [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    'UDP  10.96.0.10:53 rr',
    '  -> 10.244.0.2:53                Masq    1      0          0         ',
    `  -> ${real.padEnd(28)}Masq    1      0          0         `,
    '',
  ].join('\n');

const node = (slices: object[], ipvsadm?: string) =>
  snapshotOf(
    capturedNode(
      'worker-1',
      ipvsadm ? { 'host/ipvsadm.txt': ipvsadm } : {},
      clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], {
        'cluster/services.json': kubeList([kubeDns, web]),
        'cluster/endpointslices.json': kubeList(slices),
        ...(ipvsadm ? { 'cluster/configmaps/kube-system/kube-proxy.json': IPVS_CONF } : {}),
      }),
    ),
  );

ruleTester(serviceRulesOutOfSync).run({
  valid: [
    {
      name: 'kube-dns endpoints match, web has none (real capture)',
      snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.2'), webSlice()]),
    },
    {
      name: 'IPVS: real servers match the ready endpoints',
      snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.2'), webSlice()], IPVSADM('10.244.1.2:53')),
    },
  ],
  invalid: [
    {
      name: 'a CoreDNS pod moved: the rules still DNAT to the old IP',
      snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.7'), webSlice()]),
      findings: [
        {
          status: 'fail',
          subject: 'service:kube-system/kube-dns@worker-1',
          messageId: 'stale',
          data: { ports: 'dns' },
        },
      ],
    },
    {
      name: 'web got a ready endpoint, the node still rejects it',
      snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.2'), webSlice('10.244.1.5')]),
      findings: [
        {
          status: 'fail',
          subject: 'service:default/web@worker-1',
          messageId: 'missing',
          data: { ports: 'http' },
          cites: ['cluster/services.json#/items/1/spec/ports'],
        },
      ],
    },
    {
      name: 'IPVS: a real server that is no longer ready',
      snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.2'), webSlice()], IPVSADM('10.244.1.9:53')),
      findings: [
        {
          status: 'fail',
          subject: 'service:kube-system/kube-dns@worker-1',
          messageId: 'stale',
          data: { mode: 'ipvs' },
          cites: ['host/ipvsadm.txt:4', 'cluster/services.json#/items/0/spec/ports'],
        },
      ],
    },
    {
      name: 'IPVS: a Service with a ready endpoint and no virtual server cites the listing and the Service',
      snapshot: () => node([dnsSlice('10.244.0.2', '10.244.1.2'), webSlice('10.244.1.5')], IPVSADM('10.244.1.2:53')),
      findings: [
        {
          status: 'fail',
          subject: 'service:default/web@worker-1',
          messageId: 'missing',
          data: { mode: 'ipvs', ports: 'http' },
          // each file it decided from: dropping any of them is a lost verdict, not a silent one
          cites: [
            'cluster/endpointslices.json#/items/1/endpoints',
            'host/ipvsadm.txt:1',
            'cluster/services.json#/items/1/spec/ports',
          ],
        },
      ],
    },
    {
      name: 'no services list: the EndpointSlices name the Service, a stale DNAT still fails',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {},
            clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], {
              'cluster/endpointslices.json': kubeList([dnsSlice('10.244.0.2', '10.244.1.7'), webSlice()]),
            }),
          ),
        ),
      findings: [
        {
          status: 'fail',
          subject: 'service:kube-system/kube-dns@worker-1',
          messageId: 'stale',
          cites: ['cluster/endpointslices.json#/items/0/endpoints'],
        },
      ],
    },
    {
      name: 'no services list: a port without rules may be headless, so unknown (not missing)',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {},
            clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], {
              'cluster/endpointslices.json': kubeList([dnsSlice('10.244.0.2', '10.244.1.2'), webSlice('10.244.1.5')]),
            }),
          ),
        ),
      findings: [{ status: 'unknown', subject: 'service:default/web@worker-1', missing: ['cluster.services'] }],
    },
    {
      name: 'no services list: the slices agree with the rules',
      snapshot: () =>
        snapshotOf(
          capturedNode(
            'worker-1',
            {},
            clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }], {
              'cluster/endpointslices.json': kubeList([dnsSlice('10.244.0.2', '10.244.1.2')]),
            }),
          ),
        ),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'inSync', data: { count: 1 } }],
    },
    {
      name: 'no services list: unknown',
      snapshot: () => snapshotOf(capturedNode()),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.services'] }],
    },
  ],
});
