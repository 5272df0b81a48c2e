// SVC-320: one node holds kube-proxy's rules of two modes: the `table ip kube-proxy` of its nftables
// mode (in `nft -j list ruleset`) and the KUBE-SERVICES → KUBE-SVC-* chains of its iptables mode (in
// an iptables-save dump, either backend). kube-proxy cleans up the other mode's rules at start-up
// (cmd/kube-proxy/app/server_linux.go platformCleanup), but only through the iptables binary its
// image picks: after a switch to nftables mode, rules an older kube-proxy wrote with the other
// iptables backend stay. Both sets then act on the same hooks at the same priority (iptables nat
// PREROUTING and kube-proxy's nat-prerouting are both dstnat, -100): whichever the kernel registered
// first binds the connection's DNAT, and the stale set's endpoints are frozen at the switch.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import { knownLineEvidence } from '../../model/evidence.js';
import { nftJsonOf } from '../../model/nft-json.js';
import { CLUSTER, basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { jsonEvidence, present } from '../lib/host.js';
import { proxyDeployment } from './kube-proxy-facts.js';
import { effectiveMode } from './kube-proxy-logs.js';
import { cmd, remedy, word } from '../../text/shell.js';

interface IptablesProxierRules {
  readonly backend: string;
  readonly count: number;
  readonly ev: EvidenceRef;
}

/** KUBE-SERVICES → KUBE-SVC/KUBE-SVL jumps (only kube-proxy's iptables proxier writes them), per dump */
function iptablesProxierRules(host: HostState): IptablesProxierRules | undefined {
  const dumps = [
    [host.iptablesLegacy, 'iptables-legacy'],
    [host.iptablesNft, 'iptables-nft'],
    [host.iptables, 'iptables'],
  ] as const;
  for (const [d, backend] of dumps) {
    const rules =
      d?.value.tables
        .get('nat')
        ?.chains.get('KUBE-SERVICES')
        ?.rules.filter((r) => /^KUBE-(SVC|SVL)-/.test(r.target ?? '')) ?? [];
    const first = rules[0];
    if (d && first)
      return {
        backend,
        count: rules.length,
        ev: knownLineEvidence(d.ref, first.line, first.text, 'a Service rule of the iptables proxier'),
      };
  }
  return undefined;
}

const remediation = (node: string, backend: string) =>
  remedy(
    `Remove the rules of the mode kube-proxy no longer runs: on node ${node}, run kube-proxy's own cleanup with the iptables backend that holds them (${backend}), or reboot the node; then restart kube-proxy so it writes its current mode's rules only.`,
    [
      backend === 'iptables-legacy'
        ? 'iptables-legacy-save -t nat | grep -c KUBE-SVC'
        : 'iptables-save -t nat | grep -c KUBE-SVC',
      'nft list table ip kube-proxy | head',
      cmd`kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', node)} | grep -i -e proxier -e cleanup`,
    ],
  );

export const nftIptablesLeftovers: Rule = {
  id: 'SVC-320',
  slug: 'nft-iptables-leftovers',
  layer: 'service',
  severity: 'critical',
  title: "A node holds kube-proxy's rules of both nftables and iptables mode",
  needs: ['host.nft-ruleset-json', 'host.iptables-save', 'host.iptables-legacy-save', 'host.iptables-nft-save'],
  decidesFrom: [
    ['host.nft-ruleset-json', 'host.iptables-legacy-save'],
    ['host.nft-ruleset-json', 'host.iptables-nft-save'],
    ['host.nft-ruleset-json', 'host.iptables-save'],
    ['cluster.configmap.kube-system.kube-proxy'],
    ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
  ],
  docs: {
    why: "kube-proxy in nftables mode (beta in 1.31, GA in 1.33) programs `table ip kube-proxy`; in iptables mode it programs KUBE-SERVICES/KUBE-SVC-*/KUBE-SEP-* chains. At start-up it deletes the other mode's rules, but through the iptables binary of its own image: when the node's old rules were written with the other iptables backend (legacy vs nf_tables), they stay. Both then DNAT Service traffic on the same hook at the same priority, so which set decides is up to registration order, and the leftover set never changes again: pods deleted since the switch stay endpoints, new Services are missing from it, and its REJECT rules for 'no endpoints' still fire.",
    fix: "Delete the leftover mode's rules on the node (kube-proxy --cleanup with the right iptables backend, or flush the KUBE-* chains of that backend; a reboot also clears them) and restart kube-proxy.",
  },
  messages: {
    both: "node {node} has kube-proxy nftables table ({services} Service destinations) and {count} iptables-mode Service rules in {backend}: two proxies' rules act on the same packets",
    oneMode: 'node {node} has kube-proxy rules of one mode only ({mode})',
    notNftables:
      'kube-proxy does not run in nftables mode ({mode}, {by}) and no node lists a kube-proxy nftables table',
  },
  explains: [
    { rule: 'SVC-303', match: 'same-node' },
    { rule: 'SVC-304', match: 'same-node' },
  ],
  run(s: Snapshot) {
    if (proxyDeployment(s)?.style === 'absent') return [];
    const out: Report[] = [];
    let anyTable = false;
    const unlisted: string[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const nft = nftJsonOf(s, host);
      if (!nft) {
        unlisted.push(host.node);
        continue;
      }
      const kp = nft.kubeProxy;
      const ipt = iptablesProxierRules(host);
      if (kp) anyTable = true;
      if (kp && ipt) {
        out.push({
          status: 'fail',
          subject: nodeSubject(host.node),
          messageId: 'both',
          data: { node: host.node, services: kp.services.length, count: ipt.count, backend: ipt.backend },
          evidence: present(
            jsonEvidence(s, nft.ref, `/nftables/${kp.tableIndex}`, "kube-proxy's nftables-mode table"),
            kp.serviceMapIndex !== undefined
              ? jsonEvidence(s, nft.ref, `/nftables/${kp.serviceMapIndex}/map/name`, 'its Service map')
              : undefined,
            ipt.ev,
          ),
          remediation: remediation(host.node, ipt.backend),
        });
        continue;
      }
      const dumps = [host.iptables, host.iptablesLegacy, host.iptablesNft].filter((d) => d !== undefined);
      // "no iptables-mode rules" needs both backends: the legacy dump and the nf_tables (or default) dump
      const absent = [
        ...(host.iptablesLegacy ? [] : ['host.iptables-legacy-save']),
        ...(host.iptablesNft || host.iptables ? [] : ['host.iptables-save']),
      ];
      if (kp && absent.length > 0) {
        out.push(missingInputs(nodeSubject(host.node), absent));
        continue;
      }
      out.push({
        status: 'pass',
        subject: nodeSubject(host.node),
        messageId: 'oneMode',
        data: { node: host.node, mode: kp ? 'nftables' : ipt ? 'iptables' : 'none' },
        basis: basisOf(nft, ...dumps),
      });
    }
    if (unlisted.length === 0 || anyTable) {
      for (const node of unlisted) out.push(missingInputs(nodeSubject(node), ['host.nft-ruleset-json']));
      return out;
    }
    // nodes without an nft listing: only the mode kube-proxy runs in can say nftables leftovers do not apply
    const mode = effectiveMode(s);
    if (mode && mode.value !== 'nftables')
      return [
        ...out,
        {
          status: 'pass',
          subject: CLUSTER,
          messageId: 'notNftables',
          data: { mode: mode.value, by: mode.by },
          basis: [mode.ref],
        },
      ];
    return [...out, ...unlisted.map((node) => missingInputs(nodeSubject(node), ['host.nft-ruleset-json']))];
  },
};
