// SVC-307 (info): in iptables mode a ClusterIP never answers ping: kube-proxy only DNATs the
// Service's ports, and no interface holds the address. In IPVS mode the VIP sits on kube-ipvs0 and
// the node answers ICMP for it, unless kube-proxy 1.27+ wrote KUBE-IPVS-FILTER, whose last rule
// rejects every NEW packet to a kube-ipvs0 address that is not a Service port (ICMP included:
// kubernetes/website#41002 shows the chain and the failed ping); the rule says which it saw. So
// "cannot ping the Service IP" is evidence of nothing in iptables mode; the report says which case
// the cluster is in. The mode comes from what kube-proxy logged
// it started, its config or flags, or the default of an embedding distribution (k3s: iptables).
import type { Rule } from '../types.js';
import { CLUSTER, missingInputs } from '../lib/reports.js';
import { present, seenEvidence } from '../lib/host.js';
import { proxyDeployment } from './kube-proxy-facts.js';
import { effectiveMode } from './kube-proxy-logs.js';
import type { EvidenceRef } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import { knownLineEvidence } from '../../model/evidence.js';

/**
 * kube-proxy 1.27+ IPVS mode: `-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set
 * KUBE-IPVS-IPS dst -j REJECT`. true with the rule's line when a node's dump has it, false when the
 * dumps were collected and none has it, undefined when no dump was collected.
 */
function ipvsFilterReject(s: Snapshot): { has: true; evidence: EvidenceRef } | { has: false } | undefined {
  let seen = false;
  for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    const dump = host.iptables;
    if (!dump) continue;
    seen = true;
    const rule = dump.value.tables
      .get('filter')
      ?.chains.get('KUBE-IPVS-FILTER')
      ?.rules.find(
        (r) =>
          (r.target === 'REJECT' || r.target === 'DROP') &&
          r.matches.some((m) => m.options.some((o) => o.name === '--match-set' && o.values[0] === 'KUBE-IPVS-IPS')),
      );
    if (rule)
      return {
        has: true,
        evidence: knownLineEvidence(
          dump.ref,
          rule.line,
          rule.text,
          'new packets to ClusterIPs other than Service ports are rejected',
        ),
      };
  }
  return seen ? { has: false } : undefined;
}

export const clusterIpPingSemantics: Rule = {
  id: 'SVC-307',
  slug: 'cluster-ip-ping-semantics',
  layer: 'service',
  severity: 'info',
  infoOnly: true,
  title: 'Whether a ClusterIP answers ping in this cluster',
  needs: ['cluster.configmap.kube-system.kube-proxy'],
  decidesFrom: [
    ['cluster.configmap.kube-system.kube-proxy'],
    ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.journal.<kube-proxy unit>'],
    ['host.rke2-static-pod.*'],
    ['host.snap-kube-proxy-args'],
    ['host.k3s-config'],
    ['fact:components'],
    ['cluster.pods', 'cluster.daemonsets'],
  ],
  docs: {
    why: "A common test is `ping <service IP>` or `ping kubernetes.default`. In iptables mode (the default) that always fails, on a healthy cluster too: only TCP/UDP/SCTP to the Service's ports is DNATed and nothing owns the ClusterIP. In IPVS mode kube-proxy binds every ClusterIP to the dummy interface kube-ipvs0, so ping does answer (from the node, whether or not any backend works), except that kube-proxy 1.27 and later add KUBE-IPVS-FILTER, which rejects every new packet to those addresses that is not for a Service port: ping then gets 'port unreachable' on a healthy cluster too.",
    fix: 'Test a Service with its protocol and port instead: `nslookup kubernetes.default` for DNS, `curl -v http://<service>:<port>` or `nc -vz <ClusterIP> <port>`.',
  },
  messages: {
    iptables:
      'kube-proxy runs in {mode} mode ({by}): a ClusterIP never answers ping, so a failed ping is not evidence of a fault; test the Service port instead',
    ipvs: 'kube-proxy runs in IPVS mode ({by}): ClusterIPs sit on kube-ipvs0 and answer ping even when no backend works; test the Service port instead',
    ipvsFiltered:
      'kube-proxy runs in IPVS mode ({by}) with KUBE-IPVS-FILTER (1.27+): ClusterIPs sit on kube-ipvs0 but new packets to them other than Service ports are rejected, so ping fails on a healthy cluster; test the Service port instead',
    ipvsUnsure:
      'kube-proxy runs in IPVS mode ({by}): ClusterIPs sit on kube-ipvs0 and answer ping before kube-proxy 1.27, while 1.27+ rejects it (KUBE-IPVS-FILTER; no iptables dump here to tell); test the Service port instead',
    notUsed: 'the cluster does not run kube-proxy ({by})',
  },
  run(s) {
    const d = proxyDeployment(s);
    if (d?.style === 'absent')
      return [
        {
          status: 'pass',
          subject: CLUSTER,
          messageId: 'notUsed',
          severity: 'info',
          data: { by: d.by },
          basis: d.basis,
        },
      ];
    const mode = effectiveMode(s);
    const derived = s.derived.kubeProxyMode;
    if (!mode && !derived)
      return [
        missingInputs(CLUSTER, [
          'cluster.configmap.kube-system.kube-proxy',
          'cluster.log.kube-system.<kube-proxy pod>.kube-proxy',
        ]),
      ];
    const value = mode?.value ?? derived?.value ?? 'iptables';
    const ipvs = value === 'ipvs';
    const filter = ipvs ? ipvsFilterReject(s) : undefined;
    const evidence = present(
      mode?.evidence ?? (derived ? seenEvidence(s, derived, `kube-proxy mode (${derived.by})`) : undefined),
      filter?.has ? filter.evidence : undefined,
    );
    return [
      {
        status: 'pass',
        severity: 'info',
        subject: CLUSTER,
        messageId: !ipvs ? 'iptables' : !filter ? 'ipvsUnsure' : filter.has ? 'ipvsFiltered' : 'ipvs',
        data: { mode: value || 'iptables', by: mode?.by ?? derived?.by ?? '' },
        evidence,
        basis: mode ? [mode.ref] : derived ? [{ bundle: derived.at.bundle, path: derived.at.path }] : [],
      },
    ];
  },
};
