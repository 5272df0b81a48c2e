// One node's programmed Service rules (iptables chains, IPVS virtual servers, kube-proxy's nftables
// map) against the ready endpoints: the walk every kube-proxy mode shares, each mode judging a port.
import type { EvidenceRef } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { Service } from '../../model/schemas.js';
import { readyEndpoints, type ReadyPort } from './host-proxy.js';

export type ServicePort = NonNullable<Service['spec']['ports']>[number];

export interface ServiceDrift {
  readonly svc: Located<Service>;
  readonly problem: 'missing' | 'stale';
  readonly ports: string[];
  readonly evidence: (EvidenceRef | undefined)[];
}

/** what a mode found wrong with one Service port (evidence beyond the endpoints' own) */
export interface PortDrift {
  readonly problem: 'missing' | 'stale';
  readonly evidence: readonly (EvidenceRef | undefined)[];
}

/**
 * Each port of each Service that has ready endpoints (ports without any are SVC-304's / DNS-406's),
 * judged by `judge`; a Service is `missing` when any port is, else `stale`.
 */
export function serviceDrift(
  s: Snapshot,
  services: readonly Located<Service>[],
  judge: (svc: Located<Service>, port: ServicePort, want: ReadyPort) => PortDrift | undefined,
): ServiceDrift[] {
  const out: ServiceDrift[] = [];
  for (const svc of services) {
    const ready = readyEndpoints(s, `${svc.obj.metadata.namespace ?? 'default'}/${svc.obj.metadata.name}`);
    if (!ready) continue;
    let problem: ServiceDrift['problem'] | undefined;
    const ports: string[] = [];
    const evidence: (EvidenceRef | undefined)[] = [];
    for (const port of svc.obj.spec.ports ?? []) {
      const want = ready.get(port.name ?? '');
      if (!want || want.ready.size === 0) continue;
      const d = judge(svc, port, want);
      if (!d) continue;
      problem = d.problem === 'missing' ? 'missing' : (problem ?? 'stale');
      ports.push(port.name ?? String(port.port));
      evidence.push(want.evidence, ...d.evidence);
    }
    if (problem) out.push({ svc, problem, ports, evidence });
  }
  return out;
}
