import { ruleTester } from '../testing.js';
import { networkPolicyNotEnforced } from './network-policy-not-enforced.js';
import { networkPolicyJson } from '../../model/network-policy-testing.js';
import { FLANNEL_DS, policyCluster } from './network-policy.test-helpers.js';

const DENY = networkPolicyJson({ name: 'deny-all', policyTypes: ['Ingress', 'Egress'] });

ruleTester(networkPolicyNotEnforced).run({
  valid: [
    { name: 'no policy objects', snapshot: policyCluster([], { daemonsets: [FLANNEL_DS] }) },
    { name: 'policies and calico-node', snapshot: policyCluster([DENY]) },
  ],
  invalid: [
    {
      name: 'policies on a flannel-only cluster',
      snapshot: policyCluster([DENY], { daemonsets: [FLANNEL_DS] }),
      findings: [
        {
          status: 'warn',
          subject: 'cluster',
          messageId: 'not-enforced',
          data: { policies: 1, names: 'default/deny-all' },
          cites: ['cluster/networkpolicies.json#/items/0/spec', 'cluster/daemonsets.json'],
        },
      ],
    },
    {
      name: 'policies, and no DaemonSet says who enforces them',
      snapshot: policyCluster([DENY], { daemonsets: [] }),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.daemonsets'] }],
    },
    {
      name: 'policies not collected',
      snapshot: policyCluster(undefined),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.networkpolicies'] }],
    },
  ],
});
