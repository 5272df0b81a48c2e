// SVC-313: in IPVS mode, a real server at weight 0 that the cluster calls a ready endpoint. kube-proxy
// sets a real server's weight to 0 when its endpoint terminates (graceful termination: existing
// connections finish, no new one is scheduled there) and back to 1, or deletes it, on its next sync.
// A ready, serving endpoint at weight 0 is a sync kube-proxy has not made on that node: when every
// real server of a virtual service is at weight 0, IPVS refuses each new connection (ICMP port
// unreachable from ip_vs_leave) although the Service has ready endpoints; when only some are, the
// load falls on the rest. (The membership of the real servers is SVC-303's question; this is weights.)
import type { Located } from '../../model/types.js';
import type { Service } from '../../model/schemas.js';
import type { EvidenceRef, Report, Rule } from '../types.js';
import { ipvsOf, virtualServiceFor } from '../../model/ipvs.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { lineAt, present } from '../lib/host.js';
import { proxiedServices, readyEndpoints } from '../lib/host-proxy.js';
import { cmd, remedy, word } from '../../text/shell.js';
import { ipvsNodes } from './ipvs-nodes.js';
import { pushAll } from '../../core/arrays.js';

const hostPort = (a: string, p: number) => `${a.includes(':') ? `[${a}]` : a}:${p}`;

export const ipvsReadyEndpointDrained: Rule = {
  id: 'SVC-313',
  slug: 'ipvs-ready-endpoint-drained',
  layer: 'service',
  severity: 'critical',
  title: 'IPVS real servers at weight 0 although their endpoints are ready',
  needs: ['host.ipvsadm', 'cluster.services', 'cluster.endpointslices'],
  decidesFrom: [
    ['host.ipvsadm', 'cluster.services', 'cluster.endpointslices'],
    ['host.ipvsadm', 'cluster.services', 'cluster.endpoints'],
  ],
  docs: {
    why: "kube-proxy in IPVS mode drains a terminating endpoint by setting its real server's weight to 0 (no new connections, existing ones finish) and restores or deletes it on the next sync. A ready endpoint still at weight 0 means kube-proxy did not sync on that node since: when all real servers of a Service port are at 0, IPVS refuses every new connection from that node (ICMP port unreachable) while the Service has ready endpoints; when some are, the others take all the load.",
    fix: 'Find why kube-proxy on the node stopped syncing (its log, SVC-301/SVC-302), restart it, and check the weights with `ipvsadm -Ln`.',
  },
  messages: {
    allDrained:
      'every real server of Service {service} port {port} is at weight 0 on node {node} although {ready} endpoint(s) are ready: IPVS refuses new connections there',
    someDrained:
      '{drained} ready endpoint(s) of Service {service} port {port} are at weight 0 on node {node}: the other real servers take all new connections',
    weighted: 'every ready endpoint has weight > 0 in IPVS on node {node} ({count} Service ports checked)',
  },
  run(s) {
    const out: Report[] = [];
    const services = s.cluster.services ? proxiedServices(s) : undefined;
    const haveEndpoints = s.cluster.endpointSlices !== undefined || s.cluster.endpoints !== undefined;
    for (const { host, subject } of ipvsNodes(s, out)) {
      const ipvs = ipvsOf(host);
      if (!ipvs.services || !services || !haveEndpoints) {
        out.push(
          missingInputs(subject, [
            ...(ipvs.services ? [] : ['host.ipvsadm']),
            ...(services ? [] : ['cluster.services']),
            ...(haveEndpoints ? [] : ['cluster.endpointslices']),
          ]),
        );
        continue;
      }
      let checked = 0;
      const found: Report[] = [];
      for (const svc of services) found.push(...judge(s, svc, host.node, ipvs, () => checked++));
      if (found.length > 0) pushAll(out, found);
      else if (checked > 0)
        out.push({
          status: 'pass',
          subject,
          messageId: 'weighted',
          data: { node: host.node, count: checked },
          basis: basisOf(host.ipvsadm),
        });
    }
    return out;
  },
};

function judge(
  s: Parameters<Rule['run']>[0],
  svc: Located<Service>,
  node: string,
  ipvs: ReturnType<typeof ipvsOf>,
  count: () => void,
): Report[] {
  const ns = svc.obj.metadata.namespace ?? 'default';
  const name = `${ns}/${svc.obj.metadata.name}`;
  const ready = readyEndpoints(s, name);
  const ip = svc.obj.spec.clusterIP;
  if (!ready || !ip) return [];
  const out: Report[] = [];
  for (const port of svc.obj.spec.ports ?? []) {
    const want = ready.get(port.name ?? '');
    const vs = virtualServiceFor(ipvs, port.protocol ?? 'TCP', ip, port.port);
    if (!want || want.ready.size === 0 || !vs || vs.reals.length === 0) continue;
    count();
    const zero = vs.reals.filter((r) => r.weight === 0 && want.ready.has(hostPort(r.address, r.port)));
    if (zero.length === 0) continue;
    const all = vs.reals.every((r) => r.weight === 0);
    const ref = ipvs.servicesRef;
    const evidence: (EvidenceRef | undefined)[] = [
      ref && lineAt(s, ref, vs.line, 'the virtual service'),
      ...zero.slice(0, 3).map((r) => ref && lineAt(s, ref, r.line, 'weight 0: no new connection is scheduled here')),
      want.evidence,
      objectEvidence(svc, '/spec/clusterIP', 'the Service ClusterIP'),
    ];
    out.push({
      status: all ? 'fail' : 'warn',
      subject: { kind: 'service', namespace: ns, name: svc.obj.metadata.name, node },
      messageId: all ? 'allDrained' : 'someDrained',
      data: {
        service: name,
        port: `${port.port}/${(port.protocol ?? 'TCP').toLowerCase()}`,
        node,
        ready: want.ready.size,
        drained: zero.length,
      },
      evidence: present(...evidence),
      basis: basisOf(ref, svc),
      remediation: remedy('Restart kube-proxy on the node so it syncs the weights, then check them.', [
        cmd`kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', node)} --tail 50`,
        cmd`kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', node)}`,
        'ipvsadm -Ln',
      ]),
    });
  }
  return out;
}
