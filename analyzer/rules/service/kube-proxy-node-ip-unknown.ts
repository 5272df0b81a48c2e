// SVC-310: kube-proxy looks its own Node up by name (the hostname, or --hostname-override /
// hostnameOverride) to learn the node IP. When the name is not a Node (an FQDN hostname where the
// kubelet registered the short name, an override on the kubelet only) or the API is not reachable at
// start-up, kube-proxy goes on with 127.0.0.1 as the node IP: NodePorts, externalTrafficPolicy:
// Local and health-check node ports break on that node while ClusterIPs mostly work. 1.17-1.18
// exited instead ("unable to get node IP for hostname"). Decided from kube-proxy's start-up log.
import type { Report, Rule } from '../types.js';
import { CLUSTER, basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { present } from '../lib/host.js';
import { proxyDeployment } from './kube-proxy-facts.js';
import { hitEvidence, proxyLogs, searchProxyLogs, type ProxyLogHit } from './kube-proxy-logs.js';

// ≤1.15: `invalid nodeIP, initialize kube-proxy with 127.0.0.1 as nodeIP` (1.5-1.6: "initialize", later
// "initializing"): the iptables proxier wrote its node-IP rules for 127.0.0.1 (NodePorts, Local
// traffic policy broke, kubernetes/kubernetes#57518, kubernetes/kops#2915): a failure.
const OLD_LOOPBACK = /invalid nodeIP, initiali(?:ze|zing) kube-proxy with 127\.0\.0\.1 as nodeIP/;
// 1.16-1.26: `can't determine this node's IP, assuming 127.0.0.1; if this is incorrect, please set the --bind-address
// flag`
// 1.27+: `"Can't determine this node's IP, assuming loopback; ..."`: from 1.16 the node IP mostly picks
// the IP family and the health-check address (NodePorts match local addresses by type), so a warning.
const NEW_LOOPBACK = /[Cc]an't determine this node's IP, assuming (?:127\.0\.0\.1|loopback)/;
const LOOPBACK = new RegExp(`${OLD_LOOPBACK.source}|${NEW_LOOPBACK.source}`);
// 1.17-1.18 exit: `unable to get node IP for hostname 127.0.0.1`
const EXITS = /unable to get node IP for hostname (\S+)/;
// why: `Failed to retrieve node info: nodes "kube1" not found` / `... dial tcp ...: connection refused`
const WHY = /Failed to retrieve node info"?:?\s*(?:err=)?"?(.+?)"?$/;

export const kubeProxyNodeIpUnknown: Rule = {
  id: 'SVC-310',
  slug: 'kube-proxy-node-ip-unknown',
  layer: 'service',
  severity: 'warning',
  title: 'kube-proxy cannot find its Node and runs with node IP 127.0.0.1',
  needs: ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
  decidesFrom: [
    ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.pod-log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.journal.<kube-proxy unit>'],
  ],
  docs: {
    why: 'kube-proxy reads its own Node object (named by the hostname or --hostname-override) to learn the node IP. If no Node has that name (the kubelet registered the short hostname and kube-proxy asks for the FQDN, or only the kubelet got --hostname-override) or the API server is not reachable when it starts, kube-proxy logs a warning and uses 127.0.0.1. Up to 1.15 its iptables rules used that address: NodePort Services, externalTrafficPolicy: Local and their health-check ports stopped working on that node while ClusterIP traffic mostly kept working (a fail). From 1.16 the node IP mainly picks the IP family and the health-check address, so the run is degraded rather than broken (a warning); 1.17-1.18 exited instead.',
    fix: 'Give kube-proxy the same node name as the kubelet (--hostname-override or hostnameOverride set to `kubectl get nodes` name, or the NODE_NAME downward-API variable in the DaemonSet), or set --bind-address to the node IP, then restart kube-proxy.',
  },
  messages: {
    loopback: 'kube-proxy on node {node} could not get its node IP ({why}) and runs with 127.0.0.1',
    exits: 'kube-proxy on node {node} exits: it cannot get the node IP for hostname {name}',
    found: 'kube-proxy logs no node-IP fallback on node {node}',
  },
  run(s) {
    if (proxyDeployment(s)?.style === 'absent') return [];
    const logs = proxyLogs(s);
    if (logs.length === 0) return [missingInputs(CLUSTER, ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'])];
    const out: Report[] = [];
    const byNode = new Map<string, typeof logs>();
    for (const l of logs) byNode.set(l.node ?? '', [...(byNode.get(l.node ?? '') ?? []), l]);
    for (const [node, list] of [...byNode].sort((a, b) => a[0].localeCompare(b[0]))) {
      const subject = node ? nodeSubject(node) : CLUSTER;
      const hit: ProxyLogHit | undefined = searchProxyLogs(list, LOOPBACK)[0] ?? searchProxyLogs(list, EXITS)[0];
      if (!hit) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'found',
          data: { node: node || 'unknown' },
          basis: basisOf(...list.map((l) => l.log)),
        });
        continue;
      }
      const why = searchProxyLogs([hit.log], WHY)[0];
      const exit = EXITS.exec(hit.line.raw);
      const degraded = !exit && !OLD_LOOPBACK.test(hit.line.raw);
      out.push({
        status: degraded ? 'warn' : 'fail',
        subject,
        messageId: exit ? 'exits' : 'loopback',
        data: {
          node: node || 'unknown',
          why: why ? (why.match[1] ?? '').replace(/\\"/g, '"').slice(0, 160) : 'no reason logged',
          name: exit?.[1] ?? '',
        },
        evidence: present(
          why ? hitEvidence(why, 'why kube-proxy could not read its Node') : undefined,
          hitEvidence(hit, 'kube-proxy falls back to 127.0.0.1'),
        ),
        remediation: {
          explanation:
            'Make kube-proxy ask for the name the kubelet registered (hostnameOverride / --hostname-override, or NODE_NAME from the downward API), or set its bind address to the node IP; then restart it.',
          commands: [
            'kubectl get nodes -o wide',
            'hostname; hostname -f',
            'kubectl -n kube-system get configmap kube-proxy -o yaml | grep -n hostnameOverride',
            'kubectl -n kube-system rollout restart daemonset kube-proxy',
          ],
        },
      });
    }
    return out;
  },
};
