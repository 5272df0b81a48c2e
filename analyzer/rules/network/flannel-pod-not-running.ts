// NET-201: without a running flanneld a node gets no lease, no subnet.env, no flannel.1 routes and
// no masquerade rules: its pods are cut off. The pod's own log says why (quoted as evidence),
// e.g. `Error registering network: failed to acquire lease: node "worker-2" pod cidr not assigned`.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import type { LogLine } from '../../parse/types.js';
import { objectEvidence, escapePointerToken } from '../../model/evidence.js';
import { COMPONENT_NAMESPACES, partialList } from '../../model/coverage.js';
import { partialListReport } from '../lib/evidence-limits.js';
import { basisOf, clusterFile, missingInputs, nodeSubject } from '../lib/reports.js';
import {
  lastLogLine,
  lineAt,
  nodeNames,
  PEER_EXPLAINS,
  podIsHealthy,
  podLogs,
  podsByNode,
  present,
} from '../lib/host.js';
import { flannelLogProblem, flannelLogRunning } from '../../parse/flannel.js';
import {
  AGENT_EXIT_EXPLAINS,
  embeddingAgent,
  FLANNEL_ANNOTATION,
  flannelLogs,
  flannelPresence,
  runsFlannel,
  unlessFlannel,
  type FlannelLog,
} from './flannel-presence.js';
import { cmd, remedy, word, type Cmd } from '../../text/shell.js';

export { unlessFlannel } from './flannel-presence.js';

/** flanneld's own reason: a known failure form (0.7 → 0.25, k3s), else the last klog E/F line */
export function isFlannelError(l: LogLine): boolean {
  return flannelLogProblem(l.raw)?.fatal === true || l.level === 'error' || l.level === 'fatal';
}

function flannelContainer(p: Pod): string {
  const names = p.spec?.containers.map((c) => c.name) ?? [];
  return names.find((n) => n.includes('flannel')) ?? names[0] ?? 'kube-flannel';
}

function stateOf(p: Pod, container: string): { state: string; index: number } {
  const cs = p.status?.containerStatuses ?? [];
  const index = cs.findIndex((c) => c.name === container);
  const c = cs[index];
  const state =
    c?.state?.waiting?.reason ??
    c?.state?.terminated?.reason ??
    (c && !c.ready ? 'NotReady' : undefined) ??
    p.status?.phase ??
    'Unknown';
  return { state, index };
}

function remediation(pod: Located<Pod>, container: string, node: string, reason: string) {
  const ns = pod.obj.metadata.namespace ?? 'kube-flannel';
  const name = pod.obj.metadata.name;
  const n = word('namespace', ns);
  const commands: (Cmd | string)[] = [
    cmd`kubectl -n ${n} logs ${word('pod', name)} -c ${word('name', container)} --previous`,
    cmd`kubectl -n ${n} describe pod ${word('pod', name)}`,
  ];
  if (/pod cidr not assigned/i.test(reason)) {
    commands.push(
      cmd`kubectl get node ${word('node', node)} -o jsonpath='{.spec.podCIDR}'`,
      "grep -E 'allocate-node-cidrs|cluster-cidr' /etc/kubernetes/manifests/kube-controller-manager.yaml",
    );
  } else if (/failed to find interface|interface/i.test(reason)) {
    commands.push(
      cmd`kubectl -n ${n} edit daemonset kube-flannel-ds  # add --iface=<the node's cluster NIC> to the kube-flannel args`,
    );
  }
  commands.push(cmd`kubectl -n ${n} delete pod ${word('pod', name)}`);
  return remedy('Read why flanneld stopped, fix that cause, then let the DaemonSet recreate the pod.', commands);
}

/** what a flannel log alone says: crashed on a fatal line after the last "running" line, or running */
function logVerdict(lines: readonly LogLine[]): { fatal?: LogLine; running?: LogLine } {
  let fatal: LogLine | undefined;
  let running: LogLine | undefined;
  for (const l of lines) {
    if (flannelLogRunning(l.raw)) {
      running = l;
      fatal = undefined;
    } else if (flannelLogProblem(l.raw)?.fatal) fatal = l;
  }
  return { ...(fatal ? { fatal } : {}), ...(running ? { running } : {}) };
}

