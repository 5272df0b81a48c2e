// SVC-303: a Service with ready endpoints that a node's kube-proxy rules do not carry (no
// KUBE-SERVICES entry, or still the "has no endpoints" REJECT), or carry with endpoint IPs that
// are no longer ready: that node's pods reach the Service on an old picture. iptables mode compares
// KUBE-SVC/KUBE-SEP DNAT targets, IPVS mode the real servers of `ipvsadm -Ln`, nftables mode the
// `service-ips` map and endpoint chains of `nft -j list ruleset` (../lib/nft-proxy.ts).
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { FileRef, HostState, Located, Snapshot } from '../../model/types.js';
import type { Service } from '../../model/schemas.js';
import { CLUSTER, basisOf, clusterFile, missingInputs, nodeSubject } from '../lib/reports.js';
import { knownLineEvidence, objectEvidence } from '../../model/evidence.js';
import { lineAt, present, ruleEvidence } from '../lib/host.js';
import { iptablesDumps } from '../lib/pod-trace.js';
import {
  parseIpvsadm,
  programmedPorts,
  proxiedServices,
  readyEndpoints,
  servicePortKey,
  type ProgrammedPort,
  type ReadyPort,
} from '../lib/host-proxy.js';
import { firstKubeProxyRule } from '../system/iptables-backend-split.js';
import { compareNft } from '../lib/nft-proxy.js';
import { serviceDrift, type PortDrift, type ServiceDrift } from '../lib/service-drift.js';
import { effectiveMode, runningMode } from './kube-proxy-logs.js';
import { cmd, remedy, word } from '../../text/shell.js';

type Drift = ServiceDrift;

function serviceSubject(svc: Service, node: string) {
  return { kind: 'service' as const, namespace: svc.metadata.namespace ?? 'default', name: svc.metadata.name, node };
}

function remediation(svc: Service, node: string) {
  const ns = svc.metadata.namespace ?? 'default';
  return remedy(
    'kube-proxy on this node did not apply the current endpoints. Read its log for sync errors, then restart it so it rewrites every rule.',
    [
      cmd`kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', node)} --tail=200`,
      cmd`kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', node)}`,
      cmd`kubectl -n ${word('namespace', ns)} get endpointslices -l kubernetes.io/service-name=${word('service', svc.metadata.name)} -o wide`,
    ],
  );
}

function compareIptables(
  s: Snapshot,
  host: HostState,
  services: readonly Located<Service>[],
): { drift: Drift[]; ref: FileRef } | undefined {
  const dumps = iptablesDumps(host).filter((d) => d.value.tables.has('nat'));
  // the backend kube-proxy writes to (SYS-105 covers a split), else the default dump
  const dump = dumps.find((d) => firstKubeProxyRule(d.value)) ?? dumps[0];
  if (!dump) return undefined;
  const programmed = programmedPorts(dump.value);
  const servicesChain = dump.value.tables.get('nat')?.chains.get('KUBE-SERVICES');
  const drift = serviceDrift(s, services, (svc, port, want): PortDrift | undefined => {
    const ns = svc.obj.metadata.namespace ?? 'default';
    const have: ProgrammedPort | undefined = programmed.get(servicePortKey(ns, svc.obj.metadata.name, port.name));
    if (!have?.clusterIpRule)
      return {
        problem: 'missing',
        evidence: [
          have?.noEndpointsRule
            ? ruleEvidence(dump.ref, have.noEndpointsRule, 'this node still rejects the port as having no endpoints')
            : servicesChain
              ? lineAt(s, dump.ref, servicesChain.line, 'no entry for this service port in KUBE-SERVICES')
              : undefined,
        ],
      };
    const stale = [...have.endpoints.keys()].filter((ep) => !want.ready.has(ep));
    const absent = have.localOnly ? [] : [...want.ready].filter((ep) => !have.endpoints.has(ep));
    if (stale.length === 0 && absent.length === 0) return undefined;
    return {
      problem: 'stale',
      evidence: [
        ...stale.slice(0, 3).map((ep) => {
          const r = have.endpoints.get(ep);
          return r ? ruleEvidence(dump.ref, r, `DNAT to ${ep}, which is not a ready endpoint`) : undefined;
        }),
        ...(stale.length === 0
          ? [ruleEvidence(dump.ref, have.clusterIpRule, `the rules lack ${absent.slice(0, 3).join(', ')}`)]
          : []),
      ],
    };
  });
  return { drift, ref: dump.ref };
}

