import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubeList, nodeJson, podJson, snapshotOf } from '../model/testing.js';
import { namespaceJson, networkPolicyJson } from '../model/network-policy-testing.js';
import type { Snapshot } from '../model/types.js';
import { endpointFor, evaluatePolicy, policyName, type DirectionDecision } from './policy.js';
import type { Proto } from './types.js';

const EXAMPLES = JSON.parse(
  readFileSync(
    new URL('../../fixtures/reference/network-policy/kubernetes-website-examples.json', import.meta.url),
    'utf8',
  ),
) as { items: object[] };

const PODS = [
  podJson({ name: 'db-0', ip: '10.244.1.10', node: 'worker-1', labels: { role: 'db' } }),
  podJson({ name: 'frontend-0', ip: '10.244.2.10', node: 'worker-2', labels: { role: 'frontend' } }),
  podJson({ name: 'other-0', ip: '10.244.2.11', node: 'worker-2', labels: { role: 'other' } }),
  podJson({ name: 'client', namespace: 'myproject', ip: '10.244.2.12', node: 'worker-2', labels: { app: 'c' } }),
  podJson({ name: 'api-0', namespace: 'prod', ip: '10.244.1.20', node: 'worker-1', labels: { app: 'api' } }),
  podJson({ name: 'cart-0', namespace: 'shop', ip: '10.244.1.30', node: 'worker-1', labels: { app: 'cart' } }),
  podJson({
    name: 'web-0',
    namespace: 'named',
    ip: '10.244.1.40',
    node: 'worker-1',
    labels: { app: 'web', tier: 'front' },
    containers: [{ name: 'web', ports: [{ containerPort: 8080, name: 'http' }] }],
  }),
];
const NODES = [
  nodeJson({ name: 'worker-1', internalIP: '192.168.56.11', podCIDR: '10.244.1.0/24' }),
  nodeJson({ name: 'worker-2', internalIP: '192.168.56.12', podCIDR: '10.244.2.0/24' }),
];

function snap(policies: readonly object[], namespaces?: readonly object[]): Snapshot {
  return snapshotOf({
    node: 'worker-1',
    files: {
      'cluster/pods.json': kubeList(PODS),
      'cluster/nodes.json': kubeList(NODES),
      'cluster/networkpolicies.json': kubeList(policies),
      ...(namespaces ? { 'cluster/namespaces.json': kubeList(namespaces) } : {}),
    },
  });
}

function check(s: Snapshot, src: string, dst: string, port: number | undefined, proto: Proto = 'tcp') {
  return evaluatePolicy(s, { src: endpointFor(s, src), dst: endpointFor(s, dst), proto, port });
}

/** verdict plus the policy and rule that decided, in a form tests can compare */
function brief(d: DirectionDecision): string {
  if (d.verdict === 'allowed')
    return typeof d.by === 'string' ? `allowed:${d.by}` : `allowed:${policyName(d.by.policy)}#${d.by.rule}`;
  if (d.verdict === 'denied') return `denied:${d.selecting.map(policyName).join(',')}`;
  return d.verdict;
}

describe('NetworkPolicy evaluation on the Kubernetes documentation examples', () => {
  const s = snap(EXAMPLES.items, [namespaceJson('default'), namespaceJson('myproject', { project: 'myproject' })]);

  it('loads every example without a problem', () => {
    expect(s.problems.filter((p) => p.file === 'cluster/networkpolicies.json')).toEqual([]);
    expect(s.cluster.networkPolicies?.length).toBe(4);
  });

  it('ingress to role=db: the podSelector peer on the rule port, nothing else', () => {
    expect(brief(check(s, '10.244.2.10', '10.244.1.10', 6379).ingress)).toBe('allowed:default/test-network-policy#0');
    expect(brief(check(s, '10.244.2.10', '10.244.1.10', 6380).ingress)).toBe('denied:default/test-network-policy');
    expect(brief(check(s, '10.244.2.11', '10.244.1.10', 6379).ingress)).toBe('denied:default/test-network-policy');
    expect(brief(check(s, '10.244.2.10', '10.244.1.10', 6379, 'udp').ingress)).toBe(
      'denied:default/test-network-policy',
    );
  });

  it('ingress: namespaceSelector from the namespace labels; ipBlock minus except', () => {
    expect(brief(check(s, '10.244.2.12', '10.244.1.10', 6379).ingress)).toBe('allowed:default/test-network-policy#0');
    expect(brief(check(s, '172.17.2.5', '10.244.1.10', 6379).ingress)).toBe('allowed:default/test-network-policy#0');
    expect(brief(check(s, '172.17.1.5', '10.244.1.10', 6379).ingress)).toBe('denied:default/test-network-policy');
  });

  it('ingress from the pod own node is always allowed; from another node it is not', () => {
    expect(brief(check(s, '192.168.56.11', '10.244.1.10', 9999).ingress)).toBe('allowed:own-node');
    expect(brief(check(s, '192.168.56.12', '10.244.1.10', 9999).ingress)).toBe('denied:default/test-network-policy');
  });

  it('egress of role=db: port and endPort range, both ends of the range and one past it', () => {
    expect(brief(check(s, '10.244.1.10', '10.0.0.5', 5978).egress)).toBe('allowed:default/test-network-policy#0');
    expect(brief(check(s, '10.244.1.10', '10.0.0.5', 32000).egress)).toBe('allowed:default/multi-port-egress#0');
    expect(brief(check(s, '10.244.1.10', '10.0.0.5', 32768).egress)).toBe('allowed:default/multi-port-egress#0');
    expect(brief(check(s, '10.244.1.10', '10.0.0.5', 32769).egress)).toBe(
      'denied:default/test-network-policy,default/multi-port-egress',
    );
    expect(brief(check(s, '10.244.1.10', '10.0.1.5', 5978).egress)).toMatch(/^denied:/);
  });

  it('default-deny-egress isolates every pod of its namespace; a pod not selected is not isolated', () => {
    expect(brief(check(s, '10.244.1.20', '10.244.2.10', 80).egress)).toBe('denied:prod/default-deny-egress');
    expect(brief(check(s, '10.244.1.20', '10.244.2.10', 80).ingress)).toBe('not-isolated');
    expect(brief(check(s, '10.244.2.11', '10.244.2.10', 80).egress)).toBe('not-isolated');
  });

  it('egress: [{}] allows everything, ingress: [] allows nothing (but the pod itself)', () => {
    expect(brief(check(s, '10.244.1.30', '8.8.8.8', 53, 'udp').egress)).toBe(
      'allowed:shop/allow-egress-deny-ingress#0',
    );
    expect(brief(check(s, '10.244.2.10', '10.244.1.30', 80).ingress)).toBe('denied:shop/allow-egress-deny-ingress');
    expect(brief(check(s, '10.244.1.30', '10.244.1.30', 80).ingress)).toBe('allowed:self');
  });
});

