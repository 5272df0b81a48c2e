import { ruleTester } from '../testing.js';
import { networkPolicyBlocksService } from './network-policy-blocks-service.js';
import { networkPolicyJson } from '../../model/network-policy-testing.js';
import { FLANNEL_DS, policyCluster } from './network-policy.test-helpers.js';

const webIngress = (from: object[], ports: object[] = [{ protocol: 'TCP', port: 8080 }]) =>
  networkPolicyJson({ name: 'web-ingress', podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from, ports }] });
const FRONTEND = { podSelector: { matchLabels: { role: 'frontend' } } };
const WEB = 'service:default/web';

ruleTester(networkPolicyBlocksService).run({
  valid: [
    { name: 'no policy', snapshot: policyCluster([]) },
    { name: 'the frontend pods are admitted on the container port', snapshot: policyCluster([webIngress([FRONTEND])]) },
    {
      name: 'the named port of the container',
      snapshot: policyCluster([webIngress([FRONTEND], [{ protocol: 'TCP', port: 'http' }])]),
    },
    {
      name: 'an ipBlock admits clients from outside the cluster',
      snapshot: policyCluster([webIngress([{ ipBlock: { cidr: '192.168.0.0/16' } }])]),
    },
    {
      name: 'flannel alone: nothing blocks today (NET-230 warns)',
      snapshot: policyCluster([webIngress([{ podSelector: { matchLabels: { app: 'frontend' } } }])], {
        daemonsets: [FLANNEL_DS],
      }),
    },
  ],
  invalid: [
    {
      name: 'the rule selects app=frontend, the clients are labelled role=frontend',
      snapshot: policyCluster([webIngress([{ podSelector: { matchLabels: { app: 'frontend' } } }])]),
      findings: [
        {
          status: 'fail',
          subject: WEB,
          messageId: 'no-clients',
          data: { port: 80, proto: 'TCP', backends: 1, clients: 2, policies: 'default/web-ingress' },
          cites: [
            'cluster/networkpolicies.json#/items/0/spec',
            'cluster/services.json#/items/0/spec/selector',
            'cluster/pods.json#/items/',
          ],
        },
      ],
    },
    {
      name: 'the rule names the Service port 80, the policy sees the container port 8080',
      snapshot: policyCluster([webIngress([FRONTEND], [{ protocol: 'TCP', port: 80 }])]),
      findings: [{ status: 'fail', subject: WEB, messageId: 'no-clients' }],
    },
    {
      name: 'ingress: [] (deny all) on the backends',
      snapshot: policyCluster([networkPolicyJson({ name: 'deny-all', policyTypes: ['Ingress'] })]),
      findings: [{ status: 'fail', subject: WEB, messageId: 'no-clients', data: { policies: 'default/deny-all' } }],
    },
    {
      name: 'a namespaceSelector on a label of a namespace not collected',
      snapshot: policyCluster([webIngress([{ namespaceSelector: { matchLabels: { team: 'web' } } }])]),
      findings: [{ status: 'unknown', subject: WEB, messageId: 'undetermined' }],
    },
    {
      name: 'who enforces policy is unknown',
      snapshot: policyCluster([webIngress([{ podSelector: { matchLabels: { app: 'frontend' } } }])], {
        daemonsets: [],
      }),
      findings: [{ status: 'unknown', subject: WEB, missing: ['cluster.daemonsets'] }],
    },
    {
      name: 'policies not collected',
      snapshot: policyCluster(undefined),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['cluster.networkpolicies'] }],
    },
  ],
});