/** the verdict of one node's flannel logs (current before .previous: the newest run decides), or undefined */
function fromNodeLogs(s: Snapshot, logs: readonly FlannelLog[], node: string): Report | undefined {
  for (const l of logs
    .filter((x) => x.node === node)
    .sort((a, b) => Number(a.key.endsWith('.previous')) - Number(b.key.endsWith('.previous')))) {
    const v = logVerdict(l.log.value);
    const pod = l.pod ?? `(the ${l.key.replace('journal/', '')} unit)`;
    if (v.fatal) {
      const problem = flannelLogProblem(v.fatal.raw);
      const unit = word('unit', l.key.replace('journal/', ''));
      const commands = l.pod
        ? [
            cmd`kubectl -n ${word('namespace', l.namespace ?? '')} logs ${word('pod', l.pod)} -c ${word('name', l.container ?? '')} --previous`,
            cmd`kubectl -n ${word('namespace', l.namespace ?? '')} delete pod ${word('pod', l.pod)}`,
          ]
        : [cmd`journalctl -u ${unit} | grep -i flannel`, cmd`systemctl restart ${unit}`];
      return {
        status: 'fail',
        subject: nodeSubject(node),
        messageId: 'notRunning',
        data: {
          node,
          pod,
          state: 'stopped (log)',
          reason: v.fatal.message,
          ...(problem ? { problem: problem.kind } : {}),
          ...(embeddingAgent(l) ? { agent: embeddingAgent(l) as string } : {}),
        },
        evidence: present(lineAt(s, l.log.ref, v.fatal.line, 'flanneld stops here')),
        remediation: remedy('Read why flannel stopped, fix that cause, then restart it.', commands),
      };
    }
    if (v.running && !l.key.endsWith('.previous'))
      return {
        status: 'pass',
        subject: nodeSubject(node),
        messageId: 'running',
        data: { node, pod },
        basis: basisOf(l.log),
      };
  }
  return undefined;
}

function fromLogs(s: Snapshot): Report[] {
  const logs = flannelLogs(s);
  const out = [...new Set(logs.map((l) => l.node))].sort().flatMap((node) => fromNodeLogs(s, logs, node) ?? []);
  return out.length ? out : [missingInputs({ kind: 'cluster', name: '' }, ['cluster.pods'])];
}

/**
 * k3s/RKE2 run flannel inside their own process: its journal decides, else the lease it wrote (annotation, subnet.env)
 */
function embedded(s: Snapshot, how: string, missing: string): Report[] {
  const out: Report[] = [];
  const logs = flannelLogs(s);
  const nodes = [...new Set([...nodeNames(s), ...logs.map((l) => l.node)])].sort();
  for (const node of nodes) {
    const subject = nodeSubject(node);
    const said = fromNodeLogs(s, logs, node);
    if (said) {
      out.push(said);
      continue;
    }
    const n = s.index.nodeByName.get(node);
    const key = n
      ? ['public-ip', 'backend-data']
          .map((k) => FLANNEL_ANNOTATION + k)
          .find((k) => n.obj.metadata.annotations?.[k] !== undefined)
      : undefined;
    if (n && key) {
      out.push({
        status: 'pass',
        subject,
        messageId: 'embeddedUp',
        data: { node, how },
        basis: basisOf(n),
        evidence: [
          objectEvidence(n, `/metadata/annotations/${escapePointerToken(key)}`, 'flannel leased this node a subnet'),
        ],
      });
      continue;
    }
    const env = s.hosts.get(node)?.subnetEnv;
    if (env) {
      out.push({ status: 'pass', subject, messageId: 'embeddedUp', data: { node, how }, basis: basisOf(env) });
      continue;
    }
    out.push(missingInputs(subject, [missing]));
  }
  return out;
}