describe('NetworkPolicy evaluation: fields the examples do not show', () => {
  it('a namespaceSelector on other labels without the namespaces list is undetermined', () => {
    const s = snap(EXAMPLES.items);
    const d = check(s, '10.244.2.12', '10.244.1.10', 6379).ingress;
    // the podSelector and ipBlock peers do not match this client; the namespaceSelector cannot be judged
    expect(d).toMatchObject({ verdict: 'undetermined', needs: ['cluster.namespaces'] });
  });

  it('a namespaceSelector on kubernetes.io/metadata.name alone needs no namespaces list', () => {
    const p = networkPolicyJson({
      name: 'from-myproject',
      podSelector: { matchLabels: { role: 'db' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'myproject' } } }] }],
    });
    const s = snap([p]);
    expect(brief(check(s, '10.244.2.12', '10.244.1.10', 1).ingress)).toBe('allowed:default/from-myproject#0');
    expect(brief(check(s, '10.244.2.10', '10.244.1.10', 1).ingress)).toBe('denied:default/from-myproject');
  });

  it('namespaceSelector and podSelector in one peer: both must match', () => {
    const p = networkPolicyJson({
      name: 'and',
      podSelector: { matchLabels: { role: 'db' } },
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { project: 'myproject' } },
              podSelector: { matchLabels: { role: 'frontend' } },
            },
          ],
        },
      ],
    });
    const s = snap([p], [namespaceJson('default'), namespaceJson('myproject', { project: 'myproject' })]);
    expect(brief(check(s, '10.244.2.12', '10.244.1.10', 1).ingress)).toBe('denied:default/and');
  });

  it('a named port resolves on the destination pod container ports', () => {
    const p = networkPolicyJson({
      name: 'http-only',
      namespace: 'named',
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }],
    });
    const s = snap([p]);
    expect(brief(check(s, '10.244.2.10', '10.244.1.40', 8080).ingress)).toBe('allowed:named/http-only#0');
    expect(brief(check(s, '10.244.2.10', '10.244.1.40', 80).ingress)).toBe('denied:named/http-only');
    expect(brief(check(s, '10.244.2.10', '10.244.1.40', undefined, 'icmp').ingress)).toBe('denied:named/http-only');
  });

  it('policyTypes absent: Ingress always, Egress only with egress rules (API defaulting)', () => {
    const base = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' };
    const withEgress = {
      ...base,
      metadata: { name: 'e', namespace: 'named' },
      spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] },
    };
    const s = snap([withEgress]);
    expect(brief(check(s, '10.244.1.40', '8.8.8.8', 53, 'udp').egress)).toBe('denied:named/e');
    expect(brief(check(s, '10.244.2.10', '10.244.1.40', 8080).ingress)).toBe('denied:named/e');
    const emptyEgress = { ...withEgress, spec: { podSelector: {}, egress: [] } };
    expect(brief(check(snap([emptyEgress]), '10.244.1.40', '8.8.8.8', 53, 'udp').egress)).toBe('not-isolated');
  });

  it('matchExpressions: In, NotIn, Exists, DoesNotExist; an unknown operator is undetermined', () => {
    const sel = (matchExpressions: object[]) =>
      networkPolicyJson({ name: 'x', namespace: 'named', podSelector: { matchExpressions } });
    const at = (p: object) => brief(check(snap([p]), '10.244.2.10', '10.244.1.40', 8080).ingress);
    expect(at(sel([{ key: 'tier', operator: 'In', values: ['front'] }]))).toBe('denied:named/x');
    expect(at(sel([{ key: 'tier', operator: 'NotIn', values: ['front'] }]))).toBe('not-isolated');
    expect(at(sel([{ key: 'zone', operator: 'NotIn', values: ['a'] }]))).toBe('denied:named/x');
    expect(at(sel([{ key: 'app', operator: 'Exists' }]))).toBe('denied:named/x');
    expect(at(sel([{ key: 'app', operator: 'DoesNotExist' }]))).toBe('not-isolated');
    expect(at(sel([{ key: 'app', operator: 'Gt', values: ['1'] }]))).toBe('undetermined');
  });
});
