// `nft list ruleset` text: tables, their chains (hook, policy) and each chain's rule lines, with file
// line numbers for evidence. Enough to compare with what iptables-nft-save prints of the same
// tables (SYS-111) and to tell which backend holds kube-proxy's chains; sets, maps, flowtables and
// stateful objects are skipped whole. Never throws.
import type { Parsed, ParseProblem } from '../core/problem.js';

export interface NftRule {
  readonly line: number;
  readonly text: string;
}

export interface NftChain {
  readonly name: string;
  readonly line: number;
  /** base chains only: `type nat hook prerouting priority dstnat; policy accept;` */
  readonly type?: string;
  readonly hook?: string;
  readonly priority?: string;
  readonly policy?: string;
  readonly rules: readonly NftRule[];
}

export interface NftTable {
  /** ip, ip6, inet, arp, bridge, netdev */
  readonly family: string;
  readonly name: string;
  readonly line: number;
  readonly chains: ReadonlyMap<string, NftChain>;
  /** nft's own `# Warning: table ip nat is managed by iptables-nft, do not touch!` line (stderr, kept with 2>&1) */
  readonly managedByIptablesLine?: number;
}

export interface NftRuleset {
  /** `family name` -> table, in file order */
  readonly tables: ReadonlyMap<string, NftTable>;
  readonly ruleCount: number;
}

interface MutChain {
  name: string;
  line: number;
  type?: string;
  hook?: string;
  priority?: string;
  policy?: string;
  rules: NftRule[];
}
interface MutTable {
  family: string;
  name: string;
  line: number;
  chains: Map<string, MutChain>;
  managedByIptablesLine?: number;
}

const TABLE = /^table\s+(?:(ip6?|inet|arp|bridge|netdev)\s+)?(\S+)\s*\{$/;
const CHAIN = /^chain\s+(\S+)\s*\{$/;
const BASE = /^type\s+(\S+)\s+hook\s+(\S+)(?:\s+device\s+\S+)?\s+priority\s+([^;]+);(?:\s*policy\s+(\w+);)?/;
const MANAGED = /^# Warning: table (\S+) (\S+) is managed by iptables-nft/;

/** `{` and `}` outside double quotes: the change in nesting depth on one line */
function braceDelta(line: string): number {
  let d = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 123) d++;
    else if (!quoted && c === 125) d--;
  }
  return d;
}

export function parseNftRuleset(text: string): Parsed<NftRuleset> {
  const problems: ParseProblem[] = [];
  const tables = new Map<string, MutTable>();
  let table: MutTable | undefined;
  let chain: MutChain | undefined;
  /** nesting inside something skipped (a set, map, flowtable, object), or a multi-line rule */
  let skipDepth = 0;
  let pendingManaged: { key: string; line: number } | undefined;
  let ruleCount = 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = (lines[n] as string).replace(/\r$/, '').trim();
    if (line === '') continue;
    if (skipDepth > 0) {
      skipDepth += braceDelta(line);
      continue;
    }
    if (line.startsWith('#')) {
      const m = MANAGED.exec(line);
      if (m) pendingManaged = { key: `${m[1]} ${m[2]}`, line: lineNo };
      continue;
    }
    if (!table) {
      const m = TABLE.exec(line);
      if (m) {
        const family = m[1] ?? 'ip';
        const key = `${family} ${m[2]}`;
        table = tables.get(key);
        if (!table) {
          table = { family, name: m[2] as string, line: lineNo, chains: new Map() };
          tables.set(key, table);
        }
        if (pendingManaged?.key === key) table.managedByIptablesLine = pendingManaged.line;
        pendingManaged = undefined;
      } else
        problems.push({
          line: lineNo,
          message: 'not a "table <family> <name> {" line outside any table; line ignored',
          severity: 'warning',
        });
      continue;
    }
    if (!chain) {
      if (line === '}') {
        table = undefined;
        continue;
      }
      const m = CHAIN.exec(line);
      if (m) {
        const name = m[1] as string;
        chain = table.chains.get(name);
        if (!chain) {
          chain = { name, line: lineNo, rules: [] };
          table.chains.set(name, chain);
        }
        continue;
      }
      // set, map, flowtable, counter, quota, ct helper...: skipped with what they nest
      const d = braceDelta(line);
      if (d > 0) skipDepth = d;
      continue;
    }
    if (line === '}') {
      chain = undefined;
      continue;
    }
    const base = BASE.exec(line);
    if (base && chain.rules.length === 0 && chain.hook === undefined) {
      chain.type = base[1];
      chain.hook = base[2];
      chain.priority = (base[3] as string).trim();
      if (base[4]) chain.policy = base[4];
      continue;
    }
    if (line.startsWith('policy ') || line.startsWith('comment ') || line.startsWith('devices ')) continue;
    chain.rules.push({ line: lineNo, text: line });
    ruleCount++;
    // an anonymous set or vmap written over several lines: the rest belongs to this rule
    const d = braceDelta(line);
    if (d > 0) skipDepth = d;
  }
  if (table)
    problems.push({
      line: lines.length,
      message: `table ${table.family} ${table.name} (line ${table.line}) is not closed; the output may be truncated`,
      severity: 'warning',
    });
  return { value: { tables: tables as ReadonlyMap<string, NftTable>, ruleCount }, problems };
}

/** the iptables tables iptables-nft keeps in nf_tables (`table ip nat`...), by iptables table name */
export const IPTABLES_TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'] as const;

/** the nft table iptables-nft uses for an iptables table, if the ruleset has it */
export function iptablesTableInNft(rs: NftRuleset, table: string): NftTable | undefined {
  return rs.tables.get(`ip ${table}`);
}
