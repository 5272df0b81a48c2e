// SVC-301: kube-proxy programs every Service on its node. Without a running kube-proxy pod the
// node keeps whatever rules it had (or none after a reboot): Services break for that node only.
import type { Report, Rule } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import { objectEvidence } from '../../model/evidence.js';
import { CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { isKubeProxyPod, lastLogLine, nodeNames, podIsHealthy, podLogs, podsByNode, present } from '../lib/host.js';

/** true: kube-proxy runs here; false: the pod list shows it does not; undefined: cannot tell (no pod list) */
export function kubeProxyInUse(s: Snapshot): boolean | undefined {
  if ((s.cluster.pods ?? []).some((p) => isKubeProxyPod(p.obj)) || s.cluster.configMaps.has('kube-system/kube-proxy') || (s.cluster.daemonSets ?? []).some((d) => d.obj.metadata.name === 'kube-proxy')) return true;
  return s.cluster.pods ? false : undefined;
}

function stateOf(p: Pod): string {
  const c = p.status?.containerStatuses?.[0];
  return c?.state?.waiting?.reason ?? c?.state?.terminated?.reason ?? (c && !c.ready ? 'NotReady' : undefined) ?? p.status?.phase ?? 'Unknown';
}

export const kubeProxyNotRunning: Rule = {
  id: 'SVC-301',
  slug: 'kube-proxy-not-running',
  layer: 'service',
  severity: 'critical',
  title: 'kube-proxy is not running on a node',
  needs: ['cluster.pods'],
  docs: {
    why: 'Every node runs its own kube-proxy (a DaemonSet pod) that turns Services and their endpoints into iptables or IPVS rules on that node. When it is not running, the node\'s rules stop following the cluster: new Services and moved pods are unreachable from there.',
    fix: 'See why the pod is not running (`kubectl -n kube-system describe pod`, its log), fix that, and let the DaemonSet recreate it.',
  },
  messages: {
    notRunning: 'kube-proxy pod {pod} on node {node} is {state}',
    noPod: 'no kube-proxy pod runs on node {node}',
    running: 'kube-proxy pod {pod} on node {node} is running',
    notUsed: 'the cluster does not run kube-proxy',
  },
  explains: [{ rule: 'SVC-303', match: 'same-node' }],
  run(s) {
    if (!s.cluster.pods) return [missingInputs(CLUSTER, ['cluster.pods'])];
    if (kubeProxyInUse(s) === false) return [{ status: 'pass', subject: CLUSTER, messageId: 'notUsed' }];
    const byNode = podsByNode(s, isKubeProxyPod);
    const out: Report[] = [];
    for (const node of nodeNames(s)) {
      const subject = nodeSubject(node);
      const pods = byNode.get(node) ?? [];
      const healthy = pods.find((p) => podIsHealthy(p.obj));
      if (healthy) {
        out.push({ status: 'pass', subject, messageId: 'running', data: { node, pod: healthy.obj.metadata.name } });
        continue;
      }
      const pod = pods[0] as Located<Pod> | undefined;
      if (!pod) {
        const n = s.index.nodeByName.get(node);
        out.push({
          status: 'fail',
          subject,
          messageId: 'noPod',
          data: { node },
          evidence: n ? [objectEvidence(n, '/spec', 'taints or a nodeSelector can keep the DaemonSet off this node')] : [],
          remediation: { explanation: 'See why the DaemonSet places no pod here.', commands: ['kubectl -n kube-system describe daemonset kube-proxy', `kubectl describe node ${node}`] },
        });
        continue;
      }
      const name = pod.obj.metadata.name;
      const why = lastLogLine(s, podLogs(s, pod, 'kube-proxy'), (l) => l.level === 'error' || l.level === 'fatal', 'kube-proxy\'s last error');
      out.push({
        status: 'fail',
        subject,
        messageId: 'notRunning',
        data: { node, pod: name, state: stateOf(pod.obj) },
        evidence: present(objectEvidence(pod, '/status/containerStatuses', 'the kube-proxy container state'), why?.evidence),
        remediation: { explanation: 'Read why kube-proxy stopped, fix it, then recreate the pod.', commands: [`kubectl -n kube-system logs ${name} --previous`, `kubectl -n kube-system describe pod ${name}`, `kubectl -n kube-system delete pod ${name}`] },
      });
    }
    return out;
  },
};
