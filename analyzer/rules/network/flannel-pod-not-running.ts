// NET-201: without a running flanneld a node gets no lease, no subnet.env, no flannel.1 routes and
// no masquerade rules: its pods are cut off. The pod's own log says why (quoted as evidence),
// e.g. `Error registering network: failed to acquire lease: node "worker-2" pod cidr not assigned`.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import type { LogLine } from '../../parse/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { isFlannelPod, lastLogLine, nodeNames, PEER_EXPLAINS, podIsHealthy, podLogs, podsByNode, present } from '../lib/host.js';

/** true: flannel runs here; false: the pod list shows it does not; undefined: cannot tell (no pod list) */
export function flannelInUse(s: Snapshot): boolean | undefined {
  if (s.cluster.flannelNetConf !== undefined || (s.cluster.pods ?? []).some((p) => isFlannelPod(p.obj)) || (s.cluster.daemonSets ?? []).some((d) => d.obj.metadata.name.includes('flannel'))) return true;
  return s.cluster.pods ? false : undefined;
}

/** the Reports for a cluster that does not run flannel or where that cannot be told; [] when it does */
export function unlessFlannel(s: Snapshot): Report[] {
  const inUse = flannelInUse(s);
  if (inUse === undefined) return [missingInputs(CLUSTER, ['cluster.pods'])];
  return inUse ? [] : [{ status: 'pass', subject: CLUSTER, messageId: 'notUsed' }];
}

function flannelContainer(p: Pod): string {
  const names = p.spec?.containers.map((c) => c.name) ?? [];
  return names.find((n) => n.includes('flannel')) ?? names[0] ?? 'kube-flannel';
}

/** flanneld's own reason: the last error line (klog E/F) or a known failure text */
export function isFlannelError(l: LogLine): boolean {
  return l.level === 'error' || l.level === 'fatal' || /Error registering network|failed to (acquire lease|find interface)|pod cidr not assigned/i.test(l.raw);
}

function stateOf(p: Pod, container: string): { state: string; index: number } {
  const cs = p.status?.containerStatuses ?? [];
  const index = cs.findIndex((c) => c.name === container);
  const c = cs[index];
  const state = c?.state?.waiting?.reason ?? c?.state?.terminated?.reason ?? (c && !c.ready ? 'NotReady' : undefined) ?? p.status?.phase ?? 'Unknown';
  return { state, index };
}

function remediation(pod: Located<Pod>, container: string, node: string, reason: string) {
  const ns = pod.obj.metadata.namespace ?? 'kube-flannel';
  const name = pod.obj.metadata.name;
  const commands = [`kubectl -n ${ns} logs ${name} -c ${container} --previous`, `kubectl -n ${ns} describe pod ${name}`];
  if (/pod cidr not assigned/i.test(reason)) {
    commands.push(`kubectl get node ${node} -o jsonpath='{.spec.podCIDR}'`, "grep -E 'allocate-node-cidrs|cluster-cidr' /etc/kubernetes/manifests/kube-controller-manager.yaml");
  } else if (/failed to find interface|interface/i.test(reason)) {
    commands.push(`kubectl -n ${ns} edit daemonset kube-flannel-ds  # add --iface=<the node's cluster NIC> to the kube-flannel args`);
  }
  commands.push(`kubectl -n ${ns} delete pod ${name}`);
  return { explanation: 'Read why flanneld stopped, fix that cause, then let the DaemonSet recreate the pod.', commands };
}

export const flannelPodNotRunning: Rule = {
  id: 'NET-201',
  slug: 'flannel-pod-not-running',
  layer: 'network',
  severity: 'critical',
  title: 'flannel is not running on a node',
  needs: ['cluster.pods', 'cluster.log.<flannel ns>.<flannel pod>.kube-flannel'],
  docs: {
    why: 'flanneld gives its node a subnet lease, writes /run/flannel/subnet.env (which the CNI plugin needs to start any pod), programs the flannel.1 routes to every other node and the masquerade rules. When it is not running, new pods on the node fail to start and existing ones lose the other nodes.',
    fix: 'Read the reason from the pod\'s log (`kubectl -n kube-flannel logs <pod> --previous`), fix it (a node without podCIDR, the wrong --iface, a missing kube-flannel-cfg), then delete the pod so the DaemonSet recreates it.',
  },
  messages: {
    notRunning: 'flannel pod {pod} on node {node} is {state}: {reason}',
    noPod: 'no flannel pod is scheduled on node {node}',
    running: 'flannel pod {pod} on node {node} is running',
    notUsed: 'the cluster does not run flannel',
  },
  explains: [...PEER_EXPLAINS, { rule: 'NET-205', match: 'same-node' }, { rule: 'NET-204', match: 'same-node' }, { rule: 'SYS-104', match: 'same-node' }, { rule: 'SVC-303', match: 'same-node' }],
  run(s) {
    if (!s.cluster.pods) return [missingInputs(CLUSTER, ['cluster.pods'])];
    const skip = unlessFlannel(s);
    if (skip.length) return skip;
    const byNode = podsByNode(s, isFlannelPod);
    const out: Report[] = [];
    for (const node of nodeNames(s)) {
      const subject = nodeSubject(node);
      const pods = byNode.get(node) ?? [];
      if (pods.length === 0) {
        const n = s.index.nodeByName.get(node);
        out.push({
          status: 'fail',
          subject,
          messageId: 'noPod',
          data: { node },
          evidence: n ? [objectEvidence(n, '/spec', 'taints or a nodeSelector can keep the DaemonSet off this node')] : [],
          remediation: { explanation: 'See why the DaemonSet does not place a pod here (taints, nodeSelector, a failed create).', commands: ['kubectl -n kube-flannel describe daemonset kube-flannel-ds', `kubectl describe node ${node}`] },
        });
        continue;
      }
      const healthy = pods.find((p) => podIsHealthy(p.obj));
      if (healthy) {
        out.push({ status: 'pass', subject, messageId: 'running', data: { node, pod: healthy.obj.metadata.name } });
        continue;
      }
      const pod = pods[0] as Located<Pod>;
      const container = flannelContainer(pod.obj);
      const { state, index } = stateOf(pod.obj, container);
      const logs = podLogs(s, pod, container);
      const why = lastLogLine(s, logs, isFlannelError, 'flanneld says why');
      const reason = why?.line.message ?? pod.obj.status?.containerStatuses?.[index]?.state?.waiting?.message ?? 'no reason in the collected logs';
      const evidence: (EvidenceRef | undefined)[] = [objectEvidence(pod, index >= 0 ? `/status/containerStatuses/${index}/state` : '/status/phase', 'the flannel container state'), why?.evidence];
      out.push({
        status: 'fail',
        subject,
        messageId: 'notRunning',
        data: { node, pod: pod.obj.metadata.name, state, reason },
        evidence: present(...evidence),
        remediation: remediation(pod, container, node, reason),
      });
    }
    return out;
  },
};
