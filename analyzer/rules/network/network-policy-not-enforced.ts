// NET-230: NetworkPolicies exist, but the cluster's CNI does not enforce them. flannel alone (the
// kubeadm tutorial's CNI, k3s with --disable-network-policy) carries packets and nothing else: the API
// server accepts and stores every policy, `kubectl get networkpolicy` lists them, and no packet is
// ever dropped by one. Operators then believe namespaces are isolated when they are not; the day a
// policy-enforcing CNI (canal, Calico, Cilium) replaces it, every policy starts to bite at once.
import type { Rule } from '../types.js';
import { objectEvidence } from '../../model/evidence.js';
import { enforcementEvidence, policyEnforcement } from '../../model/network-policy-enforcement.js';
import { policyName } from '../../trace/policy.js';
import { basisOf, CLUSTER, clusterFile, missingInputs } from '../lib/reports.js';

export const networkPolicyNotEnforced: Rule = {
  id: 'NET-230',
  slug: 'network-policy-not-enforced',
  layer: 'network',
  severity: 'warning',
  title: 'NetworkPolicies exist but the CNI does not enforce them',
  needs: ['cluster.networkpolicies', 'cluster.daemonsets', 'host.cni.*'],
  docs: {
    why: 'Kubernetes stores NetworkPolicies whatever the network plugin; only a plugin that implements them (Calico, canal, Cilium, kube-router, Weave Net, Antrea; k3s has its own controller) turns them into packet filters. flannel alone does not. Policies then look in force and isolate nothing, and they all start to apply at once when an enforcing plugin is installed later, often cutting off DNS or Service clients nobody tested.',
    fix: 'Either run a policy-enforcing CNI (canal keeps flannel for the overlay and adds Calico policy) or delete the policies so nobody relies on them; test them before switching enforcement on.',
  },
  messages: {
    'not-enforced': '{policies} NetworkPolicy object(s) ({names}) but {enforcer} does not enforce NetworkPolicy',
    enforced: '{policies} NetworkPolicy object(s), enforced by {enforcer}',
    none: 'no NetworkPolicy objects',
  },
  decidesFrom: [['cluster.networkpolicies', 'cluster.daemonsets']],
  run(s) {
    const policies = s.cluster.networkPolicies;
    if (!policies) return [missingInputs(CLUSTER, ['cluster.networkpolicies'])];
    const file = clusterFile(s, 'cluster/networkpolicies.json');
    if (policies.length === 0) return [{ status: 'pass', subject: CLUSTER, messageId: 'none', basis: basisOf(file) }];
    const e = policyEnforcement(s);
    if (!e) return [missingInputs(CLUSTER, ['cluster.daemonsets'])];
    const enforcer = enforcementEvidence(
      s,
      e,
      e.enforced ? 'the policy enforcer' : 'the CNI, which does not enforce NetworkPolicy',
    );
    const names = policies.slice(0, 3).map(policyName).join(', ') + (policies.length > 3 ? ', ...' : '');
    if (e.enforced)
      return [
        {
          status: 'pass',
          subject: CLUSTER,
          messageId: 'enforced',
          data: { policies: policies.length, enforcer: e.by },
          basis: basisOf(file, enforcer),
        },
      ];
    return [
      {
        status: 'warn',
        subject: CLUSTER,
        messageId: 'not-enforced',
        data: { policies: policies.length, names, enforcer: e.by },
        evidence: [
          ...policies.slice(0, 3).map((p) => objectEvidence(p, '/spec', 'a policy nothing enforces')),
          ...(enforcer ? [enforcer] : []),
        ],
        remediation: {
          explanation:
            'Decide whether the policies should apply. To enforce them, install a policy-enforcing CNI (on flannel clusters canal adds Calico policy without changing the overlay); test each policy first.',
          commands: ['kubectl get networkpolicy -A', 'kubectl get daemonsets -A -o wide'],
        },
      },
    ];
  },
};
