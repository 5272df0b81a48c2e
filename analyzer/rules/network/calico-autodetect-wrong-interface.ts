// NET-215: calico-node autodetected the wrong node address. IP_AUTODETECTION_METHOD=first-found (the
// default) takes the first interface with an IPv4 address, which is docker0, a VPN or a second NIC on
// many hosts; calico-node logs "Using autodetected IPv4 address on interface docker0: 172.17.0.1/16" and
// writes it to the node's projectcalico.org/IPv4Address annotation. BGP peers and IPIP tunnels then
// use an address the other nodes cannot reach.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { KubeNode } from '../../model/schemas.js';
import { objectEvidence } from '../../model/evidence.js';
import { escapePointerToken } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { lineAt } from '../lib/host.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { calicoNodePods, unlessCalico } from './calico-presence.js';

const ANNOTATION = 'projectcalico.org/IPv4Address';
const LOGGED = /Using autodetected IPv4 address on interface (\S+): ([0-9.]+)\/\d+/;

const internalIp = (n: Located<KubeNode>): string | undefined =>
  n.obj.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;

/** what calico-node's log says it picked on each node (the last such line) */
function logged(s: Snapshot): Map<string, { iface: string; ip: string; ev: EvidenceRef | undefined }> {
  const out = new Map<string, { iface: string; ip: string; ev: EvidenceRef | undefined }>();
  for (const { node, pod } of calicoNodePods(s)) {
    const log = s.cluster.logs.get(`${pod.obj.metadata.namespace ?? ''}/${pod.obj.metadata.name}/calico-node`);
    for (const l of log?.value ?? []) {
      const m = LOGGED.exec(l.raw);
      if (m && log)
        out.set(node, {
          iface: m[1]!,
          ip: m[2]!,
          ev: lineAt(s, log.ref, l.line, 'calico-node says which address it took'),
        });
    }
  }
  return out;
}

export const calicoAutodetectWrongInterface: Rule = {
  id: 'NET-215',
  slug: 'calico-autodetect-wrong-interface',
  layer: 'network',
  severity: 'critical',
  title: 'calico-node autodetected an address that is not the node address',
  needs: ['cluster.nodes', 'cluster.log.<calico ns>.<calico-node pod>.calico-node'],
  decidesFrom: [['cluster.nodes'], ['cluster.nodes', 'cluster.log.<calico ns>.<calico-node pod>.calico-node']],
  docs: {
    why: 'calico-node picks the address it announces over BGP and uses for IPIP by IP_AUTODETECTION_METHOD; the default first-found takes the first interface with an IPv4 address (docker0, a VPN, a second NIC). It logs "Using autodetected IPv4 address on interface ..." and writes the address to the node\'s projectcalico.org/IPv4Address annotation. When that is not the node\'s InternalIP, peers and tunnels aim at an address the other nodes cannot reach.',
    fix: 'Set IP_AUTODETECTION_METHOD on the calico-node DaemonSet (kubernetes-internal-ip, interface=eth0, or can-reach=<a peer>), then restart calico-node on the node.',
  },
  messages: {
    wrong: 'calico-node on node {node} took {ip} ({iface}) but the node InternalIP is {internal}',
    right: 'calico-node on node {node} announces the node InternalIP {internal}',
    notUsed: 'the cluster does not run Calico',
  },
  // BGP sessions from a wrong address never come up; calico-node then stays not Ready
  explains: [
    { rule: 'NET-212', match: 'same-node' },
    { rule: 'NET-211', match: 'same-node' },
  ],
  run(s) {
    const skip = unlessCalico(s);
    if (skip.length) return skip;
    if (!s.cluster.nodes) return [missingInputs(CLUSTER, ['cluster.nodes'])];
    const fromLog = logged(s);
    const out: Report[] = [];
    for (const n of [...s.cluster.nodes].sort((a, b) => a.obj.metadata.name.localeCompare(b.obj.metadata.name))) {
      const node = n.obj.metadata.name;
      const internal = internalIp(n);
      const annotated = n.obj.metadata.annotations?.[ANNOTATION];
      const log = fromLog.get(node);
      if (!internal || (annotated === undefined && !log)) continue; // not a Calico node, or nothing said
      const ip = annotated?.split('/')[0] ?? log!.ip;
      if (ip === internal) {
        out.push({
          status: 'pass',
          subject: nodeSubject(node),
          messageId: 'right',
          data: { node, internal },
          basis: basisOf(n),
        });
        continue;
      }
      const evidence: EvidenceRef[] = [];
      if (annotated !== undefined)
        evidence.push(
          objectEvidence(
            n,
            `/metadata/annotations/${escapePointerToken(ANNOTATION)}`,
            'the address calico-node announces',
          ),
        );
      if (log?.ev) evidence.push(log.ev);
      const i = (n.obj.status?.addresses ?? []).findIndex((a) => a.type === 'InternalIP');
      evidence.push(objectEvidence(n, `/status/addresses/${i}`, "the node's InternalIP"));
      out.push({
        status: 'fail',
        subject: nodeSubject(node),
        messageId: 'wrong',
        data: { node, ip, iface: log?.iface ?? '?', internal },
        evidence,
        remediation: remedy('Tell calico-node which address to use, then restart it on this node.', [
          'kubectl -n kube-system set env daemonset/calico-node IP_AUTODETECTION_METHOD=kubernetes-internal-ip',
          cmd`kubectl -n kube-system delete pod -l k8s-app=calico-node --field-selector spec.nodeName=${word('node', node)}`,
        ]),
      });
    }
    if (out.length === 0) return [missingInputs(CLUSTER, ['cluster.log.<calico ns>.<calico-node pod>.calico-node'])];
    return out;
  },
};
