// DNS-403: a forwarding loop. `forward . /etc/resolv.conf` hands CoreDNS the resolv.conf the
// kubelet gives dnsPolicy:Default pods (kubelet `resolvConf`, default /etc/resolv.conf). When that
// file names a 127.x stub (systemd-resolved's 127.0.0.53), CoreDNS forwards to itself, the loop
// plugin sees its own probe and exits: `[FATAL] plugin/loop: Loop ... detected`, CrashLoopBackOff.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import { ipRange } from '../../model/net.js';
import { lineEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { corednsLogs, corednsPods, logLineEvidence, podName, searchLogs, type LogHit } from '../lib/cluster.js';
import {
  COREDNS_CM_SOURCE,
  COREDNS_LOG_SOURCE,
  corefileLines,
  forwardDirectives,
  hasPlugin,
  isFileUpstream,
  podResolvConf,
  RESOLVED_RESOLV_CONF as RESOLVED,
  resolvConfFlag,
} from './corefile.js';
import { LOOP_FATAL } from './coredns-log.js';
import { cmd, raw, remedy, word } from '../../text/shell.js';

/** `node` undefined: the pod's node is not known */
function remediation(node: string | undefined): Report['remediation'] {
  const sed = cmd`sudo sed -i 's#^resolvConf:.*#resolvConf: ${raw(RESOLVED)}#' /var/lib/kubelet/config.yaml`;
  return remedy(
    `CoreDNS on ${node ?? 'the node running it'} forwards to a loopback resolver, i.e. back to itself. Point the kubelet at a resolv.conf with real upstreams (systemd-resolved keeps one at ${RESOLVED}), or forward to explicit upstreams, then restart CoreDNS.`,
    [
      node === undefined ? sed : cmd`${sed}   # on ${word('node', node)}`,
      'sudo systemctl restart kubelet',
      'kubectl -n kube-system rollout restart deployment coredns',
    ],
  );
}

/** loop lines by the node their pod ran on; '' when the pod list does not say (a pasted log) */
function loopHitsByNode(s: Snapshot): Map<string, LogHit[]> {
  const nodeOfPod = new Map(corednsPods(s).map((p) => [podName(p), p.obj.spec?.nodeName ?? '']));
  const out = new Map<string, LogHit[]>();
  for (const h of searchLogs(corednsLogs(s), LOOP_FATAL)) {
    let node = nodeOfPod.get(h.pod) ?? '';
    // a single bundle of one host and no pod list: the log was read there (or pasted with it)
    if (node === '' && s.bundles.length === 1 && s.hosts.size === 1 && !s.cluster.pods)
      node = [...s.hosts.keys()][0] as string;
    out.set(node, [...(out.get(node) ?? []), h]);
  }
  return out;
}

export const corednsForwardLoop: Rule = {
  id: 'DNS-403',
  slug: 'coredns-forward-loop',
  layer: 'dns',
  severity: 'critical',
  title: 'CoreDNS forwards to a loopback nameserver (forwarding loop)',
  needs: [
    COREDNS_CM_SOURCE,
    'host.resolv-conf',
    'host.kubelet-config',
    'host.kubelet-flags',
    'host.resolved-resolv-conf',
    COREDNS_LOG_SOURCE,
  ],
  docs: {
    why: 'With `forward . /etc/resolv.conf` CoreDNS uses the resolv.conf the kubelet hands to dnsPolicy:Default pods. If it names 127.0.0.53 (systemd-resolved) or another loopback address, queries come back to CoreDNS itself; the loop plugin detects it and exits, and the pods crash-loop.',
    fix: 'Set the kubelet `resolvConf` to /run/systemd/resolve/resolv.conf (or a file with real upstreams) and restart the kubelet and CoreDNS, or forward to explicit upstream addresses.',
  },
  messages: {
    'loopback-upstream':
      'CoreDNS pods on {node} get {path} whose nameserver {nameserver} is a loopback address: forwarding loop',
    'loop-detected': 'CoreDNS on {node} exited with a forwarding loop ({pods})',
    'latent-loop':
      'CoreDNS pods scheduled on {node} would get {path} whose nameserver {nameserver} is a loopback address (none runs there now)',
    'loop-detected-unplaced': 'CoreDNS exited with a forwarding loop ({pods}); the pod list does not say on which node',
    ok: 'no forwarding loop on {node}',
    'ok-log': 'no forwarding loop in the CoreDNS logs',
  },
  decidesFrom: [
    [COREDNS_CM_SOURCE, 'host.resolv-conf', 'host.kubelet-config'],
    [COREDNS_CM_SOURCE, 'host.resolv-conf', 'host.kubelet-flags'],
    [COREDNS_CM_SOURCE, 'host.resolved-resolv-conf', 'host.kubelet-config'],
    [COREDNS_CM_SOURCE, 'host.resolved-resolv-conf', 'host.kubelet-flags'],
    // a loop line decides alone; a log without one passes only with the Corefile showing the loop plugin
    [COREDNS_LOG_SOURCE],
    [COREDNS_CM_SOURCE, COREDNS_LOG_SOURCE],
  ],
  explains: [{ rule: 'DNS-401', match: 'cluster' }],
  run(s) {
    const loops = loopHitsByNode(s);
    const logs = corednsLogs(s);
    const logRefs = logs.map((l) => l.log.ref);
    const out: Report[] = [];
    const unplaced = loops.get('') ?? [];
    if (unplaced.length > 0) {
      const pods = [...new Set(unplaced.map((x) => x.pod))].join(', ');
      out.push({
        status: 'fail',
        subject: CLUSTER,
        messageId: 'loop-detected-unplaced',
        data: { pods },
        evidence: unplaced.slice(0, 2).map((x) => logLineEvidence(x, `${x.pod} log`)),
        remediation: remediation(undefined),
      });
    }
    const nodes = [...new Set([...s.hosts.keys(), ...[...loops.keys()].filter((n) => n !== '')])].sort();
    if (!s.cluster.corefile && logs.length === 0)
      return nodes.length
        ? nodes.map((n) => missingInputs(nodeSubject(n), [COREDNS_CM_SOURCE]))
        : [missingInputs(CLUSTER, [COREDNS_CM_SOURCE])];
    // a log without a loop line shows no loop only when the loop plugin was there to detect it: the
    // Corefile must say so (with no Corefile collected, its presence would be assumed, a pass on absence)
    const loopPlugin = hasPlugin(s, 'loop') !== undefined;
    if (nodes.length === 0 && out.length === 0) {
      // no host bundle: the logs decide alone, with the Corefile that shows the loop plugin
      if (logs.length > 0 && loopPlugin)
        return [{ status: 'pass', subject: CLUSTER, messageId: 'ok-log', basis: basisOf(s.cluster.corefile, logRefs) }];
      return [
        missingInputs(CLUSTER, [
          'host.resolv-conf',
          ...(logs.length === 0 ? [COREDNS_LOG_SOURCE] : []),
          ...(s.cluster.corefile ? [] : [COREDNS_CM_SOURCE]),
        ]),
      ];
    }
    const podNode = new Map(corednsPods(s).map((p) => [podName(p), p.obj.spec?.nodeName ?? '']));
    const oneHost = !s.cluster.pods && s.bundles.length === 1 && s.hosts.size === 1;
    /** the logs of CoreDNS pods that ran on this node (with no pod list, a single host bundle's) */
    const logsOn = (node: string) =>
      loopPlugin ? logs.filter((l) => podNode.get(l.pod) === node || oneHost).map((l) => l.log.ref) : [];
    const fwd = forwardDirectives(s).find((f) => f.to.some(isFileUpstream));
    const fwdLine = fwd && corefileLines(s, fwd.directive.line, fwd.directive.line, 'forward to the node resolv.conf');
    // where CoreDNS runs the loop is live; elsewhere it waits for a reschedule (unknown pods: assume live)
    const corednsNodes = s.cluster.pods ? new Set(corednsPods(s).map((p) => p.obj.spec?.nodeName)) : undefined;
    for (const node of nodes) {
      const subject: Subject = nodeSubject(node);
      const evidence: EvidenceRef[] = [];
      let messageId: string | undefined;
      let data: Record<string, string> = { node };
      const h = s.hosts.get(node);
      const rc = h && podResolvConf(h, s);
      if (fwd && h && rc) {
        if (!rc.file && logsOn(node).length === 0) {
          out.push(missingInputs(subject, [rc.source]));
          continue;
        }
        const lo = rc.file?.value.nameservers.find((ns) => ipRange(ns.address) === 'loopback');
        if (lo && !rc.decided && rc.source === 'host.resolv-conf' && !loops.has(node)) {
          // without the kubelet config we cannot tell whether pods get this file or systemd-resolved's;
          // a loop-free log of a CoreDNS pod on this node can (the same pass as with the file dropped)
          const nodeLogs = logsOn(node);
          out.push(
            nodeLogs.length > 0
              ? {
                  status: 'pass',
                  subject,
                  messageId: 'ok',
                  data: { node },
                  basis: basisOf(s.cluster.corefile, nodeLogs),
                }
              : missingInputs(subject, ['host.kubelet-config']),
          );
          continue;
        }
        if (lo && rc.file) {
          messageId = 'loopback-upstream';
          data = { node, path: rc.path, nameserver: lo.address };
          if (fwdLine) evidence.push(fwdLine);
          const ev = lineEvidence(s.files, rc.file.ref, lo.line, lo.line, `${rc.path} on ${node}`);
          if (ev) evidence.push(ev);
          const flag = rc.flag && resolvConfFlag(s, h);
          const fev = flag && lineEvidence(s.files, flag.ref, flag.line, flag.line, `kubelet --resolv-conf on ${node}`);
          if (fev) evidence.push(fev);
        }
      }
      const hits = loops.get(node) ?? [];
      if (hits.length > 0) {
        messageId ??= 'loop-detected';
        data = { ...data, pods: [...new Set(hits.map((x) => x.pod))].join(', ') };
        evidence.push(...hits.slice(0, 2).map((x) => logLineEvidence(x, `${x.pod} log`)));
      }
      const live = !corednsNodes || corednsNodes.has(node) || hits.length > 0;
      if (messageId && !live)
        out.push({ status: 'warn', subject, messageId: 'latent-loop', data, evidence, remediation: remediation(node) });
      else if (messageId)
        out.push({ status: 'fail', subject, messageId, data, evidence, remediation: remediation(node) });
      else {
        // no loop: the node's pod resolv.conf was read (with the Corefile that forwards to it), or
        // the Corefile forwards nowhere local, or the CoreDNS logs hold no loop line
        const nodeLogs = logsOn(node);
        const basis = fwd
          ? basisOf(s.cluster.corefile, rc?.file, h?.kubeletConfig, rc?.flag, nodeLogs)
          : basisOf(s.cluster.corefile, nodeLogs);
        if (fwd && !rc?.file && nodeLogs.length === 0)
          out.push(missingInputs(subject, [rc?.source ?? 'host.resolv-conf']));
        else if (basis.length === 0) out.push(missingInputs(subject, [COREDNS_CM_SOURCE, 'host.resolv-conf']));
        else out.push({ status: 'pass', subject, messageId: 'ok', data: { node }, basis });
      }
    }
    return out;
  },
};
