// SVC-301: kube-proxy programs every Service on its node. Without a running kube-proxy the node
// keeps whatever rules it had (or none after a reboot): Services break for that node only.
// Real clusters run it many ways: a DaemonSet pod (kubeadm), a static pod (RKE2 `kube-proxy-<node>`,
// `component: kube-proxy`), inside k3s or microk8s kubelite, as a snap (Charmed) or a systemd unit.
// A verdict needs positive evidence: a pod state, an embedding distribution, a journal; "the
// cluster does not run kube-proxy" needs the pod and DaemonSet lists and no sign of it anywhere.
import type { Report, Rule } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { Pod } from '../../model/schemas.js';
import type { LogLine } from '../../parse/types.js';
import { knownLineEvidence, objectEvidence } from '../../model/evidence.js';
import { CLUSTER, basisOf, clusterFile, missingInputs, nodeSubject } from '../lib/reports.js';
import { lastLogLine, nodeNames, podIsHealthy, podLogs, present } from '../lib/host.js';
import { proxyDeployment, proxyPodsByNode, type ProxyDeployment } from './kube-proxy-facts.js';
import { proxyLogs } from './kube-proxy-logs.js';
import { COMPONENT_NAMESPACES, partialList } from '../../model/coverage.js';
import { partialListReport } from '../lib/evidence-limits.js';
import { cmd, remedy, word } from '../../text/shell.js';

/** true: kube-proxy runs here; false: the evidence shows it does not; undefined: cannot tell */
export function kubeProxyInUse(s: Snapshot): boolean | undefined {
  const d = proxyDeployment(s);
  return d === undefined ? undefined : d.style !== 'absent';
}

function stateOf(p: Pod): string {
  const c = p.status?.containerStatuses?.[0];
  return (
    c?.state?.waiting?.reason ??
    c?.state?.terminated?.reason ??
    (c && !c.ready ? 'NotReady' : undefined) ??
    p.status?.phase ??
    'Unknown'
  );
}

// a process that exited: a klog fatal line, k3s's own line, systemd's lines about the unit
const EXITED =
  /kube-proxy exited|main process exited|Failed with result|Main process exited|(?:^|\]: |\s)F\d{4} \d\d:\d\d:\d\d\.\d+ /;
const exited = (l: LogLine): boolean => l.level === 'fatal' || EXITED.test(l.raw);

/**
 * the node's kube-proxy outside a pod (snap, systemd, k3s/kubelite): pass on its journal, fail when the journal ends in
 * an exit
 */
function hostProxyReport(s: Snapshot, node: string, d: ProxyDeployment): Report | undefined {
  const logs = proxyLogs(s).filter((l) => l.node === node && l.key.startsWith('journal/'));
  const subject = nodeSubject(node);
  const log = logs[0];
  if (!log) return undefined;
  const lines = log.log.value;
  const last = [...lines].reverse().find((l) => l.raw.trim() !== '');
  if (last && exited(last)) {
    return {
      status: 'fail',
      subject,
      messageId: 'hostExited',
      data: { node, style: d.style, unit: log.key.slice('journal/'.length).split('@')[0] ?? '' },
      evidence: [knownLineEvidence(log.log.ref, last.line, last.raw, 'the last line kube-proxy logged: it exited')],
      remediation: remedy('Read why kube-proxy exited (the lines above the last one), fix it, then restart the unit.', [
        cmd`journalctl -u ${word('unit', log.key.slice('journal/'.length).split('@')[0] ?? '')} -n 200 --no-pager`,
        'systemctl status snap.kube-proxy.daemon kube-proxy k3s 2>/dev/null',
      ]),
    };
  }
  return {
    status: 'pass',
    subject,
    messageId: 'hostRunning',
    data: { node, style: d.style, by: log.key.slice('journal/'.length).split('@')[0] ?? '' },
    basis: basisOf(log.log),
  };
}

