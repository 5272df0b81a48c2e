// SVC-311: in IPVS mode a Service port that has a virtual service (`ipvsadm -Ln`) but is missing from
// the KUBE-CLUSTER-IP ipset on the node. kube-proxy's iptables rules in IPVS mode do not name
// Services: they match that set. A missing `ClusterIP,proto:port` member means the nat rule that
// accepts the packet and marks off-cluster clients for masquerade skips it, and since kube-proxy
// 1.27 the filter rule KUBE-IPVS-FILTER rejects NEW connections to any kube-ipvs0 address that is
// not in the set (ICMP port unreachable: "connection refused" from that node only). kube-proxy
// writes set and virtual services in one sync, so a difference means a sync that failed half-way or
// someone edited the set (`ipset del`, a flush by a firewall reload).
import type { Located } from '../../model/types.js';
import type { Service } from '../../model/schemas.js';
import type { EvidenceRef, Report, Rule } from '../types.js';
import { ipvsOf, testSet } from '../../model/ipvs.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { lineAt, present } from '../lib/host.js';
import { proxiedServices } from '../lib/host-proxy.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { ipvsNodes } from './ipvs-nodes.js';

const SET = 'KUBE-CLUSTER-IP';

export const ipvsClusterIpSetIncomplete: Rule = {
  id: 'SVC-311',
  slug: 'ipvs-cluster-ip-set-incomplete',
  layer: 'service',
  severity: 'critical',
  title: "A Service port with an IPVS virtual service is missing from the node's KUBE-CLUSTER-IP ipset",
  needs: ['host.ipvsadm', 'host.ipset-members', 'cluster.services'],
  decidesFrom: [['host.ipvsadm', 'host.ipset-members', 'cluster.services']],
  docs: {
    why: "In IPVS mode kube-proxy's iptables rules match the KUBE-CLUSTER-IP ipset (every ClusterIP,protocol:port) instead of naming Services. A Service port missing from the set is not accepted by the nat rule nor marked for masquerade, and since kube-proxy 1.27 the KUBE-IPVS-FILTER rule rejects new connections to it (ICMP port unreachable, seen as connection refused) on that node only, although ipvsadm shows the virtual service and its real servers. kube-proxy writes both in one sync: a difference means a failed sync or a hand edit (ipset del, a firewall reload flushing sets).",
    fix: 'Restart kube-proxy on the node: its next full sync rewrites the sets. Then compare `ipset list KUBE-CLUSTER-IP` with `ipvsadm -Ln`.',
  },
  messages: {
    missing:
      'Service {service} port {ports} has an IPVS virtual service on node {node} but is not in ipset KUBE-CLUSTER-IP: new connections to it from that node are rejected (kube-proxy 1.27+ KUBE-IPVS-FILTER)',
    complete: 'every Service port with a virtual service on node {node} is in ipset KUBE-CLUSTER-IP ({count} checked)',
    noVirtualServices: 'node {node} runs IPVS mode but ipvsadm lists no virtual service for a Service ClusterIP',
  },
  run(s) {
    const out: Report[] = [];
    const services = s.cluster.services ? proxiedServices(s) : undefined;
    for (const { host, subject } of ipvsNodes(s, out)) {
      const ipvs = ipvsOf(host);
      const need = [
        ...(ipvs.services ? [] : ['host.ipvsadm']),
        ...(ipvs.sets ? [] : ['host.ipset-members']),
        ...(services ? [] : ['cluster.services']),
      ];
      if (need.length > 0 || !ipvs.services || !ipvs.sets || !services) {
        out.push(missingInputs(subject, need));
        continue;
      }
      const byIp = new Map<string, Located<Service>>();
      for (const svc of services) if (svc.obj.spec.clusterIP) byIp.set(svc.obj.spec.clusterIP, svc);
      const missing = new Map<Located<Service>, { ports: string[]; evidence: (EvidenceRef | undefined)[] }>();
      let checked = 0;
      for (const vs of ipvs.services) {
        const svc = byIp.get(vs.address);
        if (!svc || vs.port === undefined || vs.protocol === 'FWM') continue;
        checked++;
        const proto = vs.protocol.toLowerCase();
        const r = testSet(ipvs, SET, ['dst', 'dst'], { src: '0.0.0.0', dst: vs.address, proto, dport: vs.port });
        if (r.kind !== 'not-member') continue;
        const m = missing.get(svc) ?? { ports: [], evidence: [] };
        m.ports.push(`${vs.port}/${proto}`);
        m.evidence.push(
          ipvs.servicesRef && lineAt(s, ipvs.servicesRef, vs.line, 'the virtual service kube-proxy programmed'),
        );
        missing.set(svc, m);
      }
      if (checked === 0) {
        out.push({
          status: 'unknown',
          subject,
          messageId: 'noVirtualServices',
          data: { node: host.node },
          missing: ['host.ipvsadm'],
        });
        continue;
      }
      if (missing.size === 0) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'complete',
          data: { node: host.node, count: checked },
          basis: basisOf(host.ipvsadm, host.ipsetMembers),
        });
        continue;
      }
      const set = ipvs.sets.get(SET);
      const setEv =
        set && ipvs.setsRef ? lineAt(s, ipvs.setsRef, set.line, `ipset ${SET}: the member is not listed`) : undefined;
      for (const [svc, m] of missing) {
        const ns = svc.obj.metadata.namespace ?? 'default';
        const name = `${ns}/${svc.obj.metadata.name}`;
        out.push({
          status: 'fail',
          subject: { kind: 'service', namespace: ns, name: svc.obj.metadata.name, node: host.node },
          messageId: 'missing',
          data: { service: name, ports: m.ports.join(', '), node: host.node },
          evidence: present(...m.evidence, setEv, objectEvidence(svc, '/spec/clusterIP', 'the Service ClusterIP')),
          basis: basisOf(host.ipvsadm, host.ipsetMembers, svc),
          remediation: remedy(
            "Restart kube-proxy on the node so a full sync rewrites the ipsets, then check that the Service's ClusterIP:port is listed.",
            [
              cmd`kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', host.node)}`,
              'ipset list KUBE-CLUSTER-IP',
              'ipvsadm -Ln',
            ],
          ),
        });
      }
    }
    return out;
  },
};