function compareIpvs(
  s: Snapshot,
  host: HostState,
  services: readonly Located<Service>[],
): { drift: Drift[]; ref: FileRef } | undefined {
  if (!host.ipvsadm) return undefined;
  const ipvs = parseIpvsadm(host.ipvsadm.value);
  const ref = host.ipvsadm.ref;
  const drift = serviceDrift(s, services, (svc, port, want): PortDrift | undefined => {
    const vs = ipvs.get(`${(port.protocol ?? 'TCP').toLowerCase()}:${svc.obj.spec.clusterIP}:${port.port}`);
    // the listing decided it: cite it (its header line) so a dropped listing is a lost verdict, not a silent one
    if (!vs)
      return {
        problem: 'missing',
        evidence: [lineAt(s, ref, 1, `no virtual server for ${svc.obj.spec.clusterIP}:${port.port} in this listing`)],
      };
    const stale = [...vs.reals.keys()].filter((ep) => !want.ready.has(ep));
    const absent = [...want.ready].filter((ep) => !vs.reals.has(ep));
    if (stale.length === 0 && absent.length === 0) return undefined;
    return { problem: 'stale', evidence: [knownLineEvidence(ref, vs.line, vs.text, 'the IPVS virtual server')] };
  });
  return { drift, ref };
}

/** Service keys the endpoint objects name, headless ones left out (kube-proxy writes no rules for them) */
function endpointServiceKeys(s: Snapshot): string[] {
  const keys = new Set<string>();
  for (const [key, slices] of s.index.endpointSlicesByService)
    if (!slices.some((sl) => sl.obj.metadata.labels?.['service.kubernetes.io/headless'] !== undefined)) keys.add(key);
  for (const [key, ep] of s.index.endpointsByService)
    if (
      ep.obj.metadata.labels?.['service.kubernetes.io/headless'] === undefined &&
      !s.index.endpointSlicesByService.has(key)
    )
      keys.add(key);
  return [...keys].sort();
}

/**
 * No Service list (RBAC, a dropped file): the EndpointSlices (or Endpoints) still name each Service
 * and its ready endpoints, and the iptables rules carry the same `ns/name:port` comments, so stale
 * DNAT targets are still decided. A port with no rule may be a headless Service without the label,
 * so that is unknown, not a fail.
 */
function fromEndpointsOnly(s: Snapshot): Report[] {
  const out: Report[] = [];
  const keys = endpointServiceKeys(s);
  for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    const dump =
      iptablesDumps(host)
        .filter((d) => d.value.tables.has('nat'))
        .find((d) => firstKubeProxyRule(d.value)) ?? iptablesDumps(host).find((d) => d.value.tables.has('nat'));
    if (!dump) {
      out.push(missingInputs(nodeSubject(host.node), ['host.iptables-save']));
      continue;
    }
    const programmed = programmedPorts(dump.value);
    let clean = 0;
    for (const key of keys) {
      const [ns = 'default', name = ''] = key.split('/');
      const subject = { kind: 'service' as const, namespace: ns, name, node: host.node };
      const ports: string[] = [];
      const evidence: (EvidenceRef | undefined)[] = [];
      let unprogrammed = false;
      for (const [portName, want] of readyEndpoints(s, key) ?? new Map<string, ReadyPort>()) {
        if (want.ready.size === 0) continue;
        const have = programmed.get(servicePortKey(ns, name, portName || undefined));
        if (!have?.clusterIpRule) {
          unprogrammed = true;
          continue;
        }
        const stale = [...have.endpoints.keys()].filter((ep) => !want.ready.has(ep));
        if (stale.length === 0) continue;
        ports.push(portName || '(unnamed)');
        evidence.push(
          want.evidence,
          ...stale.slice(0, 3).map((ep) => {
            const r = have.endpoints.get(ep);
            return r ? ruleEvidence(dump.ref, r, `DNAT to ${ep}, which is not a ready endpoint`) : undefined;
          }),
        );
      }
      if (ports.length > 0) {
        const svc = { metadata: { name, namespace: ns } } as Service;
        out.push({
          status: 'fail',
          subject,
          messageId: 'stale',
          data: { node: host.node, service: key, ports: ports.join(', '), mode: 'iptables' },
          evidence: present(...evidence),
          remediation: remediation(svc, host.node),
        });
      } else if (unprogrammed) out.push(missingInputs(subject, ['cluster.services']));
      else clean++;
    }
    if (out.every((f) => f.subject.node !== host.node))
      out.push({
        status: 'pass',
        subject: nodeSubject(host.node),
        messageId: 'inSync',
        data: { node: host.node, count: clean },
        basis: basisOf(dump, clusterFile(s, 'cluster/endpointslices.json'), clusterFile(s, 'cluster/endpoints.json')),
      });
  }
  return out;
}

