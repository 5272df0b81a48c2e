// SVC-305: a Service port's targetPort must be something the selected pods expose. A named
// targetPort that no container declares gives those pods no endpoint at all; a number that the
// pods' declared ports do not include usually means the Service points at the wrong port.
import type { Report, Rule, Subject } from '../types.js';
import type { Located } from '../../model/types.js';
import type { Pod, Service } from '../../model/schemas.js';
import { objectEvidence } from '../../model/evidence.js';
import { partialList, type ListCoverage } from '../../model/coverage.js';
import { partialListReport } from '../lib/evidence-limits.js';
import { CLUSTER, basisOf, clusterFile, missingInputs } from '../lib/reports.js';
import { present } from '../lib/host.js';
import { selectedServices } from './service-without-ready-endpoints.js';
import { cmd, remedy, word } from '../../text/shell.js';

interface Miss {
  readonly portIndex: number;
  readonly target: string | number;
  readonly pod: Located<Pod>;
  readonly named: boolean;
}

function declared(p: Pod): { names: Set<string>; numbers: Set<number>; containerIndex: number } {
  const names = new Set<string>();
  const numbers = new Set<number>();
  let containerIndex = -1;
  p.spec?.containers.forEach((c, i) => {
    for (const port of c.ports ?? []) {
      if (containerIndex === -1) containerIndex = i;
      numbers.add(port.containerPort);
      if (port.name) names.add(port.name);
    }
  });
  return { names, numbers, containerIndex };
}

function firstMiss(svc: Service, pods: readonly Located<Pod>[]): Miss | undefined {
  const ports = svc.spec.ports ?? [];
  for (const pod of pods) {
    const d = declared(pod.obj);
    for (let i = 0; i < ports.length; i++) {
      const port = ports[i];
      if (!port) continue;
      const target = port.targetPort ?? port.port;
      if (typeof target === 'string' && !/^\d+$/.test(target)) {
        if (!d.names.has(target)) return { portIndex: i, target, pod, named: true };
      } else if (d.numbers.size > 0 && !d.numbers.has(Number(target))) {
        return { portIndex: i, target: Number(target), pod, named: false };
      }
    }
  }
  return undefined;
}

export const targetPortNotExposed: Rule = {
  id: 'SVC-305',
  slug: 'target-port-not-exposed',
  layer: 'service',
  severity: 'critical',
  title: 'A Service targetPort is not exposed by its pods',
  needs: ['cluster.services', 'cluster.pods'],
  decidesFrom: [['cluster.services', 'cluster.pods']],
  docs: {
    why: "kube-proxy forwards a Service port to the pod's targetPort. A named targetPort that no container declares leaves the pod out of the Service's endpoints; a numeric one that is not among the ports the containers declare usually means the Service sends traffic to a port nothing listens on (connection refused from every client).",
    fix: 'Point targetPort at the containerPort (number or name) the application listens on, or declare that port in the pod template.',
  },
  messages: {
    namedMissing: 'Service {service} port {port} targets the port name "{target}", which pod {pod} does not declare',
    numberMissing: 'Service {service} port {port} targets {target}, but pod {pod} declares only {declared}',
    exposed: 'the targetPorts of {count} Services are declared by their pods',
  },
  explains: [{ rule: 'SVC-304', match: 'same-subject' }],
  run(s) {
    if (!s.cluster.services || !s.cluster.pods)
      return [
        missingInputs(CLUSTER, [
          ...(s.cluster.services ? [] : ['cluster.services']),
          ...(s.cluster.pods ? [] : ['cluster.pods']),
        ]),
      ];
    const out: Report[] = [];
    let ok = 0;
    // a Service whose namespace a partial pods list leaves out (a converted sosreport) is not checked
    let unseen: ListCoverage | undefined;
    for (const svc of selectedServices(s)) {
      const ns = svc.obj.metadata.namespace ?? 'default';
      const key = `${ns}/${svc.obj.metadata.name}`;
      const selected = s.index.podsSelectedBy(key);
      const partial = selected.length === 0 ? partialList(s, ['cluster/pods.json'], [ns]) : undefined;
      if (partial) {
        unseen ??= partial;
        continue;
      }
      const miss = firstMiss(svc.obj, selected);
      if (!miss) {
        ok++;
        continue;
      }
      const port = svc.obj.spec.ports?.[miss.portIndex];
      const d = declared(miss.pod.obj);
      const subject: Subject = { kind: 'service', namespace: ns, name: svc.obj.metadata.name };
      out.push({
        status: miss.named ? 'fail' : 'warn',
        subject,
        messageId: miss.named ? 'namedMissing' : 'numberMissing',
        data: {
          service: key,
          port: port?.name ?? String(port?.port ?? ''),
          target: miss.target,
          pod: miss.pod.obj.metadata.name,
          declared: [...d.numbers].join(', '),
        },
        evidence: present(
          objectEvidence(svc, `/spec/ports/${miss.portIndex}`, 'the Service port and its targetPort'),
          objectEvidence(
            miss.pod,
            d.containerIndex >= 0 ? `/spec/containers/${d.containerIndex}/ports` : '/spec/containers/0/name',
            'the ports the pod declares',
          ),
        ),
        remediation: remedy('Make targetPort name or number the port the container listens on.', [
          cmd`kubectl -n ${word('namespace', ns)} get pod ${word('pod', miss.pod.obj.metadata.name)} -o jsonpath='{.spec.containers[*].ports}'`,
          cmd`kubectl -n ${word('namespace', ns)} edit service ${word('service', svc.obj.metadata.name)}`,
        ]),
      });
    }
    if (out.length === 0 && ok === 0 && unseen) out.push(partialListReport(s, CLUSTER, unseen));
    if (out.length === 0)
      out.push({
        status: 'pass',
        subject: CLUSTER,
        messageId: 'exposed',
        data: { count: ok },
        basis: basisOf(clusterFile(s, 'cluster/services.json'), clusterFile(s, 'cluster/pods.json')),
      });
    return out;
  },
};