export const flannelPodNotRunning: Rule = {
  id: 'NET-201',
  slug: 'flannel-pod-not-running',
  layer: 'network',
  severity: 'critical',
  title: 'flannel is not running on a node',
  needs: [
    'cluster.pods',
    'cluster.nodes',
    'cluster.log.<flannel ns>.<flannel pod>.kube-flannel',
    'host.flannel-subnet-env',
  ],
  decidesFrom: [
    ['cluster.pods', 'cluster.nodes'],
    ['cluster.pods', 'cluster.log.<flannel ns>.<flannel pod>.kube-flannel'],
    ['cluster.log.<flannel ns>.<flannel pod>.kube-flannel'],
    ['fact:components', 'cluster.nodes'],
    ['fact:components', 'host.flannel-subnet-env'],
    ['host.journal.k3s'],
    ['host.pod-log.<flannel ns>.<flannel pod>.kube-flannel'],
  ],
  docs: {
    why: 'flanneld gives its node a subnet lease, writes /run/flannel/subnet.env (which the CNI plugin needs to start any pod), programs the flannel.1 routes to every other node and the masquerade rules. When it is not running, new pods on the node fail to start and existing ones lose the other nodes. k3s and RKE2 run flannel inside their own process: there it has no pod, and a node is served once flannel has annotated it with its lease.',
    fix: "Read the reason from the pod's log (`kubectl -n kube-flannel logs <pod> --previous`; on k3s `journalctl -u k3s | grep flannel`), fix it (a node without podCIDR, the wrong --iface, a missing kube-flannel-cfg, a stray address on flannel.1), then delete the pod so the DaemonSet recreates it.",
  },
  messages: {
    notRunning: 'flannel pod {pod} on node {node} is {state}: {reason}',
    noPod: 'no flannel pod is scheduled on node {node}',
    running: 'flannel pod {pod} on node {node} is running',
    embeddedUp: 'flannel ({how}) has leased node {node} a subnet',
    notUsed: 'the cluster does not run flannel',
  },
  explains: [
    ...PEER_EXPLAINS,
    { rule: 'NET-205', match: 'same-node' },
    { rule: 'NET-204', match: 'same-node' },
    { rule: 'SYS-104', match: 'same-node' },
    { rule: 'SVC-303', match: 'same-node' },
    AGENT_EXIT_EXPLAINS,
  ],
  run(s) {
    const presence = flannelPresence(s);
    const skip = unlessFlannel(s, presence);
    if (skip.length) return skip;
    const flannelPods = (s.cluster.pods ?? []).some((p) => runsFlannel(p.obj));
    if (!flannelPods && presence.style !== 'daemonset') {
      const how =
        presence.style === 'embedded'
          ? `embedded in ${s.derived.distribution?.value ?? 'the node agent'}`
          : presence.style === 'systemd'
            ? 'a systemd flanneld'
            : 'deployment not collected';
      return embedded(
        s,
        how,
        presence.style === 'unknown' && !s.cluster.pods ? 'cluster.pods' : 'host.flannel-subnet-env',
      );
    }
    if (!s.cluster.pods) return fromLogs(s);
    const podsFile = clusterFile(s, 'cluster/pods.json');
    const byNode = podsByNode(s, runsFlannel);
    // "no flannel pod on this node" needs a pods list of the namespace the DaemonSet runs in
    const ds = (s.cluster.daemonSets ?? []).find((d) => /flannel|canal/.test(d.obj.metadata.name));
    const partial = partialList(
      s,
      ['cluster/pods.json'],
      ds ? [ds.obj.metadata.namespace ?? 'default'] : COMPONENT_NAMESPACES.flannel,
    );
    const out: Report[] = [];
    for (const node of nodeNames(s)) {
      const subject = nodeSubject(node);
      const pods = byNode.get(node) ?? [];
      if (pods.length === 0 && partial) {
        out.push(partialListReport(s, subject, partial));
        continue;
      }
      if (pods.length === 0) {
        const n = s.index.nodeByName.get(node);
        out.push({
          status: 'fail',
          subject,
          messageId: 'noPod',
          data: { node },
          evidence: n
            ? [objectEvidence(n, '/spec', 'taints or a nodeSelector can keep the DaemonSet off this node')]
            : [],
          basis: basisOf(podsFile),
          remediation: remedy(
            'See why the DaemonSet does not place a pod here (taints, nodeSelector, a failed create).',
            [
              'kubectl -n kube-flannel describe daemonset kube-flannel-ds',
              cmd`kubectl describe node ${word('node', node)}`,
            ],
          ),
        });
        continue;
      }
      const healthy = pods.find((p) => podIsHealthy(p.obj));
      if (healthy) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'running',
          data: { node, pod: healthy.obj.metadata.name },
          basis: basisOf(healthy),
        });
        continue;
      }
      const pod = pods[0] as Located<Pod>;
      const container = flannelContainer(pod.obj);
      const { state, index } = stateOf(pod.obj, container);
      const logs = podLogs(s, pod, container);
      const why = lastLogLine(s, logs, isFlannelError, 'flanneld says why');
      const reason =
        why?.line.message ??
        pod.obj.status?.containerStatuses?.[index]?.state?.waiting?.message ??
        'no reason in the collected logs';
      const problem = why ? flannelLogProblem(why.line.raw) : undefined;
      const evidence: (EvidenceRef | undefined)[] = [
        objectEvidence(
          pod,
          index >= 0 ? `/status/containerStatuses/${index}/state` : '/status/phase',
          'the flannel container state',
        ),
        why?.evidence,
      ];
      out.push({
        status: 'fail',
        subject,
        messageId: 'notRunning',
        data: { node, pod: pod.obj.metadata.name, state, reason, ...(problem ? { problem: problem.kind } : {}) },
        evidence: present(...evidence),
        remediation: remediation(pod, container, node, reason),
      });
    }
    return out;
  },
};