export const kubeProxyNotRunning: Rule = {
  id: 'SVC-301',
  slug: 'kube-proxy-not-running',
  layer: 'service',
  severity: 'critical',
  title: 'kube-proxy is not running on a node',
  needs: ['cluster.pods'],
  decidesFrom: [
    ['cluster.pods'],
    ['cluster.pods', 'cluster.daemonsets'],
    ['fact:components'],
    ['cluster.nodes'],
    ['host.journal.*'],
    ['host.k3s-config'],
    ['host.static-pod.*'],
    ['host.rke2-static-pod.*'],
    ['host.snap-kube-proxy-args'],
    ['host.systemd-units'],
  ],
  docs: {
    why: "Every node runs its own kube-proxy (a DaemonSet pod on kubeadm, a static pod on RKE2, inside the k3s or microk8s process, a snap on Charmed Kubernetes) that turns Services and their endpoints into iptables, IPVS or nftables rules on that node. When it is not running, the node's rules stop following the cluster: new Services and moved pods are unreachable from there.",
    fix: 'See why it is not running (`kubectl -n kube-system describe pod`, its log, or `journalctl -u <unit>` for a snap/systemd/k3s kube-proxy), fix that, and let the DaemonSet, the kubelet or systemd restart it.',
  },
  messages: {
    notRunning: 'kube-proxy pod {pod} on node {node} is {state}',
    noPod: 'no kube-proxy pod runs on node {node}',
    running: 'kube-proxy pod {pod} on node {node} is running',
    embedded: 'kube-proxy runs inside {by} on node {node}',
    hostRunning: 'kube-proxy runs on node {node} as {style} (its {by} journal is collected)',
    hostExited: 'kube-proxy ({style}, unit {unit}) on node {node} exited: its journal ends with the exit',
    notUsed: 'the cluster does not run kube-proxy ({by})',
  },
  explains: [{ rule: 'SVC-303', match: 'same-node' }],
  run(s) {
    const d = proxyDeployment(s);
    if (d?.style === 'absent')
      return [
        {
          status: 'pass',
          subject: CLUSTER,
          messageId: 'notUsed',
          data: { by: d.by },
          evidence: present(d.evidence),
          basis: d.basis,
        },
      ];
    const byNode = proxyPodsByNode(s);
    const out: Report[] = [];
    const pods = clusterFile(s, 'cluster/pods.json');
    // the nodes list; without it, the host bundles and the nodes kube-proxy pods are scheduled on
    const names = s.cluster.nodes
      ? nodeNames(s)
      : [...new Set([...nodeNames(s), ...[...byNode.keys()].filter((n) => n !== '')])].sort();
    for (const node of names) {
      const subject = nodeSubject(node);
      const list = byNode.get(node) ?? [];
      const healthy = list.find((p) => podIsHealthy(p.obj));
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
      const pod = list[0] as Located<Pod> | undefined;
      if (pod) {
        const name = pod.obj.metadata.name;
        const why = lastLogLine(
          s,
          podLogs(s, pod, 'kube-proxy'),
          (l) => l.level === 'error' || l.level === 'fatal',
          "kube-proxy's last error",
        );
        out.push({
          status: 'fail',
          subject,
          messageId: 'notRunning',
          data: { node, pod: name, state: stateOf(pod.obj) },
          evidence: present(
            objectEvidence(pod, '/status/containerStatuses', 'the kube-proxy container state'),
            why?.evidence,
          ),
          remediation: remedy('Read why kube-proxy stopped, fix it, then recreate the pod.', [
            cmd`kubectl -n kube-system logs ${word('pod', name)} --previous`,
            cmd`kubectl -n kube-system describe pod ${word('pod', name)}`,
            cmd`kubectl -n kube-system delete pod ${word('pod', name)}`,
          ]),
        });
        continue;
      }
      // no pod on this node: kube-proxy may live outside pods (k3s, microk8s, snap, systemd)
      if (d && (d.style === 'embedded' || d.style === 'snap' || d.style === 'systemd')) {
        const host = hostProxyReport(s, node, d);
        if (host) out.push(host);
        else if (d.style === 'embedded')
          out.push({
            status: 'pass',
            subject,
            messageId: 'embedded',
            data: { node, by: d.by },
            evidence: present(d.evidence),
            basis: d.basis,
          });
        else out.push(missingInputs(subject, ['host.journal.*']));
        continue;
      }
      if (!s.cluster.pods) {
        out.push(missingInputs(subject, ['cluster.pods']));
        continue;
      }
      // no kube-proxy pod in a list of some namespaces or a selection of pods is no absence
      const partial = partialList(s, ['cluster/pods.json'], COMPONENT_NAMESPACES['kube-proxy']);
      if (partial) {
        out.push(partialListReport(s, subject, partial));
        continue;
      }
      // no kube-proxy pod anywhere and nothing saying how it runs: a replacement (Cilium) or unlisted
      if (byNode.size === 0 && d === undefined) {
        out.push(missingInputs(subject, ['cluster.daemonsets']));
        continue;
      }
      // a static-pod kube-proxy whose mirror pod is missing, or a DaemonSet with no pod here
      const n = s.index.nodeByName.get(node);
      out.push({
        status: 'fail',
        subject,
        messageId: 'noPod',
        data: { node },
        evidence: n
          ? [objectEvidence(n, '/spec', 'taints or a nodeSelector can keep the DaemonSet off this node')]
          : [],
        basis: basisOf(pods),
        remediation: remedy('See why no kube-proxy pod is placed here.', [
          'kubectl -n kube-system describe daemonset kube-proxy',
          cmd`kubectl describe node ${word('node', node)}`,
        ]),
      });
    }
    if (out.length === 0) out.push(missingInputs(CLUSTER, ['cluster.pods']));
    return out;
  },
};
