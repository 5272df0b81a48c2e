// Test builders for NetworkPolicy and Namespace objects, shaped as `kubectl get -o json` prints them
// (the API server has already defaulted policyTypes).
import { uidFor } from './testing-objects.js';

export interface NetworkPolicyInput {
  name: string;
  namespace?: string;
  /** spec.podSelector; default `{}` (every pod of the namespace) */
  podSelector?: object;
  policyTypes?: readonly ('Ingress' | 'Egress')[];
  ingress?: readonly object[];
  egress?: readonly object[];
}

export function networkPolicyJson(p: NetworkPolicyInput): object {
  const ns = p.namespace ?? 'default';
  const types = p.policyTypes ?? ['Ingress', ...(p.egress && p.egress.length > 0 ? ['Egress' as const] : [])];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: p.name,
      namespace: ns,
      uid: uidFor('NetworkPolicy', ns, p.name),
      creationTimestamp: '2025-01-10T09:00:00Z',
    },
    spec: {
      podSelector: p.podSelector ?? {},
      policyTypes: types,
      ...(p.ingress ? { ingress: p.ingress } : {}),
      ...(p.egress ? { egress: p.egress } : {}),
    },
  };
}

export function namespaceJson(name: string, labels: Record<string, string> = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: uidFor('Namespace', '', name),
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
