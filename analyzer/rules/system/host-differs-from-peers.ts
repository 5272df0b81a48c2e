// SYS-108: with bundles from several nodes, a host fact on one node that its peers do not share
// (no MASQUERADE, ip_forward, bridge-nf-call-iptables, rp_filter, the iptables backend, the number
// of flannel routes) is the quickest pointer to "what is different about the broken node".
// A warn only: the specific SYS/NET rule for the same node explains it when it knows why.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import { basisOf, CLUSTER, nodeSubject } from '../lib/reports.js';
import { jsonEvidence, lineAt, mainRoutes, present, sysctlEntry, sysctlEvidence } from '../lib/host.js';
import { egressVerdicts, natSteps } from './pod-egress-not-masqueraded.js';
import { stepEvidence } from '../lib/pod-trace.js';
import { defaultBackend } from '../../model/iptables-dumps.js';
import { isKubernetesHost, notANode } from '../lib/node-scope.js';

interface Fact {
  readonly value: string;
  readonly evidence?: EvidenceRef;
}

interface FactSpec {
  readonly name: string;
  /** the source it is read from, named when a node lacks it */
  readonly source: string;
  /** the healthy value, to break a tie between two nodes */
  readonly preferred?: string;
  read(s: Snapshot, host: HostState): Fact | undefined;
}

const sysctlFact = (key: string, preferred?: string): FactSpec => ({
  name: key,
  source: 'host.sysctl',
  ...(preferred ? { preferred } : {}),
  read(s, host) {
    const e = sysctlEntry(host, key);
    return e ? { value: e.value.trim(), evidence: sysctlEvidence(s, host, e, `${key} on this node`) } : undefined;
  },
});

const FACTS: readonly FactSpec[] = [
  {
    name: 'pod egress masquerade',
    source: 'host.iptables-save',
    preferred: 'present',
    read(s, host) {
      const verdicts = egressVerdicts(s, host);
      const first = verdicts?.[0];
      if (!first) return undefined;
      const hit = verdicts.find((v) => v.masqueraded);
      const snat = hit && natSteps(hit).snat;
      if (hit && snat)
        return { value: 'present', evidence: stepEvidence(s, hit.dump.ref, snat, 'masquerades pod egress') };
      if (verdicts.some((v) => v.undetermined)) return undefined; // the tracer could not tell
      const chain = first.dump.value.tables.get('nat')?.chains.get('POSTROUTING');
      return {
        value: 'absent',
        evidence: chain
          ? lineAt(s, first.dump.ref, chain.line, 'no MASQUERADE for pod egress in nat POSTROUTING')
          : undefined,
      };
    },
  },
  sysctlFact('net.ipv4.ip_forward', '1'),
  sysctlFact('net.bridge.bridge-nf-call-iptables', '1'),
  sysctlFact('net.ipv4.conf.all.rp_filter'),
  {
    name: 'iptables backend',
    source: 'host.iptables-save',
    read(s, host) {
      // from whatever states it (header suffix, iptables --version, nft ruleset...), never a plain 1.8.x header alone
      const b = defaultBackend(s, host);
      if (!b) return undefined;
      return {
        value: b.backend,
        evidence: b.line !== undefined ? lineAt(s, b.ref, b.line, 'iptables backend') : undefined,
      };
    },
  },
  {
    name: 'routes via flannel',
    source: 'host.ip-route',
    read(s, host) {
      if (!host.routes) return undefined;
      const via = mainRoutes(host.routes.value).filter((r) => r.dev !== undefined && /^flannel[.-]/.test(r.dev));
      const first = via[0];
      return {
        value: String(via.length),
        evidence: jsonEvidence(s, host.routes.ref, first ? `/${first.at}` : '', 'routes to peer pod subnets'),
      };
    },
  },
];

/** the value most nodes share, or the preferred one on a tie; undefined when there is no norm */
function norm(values: readonly string[], preferred: string | undefined): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const [top, second] = sorted;
  if (!top || sorted.length < 2) return undefined;
  if (second && second[1] === top[1])
    return preferred !== undefined && counts.has(preferred) && counts.get(preferred) === top[1] ? preferred : undefined;
  return top[0];
}