export const serviceRulesOutOfSync: Rule = {
  id: 'SVC-303',
  slug: 'service-rules-out-of-sync',
  layer: 'service',
  severity: 'critical',
  title: "A node's proxy rules do not match the Service's ready endpoints",
  needs: ['host.iptables-save', 'host.ipvsadm', 'host.nft-ruleset-json', 'cluster.services', 'cluster.endpointslices'],
  decidesFrom: [
    ['host.iptables-save', 'cluster.services', 'cluster.endpointslices'],
    ['host.iptables-save', 'cluster.services', 'cluster.endpoints'],
    ['host.ipvsadm', 'cluster.services', 'cluster.endpointslices'],
    ['host.ipvsadm', 'cluster.services', 'cluster.endpoints'],
    ['host.nft-ruleset-json', 'cluster.services', 'cluster.endpointslices'],
    ['host.iptables-save', 'cluster.endpointslices'],
    ['host.iptables-save', 'cluster.endpoints'],
  ],
  docs: {
    why: 'kube-proxy turns each Service port into rules on every node: KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-* DNAT to each ready endpoint (IPVS: a virtual server with real servers; nftables: an element of the service-ips map in table ip kube-proxy whose service chain picks an endpoint chain with numgen). When kube-proxy stops syncing (it is not running, iptables-restore fails, the rules went to the other iptables backend), the node keeps an old picture: new Services are missing, removed pods are still targets, and connections from that node fail while other nodes work.',
    fix: 'Find why kube-proxy on that node is not syncing (its log, SYS-105, SVC-301/302), fix it, and restart kube-proxy there so it rewrites the rules.',
  },
  messages: {
    missing: 'node {node} has no rules for {service} port {ports} although it has ready endpoints',
    stale: 'node {node} sends {service} port {ports} to endpoints that are not the ready ones',
    inSync: 'the proxy rules on node {node} match the ready endpoints of {count} Services',
  },
  run(s) {
    // what wrote the rules: the proxier kube-proxy started (a fallback from ipvs writes iptables), else the configured
    // mode
    const mode = (runningMode(s) ?? s.derived.kubeProxyMode ?? effectiveMode(s))?.value || 'iptables';
    if (!s.cluster.services) {
      if (mode === 'iptables' && (s.cluster.endpointSlices || s.cluster.endpoints)) return fromEndpointsOnly(s);
      // nftables mode: without Services the ClusterIPs are unknown; each Service the slices name is unknown on its own
      if (mode === 'nftables' && (s.cluster.endpointSlices || s.cluster.endpoints))
        return [...s.hosts.values()].flatMap((host) =>
          endpointServiceKeys(s)
            .filter((key) => [...(readyEndpoints(s, key)?.values() ?? [])].some((p) => p.ready.size > 0))
            .map((key) => {
              const [ns = 'default', name = ''] = key.split('/');
              return missingInputs({ kind: 'service', namespace: ns, name, node: host.node }, ['cluster.services']);
            }),
        );
      return [missingInputs(CLUSTER, ['cluster.services'])];
    }
    const services = proxiedServices(s);
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const compared =
        mode === 'ipvs'
          ? compareIpvs(s, host, services)
          : mode === 'iptables'
            ? compareIptables(s, host, services)
            : mode === 'nftables'
              ? compareNft(s, host, services)
              : undefined;
      if (!compared) {
        out.push(
          missingInputs(nodeSubject(host.node), [
            mode === 'ipvs' ? 'host.ipvsadm' : mode === 'iptables' ? 'host.iptables-save' : 'host.nft-ruleset-json',
          ]),
        );
        continue;
      }
      const drift = compared.drift;
      if (drift.length === 0)
        out.push({
          status: 'pass',
          subject: nodeSubject(host.node),
          messageId: 'inSync',
          data: { node: host.node, count: services.length },
          basis: basisOf(
            compared.ref,
            clusterFile(s, 'cluster/services.json'),
            clusterFile(s, 'cluster/endpointslices.json'),
            clusterFile(s, 'cluster/endpoints.json'),
          ),
        });
      for (const d of drift) {
        const svcName = `${d.svc.obj.metadata.namespace ?? 'default'}/${d.svc.obj.metadata.name}`;
        out.push({
          status: 'fail',
          subject: serviceSubject(d.svc.obj, host.node),
          messageId: d.problem,
          data: { node: host.node, service: svcName, ports: d.ports.join(', '), mode },
          // the Service object decided which ports and ClusterIP to look for: cite it
          evidence: present(...d.evidence, objectEvidence(d.svc, '/spec/ports', 'the Service ports compared')),
          remediation: remediation(d.svc.obj, host.node),
        });
      }
    }
    return out;
  },
};
