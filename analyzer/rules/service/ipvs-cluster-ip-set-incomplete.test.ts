import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleTester } from '../testing.js';
import { kubeList, serviceJson, snapshotOf } from '../../model/testing.js';
import { ipvsClusterIpSetIncomplete } from './ipvs-cluster-ip-set-incomplete.js';

// real captures (fixtures/reference/ipvs/README.md): ipset list [I4] and [I5] (protocol numbers)
const ref = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/reference/ipvs/${name}`, import.meta.url)), 'utf8');
const IPSET = ref('ipset-list.txt');
const IPSET_NUMERIC = ref('ipset-list-numeric-proto.txt');

const HEAD =
  'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
const vs = (proto: string, vip: string, ...reals: string[]) =>
  `${proto}  ${vip} rr\n${reals.map((r) => `  -> ${r.padEnd(28)}Masq    1      0          0\n`).join('')}`;
// the [I4] cluster's Services as virtual services, plus a NodePort on the node address (not a ClusterIP)
const IPVSADM =
  HEAD +
  vs('TCP', '10.96.0.1:443', '10.0.0.100:6443') +
  vs('TCP', '10.96.0.10:53', '172.17.0.2:53') +
  vs('TCP', '10.96.0.10:9153', '172.17.0.2:9153') +
  vs('TCP', '10.97.181.101:80', '172.17.0.3:8000') +
  vs('TCP', '192.168.56.11:30080', '172.17.0.3:8000') +
  vs('UDP', '10.96.0.10:53', '172.17.0.2:53');

const SERVICES = kubeList([
  serviceJson({ name: 'kubernetes', clusterIP: '10.96.0.1', ports: [{ port: 443, name: 'https' }] }),
  serviceJson({
    name: 'kube-dns',
    namespace: 'kube-system',
    clusterIP: '10.96.0.10',
    ports: [
      { port: 53, protocol: 'UDP', name: 'dns' },
      { port: 53, name: 'dns-tcp' },
      { port: 9153, name: 'metrics' },
    ],
  }),
  serviceJson({ name: 'web', clusterIP: '10.97.181.101', ports: [{ port: 80, nodePort: 30080 }], type: 'NodePort' }),
]);

const node = (files: Record<string, string | object>) => snapshotOf({ node: 'worker-1', files });
const full = (over: Record<string, string | object> = {}) =>
  node({
    'host/ipvsadm.txt': IPVSADM,
    'host/ipset-members.txt': IPSET,
    'cluster/services.json': SERVICES,
    ...over,
  });

ruleTester(ipvsClusterIpSetIncomplete).run({
  valid: [
    {
      name: 'iptables-mode node: no virtual services, nothing to judge',
      snapshot: () => node({ 'cluster/services.json': SERVICES }),
    },
  ],
  invalid: [
    {
      name: 'every ClusterIP virtual service is in KUBE-CLUSTER-IP (real capture [I4]); the NodePort VS is not a ClusterIP',
      snapshot: () => full(),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'complete', data: { count: 5 } }],
    },
    {
      name: 'protocol numbers in the listing (real capture [I5]) read as names',
      snapshot: () =>
        full({
          'host/ipset-members.txt': IPSET_NUMERIC,
          'host/ipvsadm.txt':
            HEAD + vs('UDP', '10.96.0.10:53', '10.244.0.6:53') + vs('TCP', '10.96.0.1:443', '10.0.0.100:6443'),
        }),
      findings: [{ status: 'pass', subject: 'node:worker-1', messageId: 'complete', data: { count: 2 } }],
    },
    {
      name: "a Service port's member deleted from the set: that Service fails on that node",
      snapshot: () =>
        full({
          'host/ipset-members.txt': IPSET.replace('10.97.181.101,tcp:80\n', '').replace(
            'Number of entries: 5',
            'Number of entries: 4',
          ),
        }),
      findings: [
        {
          status: 'fail',
          subject: 'service:default/web@worker-1',
          messageId: 'missing',
          data: { ports: '80/tcp' },
          // the Service object decided which virtual service is a ClusterIP: dropping services.json loses the fail
          cites: ['host/ipvsadm.txt:', 'host/ipset-members.txt:1', 'cluster/services.json#/items/2/spec/clusterIP'],
        },
      ],
    },
    {
      name: 'the same port, other protocol: UDP 53 in the set does not stand for TCP 53',
      snapshot: () =>
        full({
          'host/ipset-members.txt': IPSET.replace('10.96.0.10,tcp:53\n', '').replace(
            'Number of entries: 5',
            'Number of entries: 4',
          ),
        }),
      findings: [{ status: 'fail', subject: 'service:kube-system/kube-dns@worker-1', data: { ports: '53/tcp' } }],
    },
    {
      name: 'ipset list -n only (names, no members): unknown',
      snapshot: () => full({ 'host/ipset-members.txt': 'KUBE-CLUSTER-IP\nKUBE-LOOP-BACK\n' }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.ipset-members'] }],
    },
    {
      name: 'members not collected: unknown',
      snapshot: () => node({ 'host/ipvsadm.txt': IPVSADM, 'cluster/services.json': SERVICES }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['host.ipset-members'] }],
    },
    {
      name: 'no Service list: unknown (which virtual service is a ClusterIP is not known)',
      snapshot: () => node({ 'host/ipvsadm.txt': IPVSADM, 'host/ipset-members.txt': IPSET }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', missing: ['cluster.services'] }],
    },
    {
      name: 'virtual services, none for a Service ClusterIP: unknown',
      snapshot: () => full({ 'host/ipvsadm.txt': HEAD + vs('TCP', '192.168.56.11:30080', '172.17.0.3:8000') }),
      findings: [{ status: 'unknown', subject: 'node:worker-1', messageId: 'noVirtualServices' }],
    },
  ],
});