export const hostDiffersFromPeers: Rule = {
  id: 'SYS-108',
  slug: 'host-differs-from-peers',
  layer: 'system',
  severity: 'warning',
  title: "A host setting differs from the node's peers",
  // the difference is a fault of any layer seen from outside: NET-205's missing route shows here too
  crossLayer: true,
  needs: ['host.sysctl', 'host.iptables-save', 'host.ip-route', 'several node bundles'],
  // any one fact read on two or more nodes decides it
  decidesFrom: [
    ['host.sysctl', 'several node bundles'],
    ['host.iptables-save', 'several node bundles'],
    ['host.ip-route', 'several node bundles'],
  ],
  docs: {
    why: 'Nodes of one cluster are meant to be alike. When one node lacks the MASQUERADE rule, runs with another sysctl, another iptables backend or fewer flannel routes than its peers, that difference is the first place to look even before knowing whether it is the cause.',
    fix: 'Compare the node with a healthy peer (`sysctl -a`, `iptables-save`, `ip route`) and bring it in line; the specific finding for the same node, when there is one, says how.',
  },
  messages: {
    differs: 'node {node} differs from its peers in {facts}',
    alike: 'node {node} matches its peers',
    incomplete: 'node {node} matches the peers it can be compared with, but {facts} could not be read on every node',
    onePeer: 'only one node bundle loaded: nothing to compare',
  },
  run(s) {
    const all = [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node));
    // a host that is not a Kubernetes node is nobody's peer (lib/node-scope.ts)
    const skipped = all.flatMap((h) => notANode(s, h.node, nodeSubject(h.node)) ?? []);
    const hosts = all.filter((h) => isKubernetesHost(s, h.node) !== false);
    if (hosts.length < 2)
      return [
        ...skipped,
        { status: 'unknown', subject: CLUSTER, messageId: 'onePeer', missing: ['several node bundles'] },
      ];
    const seen = FACTS.map((spec) => ({ spec, byNode: new Map(hosts.map((h) => [h.node, spec.read(s, h)] as const)) }));
    const out: Report[] = [...skipped];
    for (const host of hosts) {
      const differs: { name: string; fact: Fact; usual: string }[] = [];
      const read: Fact[] = [];
      for (const { spec, byNode } of seen) {
        const mine = byNode.get(host.node);
        if (!mine) continue;
        read.push(mine);
        const values = [...byNode.values()].filter((f): f is Fact => f !== undefined).map((f) => f.value);
        const usual = norm(values, spec.preferred);
        if (usual !== undefined && mine.value !== usual) differs.push({ name: spec.name, fact: mine, usual });
      }
      const subject = nodeSubject(host.node);
      // a fact read on some nodes only: this node's or a peer's side of the comparison is missing,
      // so "alike" would rest on the absence (the peer might be the odd one, or this node)
      const partial = seen.filter(({ byNode }) => {
        const vs = [...byNode.values()];
        return vs.some((f) => f !== undefined) && vs.some((f) => f === undefined);
      });
      if (differs.length === 0 && partial.length > 0) {
        const missing = partial.flatMap(({ spec, byNode }) =>
          [...byNode].filter(([, f]) => f === undefined).map(([node]) => `${spec.source}@${node}`),
        );
        out.push({
          status: 'unknown',
          subject,
          messageId: 'incomplete',
          data: { node: host.node, facts: partial.map((p) => p.spec.name).join(', ') },
          missing: [...new Set(missing)].sort(),
        });
        continue;
      }
      if (differs.length === 0) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'alike',
          data: { node: host.node },
          basis: basisOf(...read.map((f) => f.evidence)),
        });
        continue;
      }
      out.push({
        status: 'warn',
        subject,
        messageId: 'differs',
        data: {
          node: host.node,
          facts: differs.map((d) => `${d.name} (${d.fact.value}, peers ${d.usual})`).join(', '),
          first: differs[0]?.name ?? '',
        },
        evidence: present(...differs.map((d) => d.fact.evidence)),
      });
    }
    return out;
  },
};
