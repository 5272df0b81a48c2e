// SYS-111: iptables-nft is a translation. What nft (or a newer iptables, firewalld, a CNI in nft
// mode) wrote into the iptables tables may not translate back: iptables-nft-save then prints
// "# Table `nat' is incompatible, use 'nft' tool." instead of the table, or a rule with
// "[unsupported revision]" in place of the options it could not decode. Whatever reads that view
// (a person, kube-proxy's own checks, this project's tracer) misses rules the kernel still runs.
// With `nft list ruleset` in the bundle the two views are compared chain by chain.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import type { IptablesSave } from '../../parse/types.js';
import { IPTABLES_TABLES, iptablesTableInNft, type NftRuleset } from '../../parse/nft.js';
import { dumpBackend, nftRulesetOf } from '../../model/iptables-dumps.js';
import { basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { lineAt, present } from '../lib/host.js';
import { sourceRecord, sourceRecordEvidence } from '../lib/manifest.js';

const STDERR_SOURCES = ['host.iptables-save', 'host.iptables-nft-save'];
// iptables <= 1.8.8: "table `nat' is incompatible"; 1.8.9+: "chain `INPUT' in table `filter' is incompatible"
const STDERR_INCOMPATIBLE = /(?:chain `([^']+)' in )?table `([^']+)' is incompatible, use 'nft' tool/;

// the iptables error as components quote it, and calico-node's own line (felix/table.go: `table="filter"`)
const LOG_INCOMPATIBLE =
  /(?:chain `([^']+)' in )?table `([^']+)' is incompatible, use 'nft' tool|incompatible nft rules in the table.*?table="([^"]+)"/;
const LOG_UNITS = [
  'k3s',
  'k3s-agent',
  'rke2-server',
  'rke2-agent',
  'kube-proxy',
  'kubelet',
  'snap.kube-proxy.daemon',
  'snap.microk8s.daemon-kubelite',
  'snap.microk8s.daemon-proxy',
];
const LOG_CONTAINERS = /^(kube-proxy|calico-node|kube-router)/;

/**
 * the logs of this node's components that run iptables: journald units, and pod logs of
 * kube-proxy/calico-node/kube-router
 */
function componentLogs(
  s: Snapshot,
  host: HostState,
): { id: string; log: NonNullable<ReturnType<HostState['journal']['get']>> }[] {
  const out: { id: string; log: NonNullable<ReturnType<HostState['journal']['get']>> }[] = [];
  for (const unit of LOG_UNITS) {
    const log = host.journal?.get(unit);
    if (log) out.push({ id: unit, log });
  }
  for (const [key, log] of s.cluster.logs) {
    const container = key.split('/')[2] ?? '';
    if (LOG_CONTAINERS.test(container) && (log.ref.bundle === host.bundle || s.hosts.size === 1))
      out.push({ id: key, log });
  }
  return out;
}

interface Loss {
  readonly messageId: 'incompatible' | 'unsupported' | 'missingRules' | 'missingChain' | 'componentBlocked';
  readonly data: Record<string, string | number>;
  readonly evidence: (EvidenceRef | undefined)[];
}

/** the dump that shows the nf_tables backend, if the bundle says which one does */
function nftView(s: Snapshot, host: HostState): Sourced<IptablesSave> | undefined {
  if (host.iptablesNft) return host.iptablesNft;
  const d = host.iptables;
  if (!d) return undefined;
  // only iptables-nft prints an incompatible table
  if (dumpBackend(s, host, d) === 'nf_tables' || d.value.incompatibleTables !== undefined) return d;
  return undefined;
}

/** where a rule sits in a dump: table and chain of the rule on `line` */
function ruleAt(save: IptablesSave, line: number): { table: string; chain: string } | undefined {
  for (const [table, t] of save.tables)
    for (const [chain, c] of t.chains) if (c.rules.some((r) => r.line === line)) return { table, chain };
  return undefined;
}

/** what the nft listing holds in the iptables tables that the iptables view does not show */
function compare(s: Snapshot, view: Sourced<IptablesSave>, nft: Sourced<NftRuleset>): Loss[] {
  const out: Loss[] = [];
  const incompatible = new Map((view.value.incompatibleTables ?? []).map((t) => [t.table, t.line]));
  for (const table of IPTABLES_TABLES) {
    const nt = iptablesTableInNft(nft.value, table);
    if (!nt) continue;
    const gone = incompatible.get(table);
    if (gone !== undefined) {
      out.push({
        messageId: 'incompatible',
        data: { table },
        evidence: [
          lineAt(s, view.ref, gone, `iptables cannot print table ${table}`),
          lineAt(s, nft.ref, nt.line, `nft lists table ip ${table}: what the kernel runs`),
        ],
      });
      continue;
    }
    const it = view.value.tables.get(table);
    for (const [name, nc] of nt.chains) {
      const ic = it?.chains.get(name);
      if (!ic) {
        if (nc.rules.length === 0 && nc.hook === undefined) continue; // an empty user chain loses nothing
        out.push({
          messageId: 'missingChain',
          data: { table, chain: name },
          evidence: [
            lineAt(s, nft.ref, nc.line, `chain ${name} of ip ${table} in nft`),
            it ? lineAt(s, view.ref, it.line, `table ${table} in the iptables view, without ${name}`) : undefined,
          ],
        });
      } else if (nc.rules.length > ic.rules.length) {
        const extra = nc.rules[ic.rules.length];
        out.push({
          messageId: 'missingRules',
          data: { table, chain: name, nft: nc.rules.length, ipt: ic.rules.length },
          evidence: [
            extra
              ? lineAt(s, nft.ref, extra.line, `a rule of ${name} the iptables view does not show`)
              : lineAt(s, nft.ref, nc.line),
            lineAt(s, view.ref, ic.line, `${name} in the iptables view: ${ic.rules.length} rule(s)`),
          ],
        });
      }
    }
  }
  return out;
}

/** rules iptables printed with `[unsupported revision]` */
function unsupported(s: Snapshot, view: Sourced<IptablesSave>): Loss[] {
  const lines = view.value.lossyLines ?? [];
  const first = lines[0];
  if (first === undefined) return [];
  const where = ruleAt(view.value, first);
  return [
    {
      messageId: 'unsupported',
      data: { count: lines.length, table: where?.table ?? '?', chain: where?.chain ?? '?' },
      evidence: lines.slice(0, 3).map((l) => lineAt(s, view.ref, l, 'printed without some of its options')),
    },
  ];
}

export const iptablesNftViewLossy: Rule = {
  id: 'SYS-111',
  slug: 'iptables-nft-view-lossy',
  layer: 'system',
  severity: 'warning',
  title: 'The iptables view misses rules the kernel runs (iptables-nft translation)',
  needs: ['host.iptables-save', 'host.iptables-nft-save', 'host.nft-ruleset', 'host.iptables-version'],
  decidesFrom: [
    ['host.iptables-save'],
    ['host.iptables-nft-save'],
    ['host.iptables-save', 'host.nft-ruleset'],
    ['host.iptables-nft-save', 'host.nft-ruleset'],
    ['host.journal.k3s'],
    ['cluster.log.*'],
  ],
  docs: {
    why: "With iptables-nft, `iptables-save` is a translation of nf_tables back into iptables terms. Rules written by nft itself, firewalld, a CNI or kube-proxy in nftables mode, or a newer iptables than the one listing, may not translate: iptables prints \"# Table `nat' is incompatible, use 'nft' tool.\" instead of the table, or a rule with \"[unsupported revision]\" where its options should be. Anyone reading that view, kube-proxy's own checks and netsnap's packet tracer included, misses rules the kernel still runs on every packet.",
    fix: "Read the node's rules with `nft list ruleset`; find the program that writes native nft rules into the iptables tables (ip filter/nat/mangle/raw) and move them to a table of its own (`nft delete rule ip filter INPUT handle N` after `nft -a list chain ip filter INPUT`), or use one iptables version on the node (the host's and the one inside kube-proxy/CNI images).",
  },
  messages: {
    incompatible:
      'iptables on node {node} cannot print table {table}: nft holds rules there that iptables cannot express, so the iptables view shows none of that table',
    unsupported:
      'iptables on node {node} printed {count} rule(s) without some of their options ([unsupported revision]), the first in {table}/{chain}',
    missingRules:
      'nft lists {nft} rule(s) in ip {table} chain {chain} on node {node} where the iptables view shows {ipt}',
    missingChain: 'nft lists chain {chain} of table ip {table} on node {node}, which the iptables view does not show',
    componentBlocked:
      '{component} on node {node} cannot list table {table} through iptables: nft holds rules there that iptables cannot express, so it cannot maintain its own rules',
    complete: 'the iptables view on node {node} shows every chain and rule nft lists in the iptables tables',
    legacy: 'the iptables dump of node {node} is the legacy backend, which is read as it is, without a translation',
  },
  explains: [{ rule: 'SVC-301', match: 'same-node' }],
  run(s) {
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      const nft = nftRulesetOf(s, host);
      const view = nftView(s, host);
      const dumps = [host.iptables, host.iptablesLegacy, host.iptablesNft].filter(
        (d): d is Sourced<IptablesSave> => d !== undefined,
      );
      const warnedOnStderr =
        STDERR_SOURCES.some((id) =>
          STDERR_INCOMPATIBLE.test(sourceRecord(s, host.bundle, id)?.record.stderrTail ?? ''),
        ) || componentLogs(s, host).some(({ log }) => log.value.some((l) => LOG_INCOMPATIBLE.test(l.raw)));
      if (dumps.length === 0 && !warnedOnStderr) {
        out.push(missingInputs(subject, ['host.iptables-save']));
        continue;
      }
      const losses = [
        ...dumps.flatMap((d) => (d === view ? [] : unsupported(s, d))),
        ...(view ? [...unsupported(s, view), ...(nft ? compare(s, view, nft) : [])] : []),
      ];
      const incompatible = view && !nft ? (view.value.incompatibleTables ?? []) : [];
      for (const t of incompatible)
        losses.push({
          messageId: 'incompatible',
          data: { table: t.table },
          evidence: [lineAt(s, view!.ref, t.line, `iptables cannot print table ${t.table}`)],
        });
      // `iptables -S`/`-L` and some -save builds say it on stderr instead: "iptables v1.8.7 (nf_tables): table `filter'
      // is incompatible, use 'nft' tool."
      for (const id of STDERR_SOURCES) {
        const tail = sourceRecord(s, host.bundle, id)?.record.stderrTail ?? '';
        const m = STDERR_INCOMPATIBLE.exec(tail);
        if (m && !losses.some((l) => l.messageId === 'incompatible' && l.data.table === m[2])) {
          losses.push({
            messageId: 'incompatible',
            data: { table: m[2] as string },
            evidence: [
              sourceRecordEvidence(
                s,
                host.bundle,
                id,
                'stderrTail',
                `${id.replace('host.', '')} said on stderr that table ${m[2]} is incompatible`,
              ),
            ],
          });
        }
      }
      // a component that lists the iptables view says so in its log: k3s/RKE2's embedded network
      // policy controller, kube-proxy, calico-node ("iptables-save failed because there are incompatible nft rules in
      // the table")
      for (const { id, log } of componentLogs(s, host)) {
        const hit = log.value.find((l) => LOG_INCOMPATIBLE.test(l.raw));
        if (!hit) continue;
        const m = LOG_INCOMPATIBLE.exec(hit.raw) as RegExpExecArray;
        const table = m[2] ?? m[3] ?? '?';
        losses.unshift({
          messageId: 'componentBlocked',
          data: { table, component: id },
          evidence: [lineAt(s, log.ref, hit.line, `${id} could not list table ${table} through iptables`)],
        });
      }
      const first = losses[0];
      if (first) {
        // a component that programs iptables and cannot read the table back stops maintaining its rules: a fault, not a
        // view
        const blocked = first.messageId === 'componentBlocked';
        out.push({
          status: blocked ? 'fail' : 'warn',
          ...(blocked ? { severity: 'critical' as const } : {}),
          subject,
          messageId: first.messageId,
          data: { node: host.node, ...first.data, losses: losses.length },
          evidence: present(...losses.flatMap((l) => l.evidence)).slice(0, 8),
          remediation: {
            explanation: 'List what the kernel runs with nft, and compare it with the iptables view.',
            commands: ['nft list ruleset', 'iptables-save', 'iptables --version', 'nft --version'],
          },
        });
        continue;
      }
      const legacy = host.iptables && !view && dumpBackend(s, host, host.iptables) === 'legacy';
      if (legacy)
        out.push({
          status: 'pass',
          subject,
          messageId: 'legacy',
          data: { node: host.node },
          basis: basisOf(host.iptables, host.iptablesVersion),
        });
      else if (view && nft)
        out.push({
          status: 'pass',
          subject,
          messageId: 'complete',
          data: { node: host.node },
          basis: basisOf(view, nft),
        });
      else
        out.push(missingInputs(subject, view ? ['host.nft-ruleset'] : ['host.iptables-version', 'host.nft-ruleset']));
    }
    return out;
  },
};
