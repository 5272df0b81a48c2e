// SYS-105: iptables has two kernel backends (legacy xtables and nf_tables) and packets traverse
// both. When kube-proxy (or kubelet, Docker, flannel) writes to one and the host's `iptables`
// points at the other, half the rules are invisible to whoever looks, and stale rules in the other
// backend keep dropping or NATing traffic. iptables-nft says so: "# Warning: iptables-legacy tables
// present" on stderr (the collector keeps it in the manifest record's stderrTail; a dump taken
// with 2>&1 has it as its first line, so both places count).
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { FileRef, HostState, Snapshot, Sourced } from '../../model/types.js';
import type { IptablesBackend, IptablesSave } from '../../parse/types.js';
import { IPTABLES_TABLES, iptablesTableInNft, type NftRuleset } from '../../parse/nft.js';
import { defaultBackend, nftRulesetOf, type BackendBasis } from '../../model/iptables-dumps.js';
import { basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { lineAt, PEER_EXPLAINS, present, ruleEvidence } from '../lib/host.js';
import { sourceRecord, sourceRecordEvidence } from '../lib/manifest.js';
import { cmd, raw, remedy } from '../../text/shell.js';

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

function other(b: IptablesBackend): IptablesBackend {
  return b === 'legacy' ? 'nf_tables' : 'legacy';
}

/** what says a backend holds rules, and kube-proxy's first rule there if seen */
interface Held {
  readonly evidence: (EvidenceRef | undefined)[];
  kube?: { readonly ref: FileRef; readonly rule: { readonly line: number; readonly text: string } };
  kubeKnown: boolean;
}

/**
 * the iptables tables (`table ip nat`...) of `nft list ruleset` that hold rules: nf_tables rules iptables-nft would
 * show
 */
function nftIptablesRules(nft: Sourced<NftRuleset>) {
  for (const table of IPTABLES_TABLES) {
    const t = iptablesTableInNft(nft.value, table);
    const rule = t && [...t.chains.values()].flatMap((c) => c.rules)[0];
    if (t && rule) return { table: t, rule };
  }
  return undefined;
}

function backendEvidence(s: Snapshot, b: BackendBasis | undefined, note: string): EvidenceRef | undefined {
  return b?.line !== undefined ? lineAt(s, b.ref, b.line, note) : undefined;
}

function headerEvidence(s: Snapshot, d: Sourced<IptablesSave> | undefined, note: string): EvidenceRef | undefined {
  return d?.value.headerLine !== undefined ? lineAt(s, d.ref, d.value.headerLine, note) : undefined;
}

function remediation(kubeIn: IptablesBackend | undefined, stale: IptablesBackend) {
  const keep = kubeIn ?? 'nf_tables';
  const keepTool = keep === 'legacy' ? 'iptables-legacy' : 'iptables-nft';
  const staleTool = stale === 'legacy' ? 'iptables-legacy' : 'iptables-nft';
  // the tools are netsnap's fixed names, not bundle text
  return remedy(
    `Use one backend on the node: point the iptables alternatives at the one kube-proxy uses (${keep}), then remove the stale rules from the other after saving them.`,
    [
      cmd`update-alternatives --set iptables /usr/sbin/${raw(keepTool)}`,
      cmd`update-alternatives --set ip6tables /usr/sbin/${raw(keepTool.replace('iptables', 'ip6tables'))}`,
      cmd`${raw(staleTool)}-save > /root/${raw(staleTool)}-before-cleanup.rules`,
      cmd`${raw(staleTool)} -t nat -F && ${raw(staleTool)} -t filter -F && ${raw(staleTool)} -t mangle -F`,
    ],
  );
}

export const iptablesBackendSplit: Rule = {
  id: 'SYS-105',
  slug: 'iptables-backend-split',
  layer: 'system',
  severity: 'critical',
  title: 'iptables rules split between the legacy and nf_tables backends',
  needs: [
    'host.iptables-save',
    'host.iptables-legacy-save',
    'host.iptables-nft-save',
    'host.iptables-version',
    'host.nft-ruleset',
  ],
  docs: {
    why: 'The kernel runs the rules of both iptables backends. If kube-proxy writes to one (it follows kubelet\'s KUBE-IPTABLES-HINT or its image default) and the node\'s `iptables` is the other, Service rules look missing to anyone on the node and old rules left in the other backend (a Docker FORWARD DROP, stale KUBE-* chains) still act on every packet. iptables-nft prints "# Warning: iptables-legacy tables present" when this is the case.',
    fix: 'Choose one backend (the one kube-proxy uses) with update-alternatives, save and flush the rules of the other, then restart kube-proxy and flannel so they rewrite their rules.',
  },
  messages: {
    kubeProxyElsewhere:
      "kube-proxy's rules on node {node} are in the {kubeIn} backend while the node's iptables is {default}",
    bothBackends: 'node {node} has rules in both the legacy and the nf_tables backend; both act on every packet',
    kubeProxyBoth:
      'kube-proxy rules are in both the legacy and the nf_tables backend of node {node}: one copy is stale and still rewrites Service traffic',
    single: 'node {node} uses only the {default} iptables backend',
    noRules: 'node {node} has no iptables rules in the dumps collected: nothing to split',
  },
  decidesFrom: [
    ['host.iptables-save'],
    ['host.iptables-save', 'host.iptables-version'],
    ['host.iptables-save', 'host.iptables-legacy-save'],
    ['host.iptables-save', 'host.iptables-nft-save'],
    ['host.iptables-save', 'host.nft-ruleset'],
    ['host.iptables-legacy-save', 'host.iptables-nft-save'],
  ],
  explains: [...PEER_EXPLAINS, { rule: 'SVC-303', match: 'same-node' }, { rule: 'SVC-302', match: 'same-node' }],
  run(s) {
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const d0 = host.iptables;
      const nft = nftRulesetOf(s, host);
      const warned = d0?.value.legacyTablesPresentLine;
      const warnedOnStderr = stderrWarning(s, host);
      const basis = defaultBackend(s, host);
      const def: IptablesBackend | undefined =
        basis?.backend ?? (warnedOnStderr === 'host.iptables-save' ? 'nf_tables' : undefined);
      if (!d0 && !host.iptablesLegacy && !host.iptablesNft) {
        out.push(missingInputs(subject, ['host.iptables-save']));
        continue;
      }
      const held = new Map<IptablesBackend, Held>();
      const hold = (b: IptablesBackend, ev: EvidenceRef | undefined, dump?: Sourced<IptablesSave>) => {
        const h = held.get(b) ?? { evidence: [], kubeKnown: false };
        h.evidence.push(ev);
        if (dump) {
          h.kubeKnown = true;
          const k = h.kube ? undefined : firstKubeProxyRule(dump.value);
          if (k) h.kube = { ref: dump.ref, rule: k };
        }
        held.set(b, h);
      };
      if (d0 && def && d0.value.ruleCount > 0)
        hold(
          def,
          headerEvidence(s, d0, `rules in the ${def} backend (the node's iptables)`) ??
            backendEvidence(s, basis, `the node's iptables is ${def}`),
          d0,
        );
      for (const [b, dump] of [
        ['legacy', host.iptablesLegacy],
        ['nf_tables', host.iptablesNft],
      ] as const) {
        if (dump && dump.value.ruleCount > 0)
          hold(
            b,
            headerEvidence(s, dump, `rules in the ${b} backend`) ?? lineAt(s, dump.ref, 1, `rules in the ${b} backend`),
            dump,
          );
      }
      if (warned !== undefined && d0) hold('legacy', lineAt(s, d0.ref, warned, 'the other backend holds rules too'));
      if (warnedOnStderr)
        hold(
          'legacy',
          sourceRecordEvidence(
            s,
            host.bundle,
            warnedOnStderr,
            'stderrTail',
            `${warnedOnStderr.replace('host.', '')} warned on stderr: the other backend holds rules too`,
          ),
        );
      const inNft = nft && nftIptablesRules(nft);
      if (nft && inNft)
        hold(
          'nf_tables',
          lineAt(
            s,
            nft.ref,
            inNft.table.line,
            `nft list ruleset: table ip ${inNft.table.name} holds iptables-nft rules`,
          ),
        );
      const data = { node: host.node, default: def ?? 'unknown' };
      const decidedBy = basisOf(d0, host.iptablesLegacy, host.iptablesNft, host.iptablesVersion, nft);
      // rules in the default dump whose backend nothing states, and no two explicit dumps that settle it
      if (!def && d0 && d0.value.ruleCount > 0 && held.size === 1) {
        out.push(missingInputs(subject, ['host.iptables-version', 'host.nft-ruleset']));
        continue;
      }
      if (held.size === 0 && !def) {
        // rules whose backend nothing states (a plain 1.8.x header), or no rules at all
        if ((d0?.value.ruleCount ?? 0) > 0)
          out.push(
            missingInputs(subject, [
              'host.iptables-version',
              'host.nft-ruleset',
              'host.iptables-legacy-save',
              'host.iptables-nft-save',
            ]),
          );
        else out.push({ status: 'pass', subject, messageId: 'noRules', data: { node: host.node }, basis: decidedBy });
        continue;
      }
      if (held.size <= 1) {
        const only = [...held.keys()][0] ?? def;
        const h = only ? held.get(only) : undefined;
        // the one backend with rules is not the node's, and the node's shows no kube-proxy rules
        if (only && def && only !== def && !(d0 && firstKubeProxyRule(d0.value))) {
          out.push({
            status: 'fail',
            subject,
            messageId: 'kubeProxyElsewhere',
            data: { ...data, kubeIn: only },
            evidence: present(
              ...(h?.evidence ?? []),
              h?.kube ? ruleEvidence(h.kube.ref, h.kube.rule, `kube-proxy rules in the ${only} backend`) : undefined,
              headerEvidence(s, d0, `the node's iptables is ${def}`) ??
                backendEvidence(s, basis, `the node's iptables is ${def}`),
            ),
            remediation: remediation(only, def),
          });
        } else
          out.push({
            status: 'pass',
            subject,
            messageId: 'single',
            data: { ...data, default: only ?? 'unknown' },
            basis: decidedBy,
          });
        continue;
      }
      // both backends hold rules: both act on every packet
      const kubeDef = def ? held.get(def)?.kube : undefined;
      const alt = def ? other(def) : undefined;
      const kubeAlt = alt ? held.get(alt)?.kube : undefined;
      const evidence = present(
        ...[...held.values()].flatMap((h) => h.evidence),
        ...[...held].map(([b, h]) =>
          h.kube ? ruleEvidence(h.kube.ref, h.kube.rule, `kube-proxy rules in the ${b} backend`) : undefined,
        ),
        backendEvidence(s, basis, `the node's iptables is ${def ?? 'unknown'}`),
      );
      if (def && alt && !kubeDef && (kubeAlt || !held.get(alt)?.kubeKnown) && !(d0 && firstKubeProxyRule(d0.value))) {
        out.push({
          status: 'fail',
          subject,
          messageId: 'kubeProxyElsewhere',
          data: { ...data, kubeIn: alt },
          evidence,
          remediation: remediation(alt, def),
        });
      } else if ([...held.values()].every((h) => h.kube)) {
        // kube-proxy keeps one backend current; the other copy is stale and still DNATs Service traffic to old
        // endpoints
        const keep = kubeDef ? (def as IptablesBackend) : 'nf_tables';
        out.push({
          status: 'fail',
          subject,
          messageId: 'kubeProxyBoth',
          data,
          evidence,
          remediation: remediation(keep, other(keep)),
        });
      } else {
        const kubeIn = kubeDef ? def : kubeAlt ? alt : def;
        out.push({
          status: 'warn',
          subject,
          messageId: 'bothBackends',
          data,
          evidence,
          remediation: remediation(kubeIn, kubeIn ? other(kubeIn) : 'legacy'),
        });
      }
    }
    return out;
  },
};
