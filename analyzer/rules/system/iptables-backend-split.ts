// SYS-105: iptables has two kernel backends (legacy xtables and nf_tables) and packets traverse
// both. When kube-proxy (or kubelet, Docker, flannel) writes to one and the host's `iptables`
// points at the other, half the rules are invisible to whoever looks, and stale rules in the other
// backend keep dropping or NATing traffic. iptables-nft says so: "# Warning: iptables-legacy tables
// present" on stderr (the collector keeps it in the manifest record's stderrTail; a dump taken
// with 2>&1 has it as its first line, so both places count).
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import type { IptablesBackend, IptablesSave } from '../../parse/types.js';
import { missingInputs, nodeSubject } from '../lib/reports.js';
import { lineAt, PEER_EXPLAINS, present, ruleEvidence } from '../lib/host.js';
import { sourceRecord, sourceRecordEvidence } from '../lib/manifest.js';

const LEGACY_WARNING = 'iptables-legacy tables present';
/** the nf_tables dumps whose stderr can carry the warning */
const NFT_SOURCES = ['host.iptables-save', 'host.iptables-nft-save'];

/** the source whose stderr warned that legacy tables exist, if any */
function stderrWarning(s: Snapshot, host: HostState): string | undefined {
  return NFT_SOURCES.find((id) => sourceRecord(s, host.bundle, id)?.record.stderrTail.includes(LEGACY_WARNING));
}

const KUBE_PROXY_CHAINS = ['KUBE-SERVICES', 'KUBE-POSTROUTING', 'KUBE-FORWARD', 'KUBE-PROXY-CANARY'];

/** the first kube-proxy rule in a dump, if kube-proxy wrote there */
export function firstKubeProxyRule(save: IptablesSave) {
  for (const table of ['nat', 'filter', 'mangle']) {
    const t = save.tables.get(table);
    for (const name of KUBE_PROXY_CHAINS) {
      const rule = t?.chains.get(name)?.rules[0];
      if (rule) return rule;
    }
  }
  return undefined;
}

function backendOf(host: HostState): IptablesBackend | undefined {
  const b = host.iptables?.value.backend;
  if (b) return b;
  const v = host.iptablesVersion?.value ?? '';
  return v.includes('(legacy)') ? 'legacy' : v.includes('(nf_tables)') ? 'nf_tables' : undefined;
}

function other(b: IptablesBackend): IptablesBackend {
  return b === 'legacy' ? 'nf_tables' : 'legacy';
}

function headerEvidence(s: Snapshot, d: Sourced<IptablesSave> | undefined, note: string): EvidenceRef | undefined {
  return d?.value.headerLine !== undefined ? lineAt(s, d.ref, d.value.headerLine, note) : undefined;
}

function remediation(kubeIn: IptablesBackend | undefined, stale: IptablesBackend) {
  const keep = kubeIn ?? 'nf_tables';
  const keepTool = keep === 'legacy' ? 'iptables-legacy' : 'iptables-nft';
  const staleTool = stale === 'legacy' ? 'iptables-legacy' : 'iptables-nft';
  return {
    explanation: `Use one backend on the node: point the iptables alternatives at the one kube-proxy uses (${keep}), then remove the stale rules from the other after saving them.`,
    commands: [
      `update-alternatives --set iptables /usr/sbin/${keepTool}`,
      `update-alternatives --set ip6tables /usr/sbin/${keepTool.replace('iptables', 'ip6tables')}`,
      `${staleTool}-save > /root/${staleTool}-before-cleanup.rules`,
      `${staleTool} -t nat -F && ${staleTool} -t filter -F && ${staleTool} -t mangle -F`,
    ],
  };
}

export const iptablesBackendSplit: Rule = {
  id: 'SYS-105',
  slug: 'iptables-backend-split',
  layer: 'system',
  severity: 'critical',
  title: 'iptables rules split between the legacy and nf_tables backends',
  needs: ['host.iptables-save', 'host.iptables-legacy-save', 'host.iptables-nft-save', 'host.iptables-version'],
  docs: {
    why: 'The kernel runs the rules of both iptables backends. If kube-proxy writes to one (it follows kubelet\'s KUBE-IPTABLES-HINT or its image default) and the node\'s `iptables` is the other, Service rules look missing to anyone on the node and old rules left in the other backend (a Docker FORWARD DROP, stale KUBE-* chains) still act on every packet. iptables-nft prints "# Warning: iptables-legacy tables present" when this is the case.',
    fix: 'Choose one backend (the one kube-proxy uses) with update-alternatives, save and flush the rules of the other, then restart kube-proxy and flannel so they rewrite their rules.',
  },
  messages: {
    kubeProxyElsewhere: 'kube-proxy\'s rules on node {node} are in the {kubeIn} backend while the node\'s iptables is {default}',
    bothBackends: 'node {node} has rules in both the legacy and the nf_tables backend; both act on every packet',
    single: 'node {node} uses only the {default} iptables backend',
  },
  explains: [...PEER_EXPLAINS, { rule: 'SVC-303', match: 'same-node' }, { rule: 'SVC-302', match: 'same-node' }],
  run(s) {
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const def = backendOf(host);
      if (!host.iptables || !def) {
        out.push(missingInputs(subject, ['host.iptables-save']));
        continue;
      }
      const alt = other(def);
      const altDump = [host.iptablesLegacy, host.iptablesNft].find((d) => d?.value.backend === alt);
      const warned = host.iptables.value.legacyTablesPresentLine;
      const warnedOnStderr = stderrWarning(s, host);
      const altHasRules = (altDump?.value.ruleCount ?? 0) > 0 || warned !== undefined || warnedOnStderr !== undefined;
      const data = { node: host.node, default: def };
      if (!altHasRules) {
        out.push({ status: 'pass', subject, messageId: 'single', data });
        continue;
      }
      const kubeDefault = firstKubeProxyRule(host.iptables.value);
      const kubeAlt = altDump ? firstKubeProxyRule(altDump.value) : undefined;
      const evidence = present(
        warned !== undefined ? lineAt(s, host.iptables.ref, warned, 'the other backend holds rules too') : undefined,
        warnedOnStderr ? sourceRecordEvidence(s, host.bundle, warnedOnStderr, 'stderrTail', `${warnedOnStderr.replace('host.', '')} warned on stderr: the other backend holds rules too`) : undefined,
        headerEvidence(s, host.iptables, `the node's iptables is ${def}`),
        kubeDefault ? ruleEvidence(host.iptables.ref, kubeDefault, 'kube-proxy rules in the default backend') : undefined,
        kubeAlt && altDump ? ruleEvidence(altDump.ref, kubeAlt, `kube-proxy rules in the ${alt} backend`) : undefined,
        altDump && !kubeAlt ? headerEvidence(s, altDump, `rules in the ${alt} backend`) : undefined,
      );
      // kube-proxy's rules only in the other backend (or, without that dump, not in the default one)
      if (!kubeDefault && (kubeAlt || !altDump)) {
        out.push({ status: 'fail', subject, messageId: 'kubeProxyElsewhere', data: { ...data, kubeIn: alt }, evidence, remediation: remediation(alt, def) });
      } else {
        out.push({ status: 'warn', subject, messageId: 'bothBackends', data, evidence, remediation: remediation(kubeDefault ? def : alt, kubeDefault ? alt : def) });
      }
    }
    return out;
  },
};
