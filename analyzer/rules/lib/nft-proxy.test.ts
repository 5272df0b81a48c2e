// SVC-303 in kube-proxy's nftables mode: the Service map and endpoint chains of a real `nft -j list
// ruleset` (kube-proxy's own TestOverallNFTablesRules ruleset, loaded and listed with nft 1.0.6:
// fixtures/reference/nft) against the EndpointSlices.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { configMapJson, endpointSliceJson, kubeList, serviceJson, snapshotOf } from '../../model/testing.js';
import { serviceRulesOutOfSync } from '../service/service-rules-out-of-sync.js';
import { reference } from './host-testing.js';

const NFT = readFileSync(
  fileURLToPath(new URL('../../../fixtures/reference/nft/kube-proxy-nftables.json', import.meta.url)),
  'utf8',
);
const NFT_CONF = configMapJson({
  name: 'kube-proxy',
  data: {
    'config.conf':
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nclusterCIDR: 10.0.0.0/8\nkind: KubeProxyConfiguration\nmode: nftables\n',
  },
});
// in the ruleset: ns1/svc1 172.30.0.41:80 -> 10.180.0.1:80; ns4/svc4 172.30.0.44:80 -> 10.180.0.4:80, 10.180.0.5:80;
// ns6/svc6 172.30.0.46:80 in no-endpoint-services (reject)
const svc = (ns: string, name: string, clusterIP: string) =>
  serviceJson({ name, namespace: ns, clusterIP, ports: [{ name: 'p80', port: 80, targetPort: 80 }] });
const slice = (ns: string, name: string, ...ready: string[]) =>
  endpointSliceJson({ name, namespace: ns, ready, ports: [{ name: 'p80', port: 80 }] });

const node = (slices: object[], nft = true) =>
  snapshotOf({
    node: 'worker-1',
    files: {
      // the node's iptables holds flannel's rules only (kube-proxy runs nftables)
      'host/iptables-save.txt': reference('iptables-save-nft.txt')
        .split('\n')
        .filter((l) => !/KUBE-/.test(l))
        .join('\n'),
      ...(nft ? { 'host/nft-ruleset.json': NFT } : {}),
      'cluster/configmaps/kube-system/kube-proxy.json': NFT_CONF,
      'cluster/services.json': kubeList([
        svc('ns1', 'svc1', '172.30.0.41'),
        svc('ns4', 'svc4', '172.30.0.44'),
        svc('ns6', 'svc6', '172.30.0.46'),
      ]),
      'cluster/endpointslices.json': kubeList(slices),
    },
  });

ruleTester(serviceRulesOutOfSync).run({
  valid: [
    {
      name: 'nftables: the endpoint chains match the ready endpoints',
      snapshot: () =>
        node([
          slice('ns1', 'svc1', '10.180.0.1'),
          slice('ns4', 'svc4', '10.180.0.4', '10.180.0.5'),
          slice('ns6', 'svc6'),
        ]),
    },
  ],
  invalid: [
    {
      name: 'nftables: an endpoint chain DNATs to a pod that is no longer ready',
      snapshot: () =>
        node([
          slice('ns1', 'svc1', '10.180.0.1'),
          slice('ns4', 'svc4', '10.180.0.4', '10.180.0.6'),
          slice('ns6', 'svc6'),
        ]),
      findings: [
        {
          status: 'fail',
          subject: 'service:ns4/svc4@worker-1',
          messageId: 'stale',
          data: { ports: 'p80', mode: 'nftables' },
          cites: ['cluster/endpointslices.json#/items/1', 'host/nft-ruleset.json#/nftables/'],
        },
      ],
    },
    {
      name: 'nftables: a Service with a ready endpoint is still in no-endpoint-services',
      snapshot: () =>
        node([
          slice('ns1', 'svc1', '10.180.0.1'),
          slice('ns4', 'svc4', '10.180.0.4', '10.180.0.5'),
          slice('ns6', 'svc6', '10.180.0.9'),
        ]),
      findings: [
        {
          status: 'fail',
          subject: 'service:ns6/svc6@worker-1',
          messageId: 'missing',
          data: { ports: 'p80', mode: 'nftables' },
          cites: ['host/nft-ruleset.json#/nftables/6/map/elem/2'],
        },
      ],
    },
    {
      name: 'nftables: a Service absent from the service map',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'host/nft-ruleset.json': NFT,
            'cluster/configmaps/kube-system/kube-proxy.json': NFT_CONF,
            'cluster/services.json': kubeList([svc('ns9', 'late', '172.30.0.99')]),
            'cluster/endpointslices.json': kubeList([slice('ns9', 'late', '10.180.0.7')]),
          },
        }),
      findings: [
        {
          status: 'fail',
          subject: 'service:ns9/late@worker-1',
          messageId: 'missing',
          cites: ['host/nft-ruleset.json#/nftables/7/map/name'],
        },
      ],
    },
    {
      name: 'nftables: no Services list, so no ClusterIPs to look up: unknown per Service',
      snapshot: () =>
        snapshotOf({
          node: 'worker-1',
          files: {
            'host/nft-ruleset.json': NFT,
            'cluster/configmaps/kube-system/kube-proxy.json': NFT_CONF,
            'cluster/endpointslices.json': kubeList([slice('ns1', 'svc1', '10.180.0.1')]),
          },
        }),
      findings: [{ status: 'unknown', subject: 'service:ns1/svc1@worker-1', missing: ['cluster.services'] }],
    },
    {
      name: 'nftables mode without the nft listing: unknown',
      snapshot: () => node([slice('ns1', 'svc1', '10.180.0.1')], false),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.nft-ruleset-json'] }],
    },
  ],
});
