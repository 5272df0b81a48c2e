// Shared fixtures of the NetworkPolicy rule tests (NET-230, NET-231): a web Service with a named
// targetPort, its backend, client pods in two namespaces, and the DaemonSet that says who enforces.
import { daemonSetJson, kubeList, nodeJson, podJson, serviceJson, snapshotOf } from '../../model/testing.js';
import type { Snapshot } from '../../model/types.js';

export const CALICO_DS = daemonSetJson({
  name: 'calico-node',
  containers: [{ name: 'calico-node', image: 'docker.io/calico/node:v3.28.0' }],
});
export const FLANNEL_DS = daemonSetJson({
  name: 'kube-flannel-ds',
  namespace: 'kube-flannel',
  labels: { app: 'flannel' },
  containers: [{ name: 'kube-flannel', image: 'ghcr.io/flannel-io/flannel:v0.25.1' }],
});

export function policyCluster(
  policies: readonly object[] | undefined,
  o: { daemonsets?: readonly object[] } = {},
): () => Snapshot {
  const files: Record<string, object> = {
    'cluster/nodes.json': kubeList([
      nodeJson({ name: 'cp-1', podCIDR: '10.244.0.0/24', internalIP: '192.168.56.10' }),
      nodeJson({ name: 'worker-1', podCIDR: '10.244.1.0/24', internalIP: '192.168.56.11' }),
    ]),
    'cluster/pods.json': kubeList([
      podJson({
        name: 'web-5d8f',
        node: 'worker-1',
        ip: '10.244.1.5',
        labels: { app: 'web' },
        containers: [{ name: 'web', ports: [{ containerPort: 8080, name: 'http' }] }],
      }),
      podJson({ name: 'frontend-7c9a', node: 'cp-1', ip: '10.244.0.6', labels: { role: 'frontend' } }),
      podJson({ name: 'batch-1', namespace: 'jobs', node: 'cp-1', ip: '10.244.0.7', labels: { app: 'batch' } }),
    ]),
    'cluster/services.json': kubeList([
      serviceJson({
        name: 'web',
        clusterIP: '10.96.0.50',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      }),
    ]),
    'cluster/daemonsets.json': kubeList(o.daemonsets ?? [CALICO_DS]),
  };
  if (policies) files['cluster/networkpolicies.json'] = kubeList(policies);
  return () => snapshotOf({ node: 'cp-1', files });
}
