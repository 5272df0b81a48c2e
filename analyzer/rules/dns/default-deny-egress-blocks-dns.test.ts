import { ruleTester } from '../testing.js';
import { defaultDenyEgressBlocksDns, MAX_GROUPS } from './default-deny-egress-blocks-dns.js';
import { dnsFiles } from './testing.js';
import { daemonSetJson, kubeList, podJson, snapshotOf } from '../../model/testing.js';
import { namespaceJson, networkPolicyJson } from '../../model/network-policy-testing.js';

const CALICO = daemonSetJson({
  name: 'calico-node',
  containers: [{ name: 'calico-node', image: 'docker.io/calico/node:v3.28.0' }],
});
const FLANNEL = daemonSetJson({
  name: 'kube-flannel-ds',
  namespace: 'kube-flannel',
  labels: { app: 'flannel' },
  containers: [{ name: 'kube-flannel', image: 'ghcr.io/flannel-io/flannel:v0.25.1' }],
});
const DENY_EGRESS = networkPolicyJson({ name: 'default-deny-egress', namespace: 'shop', policyTypes: ['Egress'] });
const TO_COREDNS = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};
const DNS_PORTS = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];
const allowDns = (to: object[], ports: object[] = DNS_PORTS) =>
  networkPolicyJson({ name: 'allow-dns', namespace: 'shop', policyTypes: ['Egress'], egress: [{ to, ports }] });

function cluster(policies: object[] | undefined, o: { daemonsets?: object[]; namespaces?: object[] } = {}) {
  const base = dnsFiles();
  const pods = (base['cluster/pods.json'] as { items: object[] }).items;
  const files: Record<string, string | object> = {
    ...base,
    'cluster/pods.json': kubeList([
      ...pods,
      podJson({ name: 'cart-7d9f', namespace: 'shop', node: 'worker-1', ip: '10.244.1.7', labels: { app: 'cart' } }),
      podJson({ name: 'cart-8x2k', namespace: 'shop', node: 'cp-1', ip: '10.244.0.7', labels: { app: 'cart' } }),
      podJson({ name: 'web-1', namespace: 'default', node: 'worker-1', ip: '10.244.1.8', labels: { app: 'web' } }),
    ]),
    'cluster/daemonsets.json': kubeList(o.daemonsets ?? [CALICO]),
  };
  if (policies) files['cluster/networkpolicies.json'] = kubeList(policies);
  if (o.namespaces) files['cluster/namespaces.json'] = kubeList(o.namespaces);
  return () => snapshotOf({ node: 'cp-1', files });
}

const CART = 'pod:shop/cart-7d9f';

