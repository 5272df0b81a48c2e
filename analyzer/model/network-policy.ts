// Kubernetes NetworkPolicy (networking.k8s.io/v1) and Namespace objects at the boundary, and the
// label-selector semantics the policy evaluator (analyzer/trace/policy.ts) needs. Field meanings follow
// the API reference (kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/):
//   - policyTypes absent: ["Ingress"], plus "Egress" when spec.egress has at least one rule
//     (pkg/apis/networking/v1/defaults.go); the API server stores the defaulted value, so kubectl
//     output normally carries it.
//   - a peer with podSelector only: pods of the policy's namespace; namespaceSelector only: every pod
//     of the selected namespaces; both: those pods in those namespaces; ipBlock: cidr minus except.
//   - an empty selector `{}` selects everything; an absent one selects nothing on its own.
//   - a rule with no `from`/`to` matches every peer; with no `ports` every port; protocol defaults to TCP;
//     `port` may be a named container port (of the destination pod) and `endPort` ends a numeric range.
import { z } from 'zod';
import { ObjectMetaSchema } from './schemas.js';

const StrMap = z.record(z.string(), z.string());

export const LabelSelectorSchema = z.looseObject({
  matchLabels: StrMap.nullish(),
  matchExpressions: z
    .array(
      z.looseObject({
        key: z.string(),
        operator: z.string(),
        values: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});
export type LabelSelector = z.infer<typeof LabelSelectorSchema>;

export const PolicyPeerSchema = z.looseObject({
  podSelector: LabelSelectorSchema.nullish(),
  namespaceSelector: LabelSelectorSchema.nullish(),
  ipBlock: z.looseObject({ cidr: z.string(), except: z.array(z.string()).nullish() }).nullish(),
});
export type PolicyPeer = z.infer<typeof PolicyPeerSchema>;

export const PolicyPortSchema = z.looseObject({
  protocol: z.string().nullish(),
  port: z.union([z.number(), z.string()]).nullish(),
  endPort: z.number().nullish(),
});
export type PolicyPort = z.infer<typeof PolicyPortSchema>;

const IngressRuleSchema = z.looseObject({
  from: z.array(PolicyPeerSchema).nullish(),
  ports: z.array(PolicyPortSchema).nullish(),
});
const EgressRuleSchema = z.looseObject({
  to: z.array(PolicyPeerSchema).nullish(),
  ports: z.array(PolicyPortSchema).nullish(),
});
export type PolicyRule = {
  readonly peers?: readonly PolicyPeer[] | null;
  readonly ports?: readonly PolicyPort[] | null;
};

export const NetworkPolicySchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({
    podSelector: LabelSelectorSchema,
    policyTypes: z.array(z.string()).nullish(),
    ingress: z.array(IngressRuleSchema).nullish(),
    egress: z.array(EgressRuleSchema).nullish(),
  }),
});
export type NetworkPolicy = z.infer<typeof NetworkPolicySchema>;

export const NamespaceSchema = z.looseObject({ metadata: ObjectMetaSchema });
export type Namespace = z.infer<typeof NamespaceSchema>;

/** the policy types in effect, with the API server's defaulting applied when absent */
export function policyTypesOf(p: NetworkPolicy): { readonly ingress: boolean; readonly egress: boolean } {
  const types = p.spec.policyTypes;
  if (types && types.length > 0) return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  return { ingress: true, egress: (p.spec.egress?.length ?? 0) > 0 };
}

/** ingress rules as peers + ports (absent = none: the pod is isolated and nothing is allowed) */
export function ingressRules(p: NetworkPolicy): readonly PolicyRule[] {
  return (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }));
}

export function egressRules(p: NetworkPolicy): readonly PolicyRule[] {
  return (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
}

/**
 * Does a label selector match these labels? `undefined` when the selector uses an operator this
 * code does not know (then nobody can say). Operators: In, NotIn, Exists, DoesNotExist
 * (apimachinery LabelSelectorAsSelector); NotIn and DoesNotExist match when the key is absent.
 */
export function selectorMatches(
  sel: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean | undefined {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return undefined;
    }
  }
  return true;
}

/** the label keys a selector reads */
export function selectorKeys(sel: LabelSelector): string[] {
  return [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)];
}

/**
 * The label every namespace carries since Kubernetes 1.21 (NamespaceDefaultLabelName feature, GA 1.22):
 * a namespaceSelector on it alone can be decided without the namespaces list.
 */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
