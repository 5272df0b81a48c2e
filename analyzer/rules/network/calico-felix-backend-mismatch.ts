// NET-217: felix writes its cali-* chains into a different iptables backend than the host's own
// `iptables` (and so kube-proxy, kubelet and the host firewall) uses. Both backends are traversed
// by every packet, each with its own FORWARD policy and NAT, so felix's "policy accepted" ACCEPT in
// one does not stop a DROP in the other, and `iptables-save` on the host hides half the rules.
// FelixConfiguration iptablesBackend (FELIX_IPTABLESBACKEND) set to Legacy or NFT against the
// host is the classic cause; Auto detects it.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import type { IptablesSave } from '../../parse/types.js';
import { defaultBackend } from '../../model/iptables-dumps.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { lineAt } from '../lib/host.js';
import { nodeHosts } from '../lib/node-scope.js';
import { remedy } from '../../text/shell.js';
import { calicoNodePods, unlessCalico } from './calico-presence.js';

const FELIX_CHAINS: readonly [string, string][] = [
  ['filter', 'cali-FORWARD'],
  ['filter', 'cali-INPUT'],
  ['raw', 'cali-PREROUTING'],
];

/** the first felix chain declaration in a dump */
function felixChain(save: IptablesSave): { table: string; chain: string; line: number } | undefined {
  for (const [table, chain] of FELIX_CHAINS) {
    const c = save.tables.get(table)?.chains.get(chain);
    if (c) return { table, chain, line: c.line };
  }
  return undefined;
}

const label = (b: string): string => (b === 'legacy' ? 'legacy' : 'nf_tables');

function felixSetting(s: Snapshot): { value: string; ev: EvidenceRef } | undefined {
  const def = (s.cluster.calico?.felixConfigurations ?? []).find((f) => f.obj.metadata.name === 'default');
  const v = def?.obj.spec?.iptablesBackend;
  return def && v
    ? { value: v, ev: objectEvidence(def, '/spec/iptablesBackend', "felix's configured backend") }
    : undefined;
}

export const calicoFelixBackendMismatch: Rule = {
  id: 'NET-217',
  slug: 'calico-felix-backend-mismatch',
  layer: 'network',
  severity: 'critical',
  title: "felix writes to another iptables backend than the host's",
  needs: [
    'host.iptables-legacy-save',
    'host.iptables-nft-save',
    'host.iptables-save',
    'cluster.calico.felixconfigurations',
  ],
  decidesFrom: [
    ['host.iptables-legacy-save', 'host.iptables-save'],
    ['host.iptables-nft-save', 'host.iptables-save'],
  ],
  docs: {
    why: "The kernel runs the legacy xtables hooks and the nf_tables ones for every packet. felix's cali-* chains in one backend while kube-proxy and the host's firewall use the other means two FORWARD policies, two NAT tables and rules nobody sees with the host's iptables-save: felix's \"Policy explicitly accepted packet\" ACCEPT does not stop a DROP in the other backend.",
    fix: 'Set FelixConfiguration iptablesBackend to Auto (or to what `iptables --version` says on the nodes), restart calico-node, and flush the cali-* chains left in the wrong backend.',
  },
  messages: {
    split: "felix's chains on node {node} are in the {felix} backend but the host's iptables uses {host}",
    same: "felix's chains on node {node} are in the host's {host} backend",
    notUsed: 'the cluster does not run Calico',
  },
  explains: [],
  run(s) {
    const skip = unlessCalico(s);
    if (skip.length) return skip;
    const calicoNodes = new Set(calicoNodePods(s).map((x) => x.node));
    const setting = felixSetting(s);
    const out: Report[] = [];
    for (const { host, subject } of nodeHosts(s, out)) {
      if (calicoNodes.size > 0 && !calicoNodes.has(host.node)) continue;
      const hostBackend = defaultBackend(s, host);
      const dumps: [string, Sourced<IptablesSave> | undefined][] = [
        ['legacy', host.iptablesLegacy],
        ['nf_tables', host.iptablesNft],
      ];
      const holding = dumps.flatMap(([b, d]) => {
        const c = d && felixChain(d.value);
        return c && d ? [{ backend: b, dump: d, chain: c }] : [];
      });
      if (!hostBackend || (holding.length === 0 && dumps.some(([, d]) => !d))) {
        out.push(missingInputs(subject, missing(host, hostBackend !== undefined)));
        continue;
      }
      if (holding.length === 0) continue; // no felix chains on this host at all: NET-211 covers calico-node
      const wrong = holding.filter((h) => h.backend !== hostBackend.backend);
      if (wrong.length === 0 || holding.length > wrong.length) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'same',
          data: { node: host.node, host: label(hostBackend.backend) },
          basis: basisOf(...holding.map((h) => h.dump)),
        });
        continue;
      }
      const w = wrong[0]!;
      const evidence: EvidenceRef[] = [];
      const at = lineAt(s, w.dump.ref, w.chain.line, `felix's ${w.chain.table} ${w.chain.chain} is here`);
      if (at) evidence.push(at);
      const hb =
        hostBackend.line !== undefined ? lineAt(s, hostBackend.ref, hostBackend.line, "the host's backend") : undefined;
      if (hb) evidence.push(hb);
      if (setting) evidence.push(setting.ev);
      out.push({
        status: 'fail',
        subject,
        messageId: 'split',
        data: { node: host.node, felix: label(w.backend), host: label(hostBackend.backend) },
        evidence,
        remediation: remedy('Let felix use the host backend, then remove its chains from the other one.', [
          'kubectl patch felixconfiguration.crd.projectcalico.org default --type merge -p \'{"spec":{"iptablesBackend":"Auto"}}\'',
          'iptables --version',
          w.backend === 'legacy' ? 'iptables-legacy-save | grep -c cali-' : 'iptables-nft-save | grep -c cali-',
        ]),
      });
    }
    return out;
  },
};

function missing(host: HostState, backendKnown: boolean): string[] {
  return [
    ...(backendKnown ? [] : ['host.iptables-save']),
    ...(host.iptablesLegacy ? [] : ['host.iptables-legacy-save']),
    ...(host.iptablesNft ? [] : ['host.iptables-nft-save']),
  ];
}