// MAX_GROUPS: pods alike (same namespace and labels) are judged once; at exactly MAX_GROUPS groups all
// are checked, one more and the rule says how many it left unchecked
const manyGroups = (n: number) => {
  const base = dnsFiles();
  const pods = (base['cluster/pods.json'] as { items: object[] }).items;
  const many = Array.from({ length: n }, (_, i) =>
    podJson({
      name: `job-${i}`,
      namespace: 'shop',
      node: 'worker-1',
      ip: `10.244.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
      labels: { job: String(i) },
    }),
  );
  return () =>
    snapshotOf({
      node: 'cp-1',
      files: {
        ...base,
        'cluster/pods.json': kubeList([...pods, ...many]),
        'cluster/daemonsets.json': kubeList([CALICO]),
        'cluster/networkpolicies.json': kubeList([DENY_EGRESS]),
      },
    });
};

ruleTester(defaultDenyEgressBlocksDns).run({
  valid: [
    { name: 'no NetworkPolicy at all', snapshot: cluster([]) },
    {
      name: 'default deny egress with the DNS exception to the CoreDNS pods',
      snapshot: cluster([DENY_EGRESS, allowDns([TO_COREDNS])]),
    },
    {
      name: 'DNS exception by ipBlock around the CoreDNS pod addresses (what the policy sees after DNAT)',
      snapshot: cluster([DENY_EGRESS, allowDns([{ ipBlock: { cidr: '10.244.0.0/16' } }])]),
    },
  ],
  invalid: [
    {
      name: 'default deny egress without a DNS exception: both shop pods lose DNS',
      snapshot: cluster([DENY_EGRESS]),
      findings: [
        {
          status: 'fail',
          subject: CART,
          messageId: 'blocked',
          data: { namespace: 'shop', pods: 2, policies: 'shop/default-deny-egress' },
          // every file it decided from: the policy, the pod it selects, the kube-dns Service naming CoreDNS
          cites: [
            'cluster/networkpolicies.json#/items/0/spec',
            'cluster/pods.json#/items/',
            'cluster/services.json#/items/',
          ],
        },
      ],
    },
    {
      name: 'the classic failed fix: an ipBlock around the kube-dns ClusterIP',
      snapshot: cluster([DENY_EGRESS, allowDns([{ ipBlock: { cidr: '10.96.0.10/32' } }])]),
      findings: [
        {
          status: 'fail',
          subject: CART,
          messageId: 'blocked-clusterip',
          data: { clusterIP: '10.96.0.10' },
          cites: ['cluster/networkpolicies.json#/items/1/spec/egress/0/to/0/ipBlock'],
        },
      ],
    },
    {
      name: 'DNS allowed to one of the two CoreDNS pods only',
      snapshot: cluster([DENY_EGRESS, allowDns([{ ipBlock: { cidr: '10.244.0.2/32' } }])]),
      findings: [{ status: 'warn', subject: CART, messageId: 'partial', data: { allowed: 1, endpoints: 2 } }],
    },
    {
      name: 'DNS allowed over UDP only',
      snapshot: cluster([DENY_EGRESS, allowDns([TO_COREDNS], [{ protocol: 'UDP', port: 53 }])]),
      findings: [{ status: 'warn', subject: CART, messageId: 'tcp-blocked' }],
    },
    {
      name: 'flannel alone: the policy would block DNS but nothing enforces it',
      snapshot: cluster([DENY_EGRESS], { daemonsets: [FLANNEL] }),
      findings: [
        {
          status: 'warn',
          subject: CART,
          messageId: 'not-enforced',
          cites: ['cluster/networkpolicies.json#/items/0/spec', 'cluster/daemonsets.json'],
        },
      ],
    },
    {
      name: 'policies not collected',
      snapshot: cluster(undefined),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.networkpolicies'] }],
    },
    {
      name: 'who enforces policy is unknown (no DaemonSets collected)',
      snapshot: () => {
        const s = cluster([DENY_EGRESS], { daemonsets: [] })();
        return s;
      },
      findings: [{ status: 'unknown', subject: CART, missing: ['cluster.daemonsets'] }],
    },
    {
      name: 'a namespaceSelector on a label of a namespace that was not collected',
      snapshot: cluster([
        DENY_EGRESS,
        allowDns([{ namespaceSelector: { matchLabels: { team: 'platform' } }, podSelector: TO_COREDNS.podSelector }]),
      ]),
      findings: [{ status: 'unknown', subject: CART, messageId: 'undetermined', missing: ['cluster.namespaces'] }],
    },
    {
      name: '...and decided once the namespaces were collected',
      snapshot: cluster(
        [
          DENY_EGRESS,
          allowDns([{ namespaceSelector: { matchLabels: { team: 'platform' } }, podSelector: TO_COREDNS.podSelector }]),
        ],
        { namespaces: [namespaceJson('kube-system'), namespaceJson('shop')] },
      ),
      findings: [{ status: 'fail', subject: CART, messageId: 'blocked' }],
    },
    {
      name: `exactly MAX_GROUPS (${MAX_GROUPS}) groups: all checked`,
      snapshot: manyGroups(MAX_GROUPS),
      findings: [{ status: 'fail', subject: 'pod:shop/job-0', messageId: 'blocked', data: { pods: MAX_GROUPS } }],
    },
    {
      name: 'one group more: the rule says what it did not check',
      snapshot: manyGroups(MAX_GROUPS + 1),
      findings: [
        { status: 'fail', subject: 'pod:shop/job-0', messageId: 'blocked', data: { pods: MAX_GROUPS } },
        { status: 'warn', subject: 'cluster', messageId: 'too-many', data: { checked: MAX_GROUPS, skipped: 1 } },
      ],
    },
  ],
});
