// Forward hooks outside iptables: every nftables base chain on the forward hook must let a pod
// packet through, not only iptables' FORWARD. firewalld with its nftables backend (RHEL/Alma/Rocky
// 8+, Fedora) keeps its rules in `table inet firewalld`, which iptables-save never shows; its
// filter_FORWARD ends with `reject with icmpx admin-prohibited` for whatever no zone accepted.
import type { EvidenceRef } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import { nftRulesetOf } from '../../model/iptables-dumps.js';
import { IPTABLES_TABLES, type NftChain, type NftRuleset, type NftTable } from '../../parse/nft.js';
import { lineAt } from './host.js';

/** interfaces pod traffic uses: the pod bridge, overlays and Calico's per-pod links */
const POD_IFACES = /"(cni0|cbr0|flannel\.\d+|vxlan\.calico|tunl0|cali[^"]*|cilium_[^"]*|kube-bridge)"/;

/** `drop`, `reject`, `reject with icmpx admin-prohibited`, with an optional counter first */
const UNCONDITIONAL = /^(counter(\s+packets\s+\d+\s+bytes\s+\d+)?\s+)?(drop|reject)(\s+with\s+.+)?$/;

export interface NftForwardBlock {
  readonly table: NftTable;
  readonly chain: NftChain;
  /** the line that refuses what nothing accepted: the final rule, or the chain line for `policy drop` */
  readonly line: number;
  readonly by: string;
  /** some rule of that table names the pod network or a pod interface (a zone or an accept we do not evaluate) */
  readonly mentionsPods: boolean;
}

/** tables iptables-nft writes (`ip filter`, `ip6 nat`...): the iptables dump already shows them */
function isIptablesTable(t: NftTable): boolean {
  return (
    t.managedByIptablesLine !== undefined ||
    ((t.family === 'ip' || t.family === 'ip6') && (IPTABLES_TABLES as readonly string[]).includes(t.name))
  );
}

/**
 * Forward base chains of nftables tables other than iptables' own that refuse by default: `policy
 * drop`, or a final unconditional drop/reject. What comes before is not evaluated here; only
 * whether the table names pod traffic anywhere at all.
 */
export function nftForwardBlocks(rs: NftRuleset, network: string | undefined): NftForwardBlock[] {
  const out: NftForwardBlock[] = [];
  for (const table of rs.tables.values()) {
    if (isIptablesTable(table)) continue;
    const text = [...table.chains.values()].flatMap((c) => c.rules.map((r) => r.text));
    const mentionsPods = text.some((t) => POD_IFACES.test(t) || (network !== undefined && t.includes(network)));
    for (const chain of table.chains.values()) {
      if (chain.hook !== 'forward' || (chain.type ?? 'filter') !== 'filter') continue;
      const last = chain.rules.at(-1);
      if (last && UNCONDITIONAL.test(last.text))
        out.push({ table, chain, line: last.line, by: last.text, mentionsPods });
      else if (chain.policy === 'drop') out.push({ table, chain, line: chain.line, by: 'policy drop', mentionsPods });
    }
  }
  return out;
}

/** the node's nft ruleset and what in it refuses forwarded traffic by default */
export function nftForwardOf(
  s: Snapshot,
  host: HostState,
  network: string | undefined,
): { nft?: Sourced<NftRuleset>; blocks: NftForwardBlock[] } {
  const nft = nftRulesetOf(s, host);
  return nft ? { nft, blocks: nftForwardBlocks(nft.value, network) } : { blocks: [] };
}

export function nftBlockEvidence(
  s: Snapshot,
  nft: Sourced<NftRuleset>,
  b: NftForwardBlock,
  note: string,
): EvidenceRef[] {
  const evs = [
    lineAt(
      s,
      nft.ref,
      b.chain.line,
      `table ${b.table.family} ${b.table.name}: a forward hook besides iptables' FORWARD`,
    ),
    b.line !== b.chain.line ? lineAt(s, nft.ref, b.line, note) : undefined,
  ];
  return evs.filter((e): e is EvidenceRef => e !== undefined);
}
