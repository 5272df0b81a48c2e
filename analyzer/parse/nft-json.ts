// `nft -j list ruleset` (libnftables JSON, schema version 1): tables, chains with their hooks and
// priorities, rules as expression lists, sets and maps with their elements. The JSON form is what a
// tracer can evaluate (the text form is for people); kube-proxy's nftables mode (table ip/ip6
// kube-proxy) lives in it whole, while rules that iptables-nft wrote show opaque `xt` expressions
// (evaluate those from iptables-save instead). Checked against real output of nftables 1.0.6:
// fixtures/reference/nft/. Items are validated one by one: a bad item is a problem (pointer
// /nftables/<i>) and the rest is kept. Never throws.
import { z } from 'zod';
import { jsonNestingExceeds, jsonTooDeepMessage } from '../core/json-depth.js';
import type { Parsed, ParseProblem } from '../core/problem.js';

/** an expression of a rule, kept as nft printed it (the tracer reads the kinds it knows) */
export type NftExpr = Readonly<Record<string, unknown>>;

export interface NftJsonTable {
  readonly family: string;
  readonly name: string;
  /** position in the `nftables` array: the evidence pointer is /nftables/<index> */
  readonly index: number;
}

export interface NftJsonChain {
  readonly family: string;
  readonly table: string;
  readonly name: string;
  /** base chains only */
  readonly type?: string;
  readonly hook?: string;
  readonly prio?: number;
  readonly policy?: string;
  readonly index: number;
}

export interface NftJsonRule {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly handle?: number;
  readonly expr: readonly NftExpr[];
  readonly comment?: string;
  readonly index: number;
}

export interface NftJsonSet {
  readonly kind: 'set' | 'map';
  readonly family: string;
  readonly table: string;
  readonly name: string;
  /** key type: one name or the parts of a concatenation */
  readonly type: string | readonly string[];
  /** maps: the value type (`verdict` for a verdict map) */
  readonly map?: string;
  readonly flags: readonly string[];
  readonly elem: readonly unknown[];
  readonly comment?: string;
  readonly index: number;
}

export interface NftJsonRuleset {
  /** nft's version from metainfo, when printed */
  readonly version?: string;
  readonly tables: readonly NftJsonTable[];
  /** `family table chain` -> chain */
  readonly chains: ReadonlyMap<string, NftJsonChain>;
  /** `family table chain` -> its rules in order */
  readonly rules: ReadonlyMap<string, readonly NftJsonRule[]>;
  /** `family table name` -> set or map */
  readonly sets: ReadonlyMap<string, NftJsonSet>;
  readonly ruleCount: number;
}

export const nftKey = (family: string, table: string, name: string): string => `${family} ${table} ${name}`;

/** at most this many items are read (a node with 10,000 Services has ~100,000 nft objects) */
export const MAX_NFT_ITEMS = 2_000_000;

const name = z.string().min(1).max(1024);
const TableSchema = z.object({ family: name, name });
const ChainSchema = z.object({
  family: name,
  table: name,
  name,
  type: z.string().max(64).optional(),
  hook: z.string().max(64).optional(),
  prio: z.number().int().optional(),
  policy: z.string().max(64).optional(),
});
const RuleSchema = z.object({
  family: name,
  table: name,
  chain: name,
  handle: z.number().int().optional(),
  expr: z.array(z.record(z.string(), z.unknown())).max(10_000),
  comment: z.string().max(4096).optional(),
});
const SetSchema = z.object({
  family: name,
  table: name,
  name,
  type: z.union([z.string().max(64), z.array(z.string().max(64)).max(32)]),
  map: z.union([z.string().max(64), z.array(z.string().max(64)).max(32)]).optional(),
  flags: z.array(z.string().max(64)).max(32).optional(),
  elem: z.array(z.unknown()).optional(),
  comment: z.string().max(4096).optional(),
});

function problem(message: string, severity: ParseProblem['severity'] = 'error'): ParseProblem {
  return { message, severity };
}

export function parseNftJson(text: string): Parsed<NftJsonRuleset> {
  const problems: ParseProblem[] = [];
  const empty: NftJsonRuleset = { tables: [], chains: new Map(), rules: new Map(), sets: new Map(), ruleCount: 0 };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { value: empty, problems: [problem(`not JSON: ${(err as Error).message.slice(0, 200)}`)] };
  }
  if (jsonNestingExceeds(doc)) return { value: empty, problems: [problem(jsonTooDeepMessage())] };
  const items = (doc as { nftables?: unknown } | null)?.nftables;
  if (!Array.isArray(items)) return { value: empty, problems: [problem('no "nftables" array: not `nft -j` output')] };

  let version: string | undefined;
  const tables: NftJsonTable[] = [];
  const chains = new Map<string, NftJsonChain>();
  const rules = new Map<string, NftJsonRule[]>();
  const sets = new Map<string, NftJsonSet>();
  let ruleCount = 0;
  const bad = new Map<string, { count: number; first: number; why: string }>();
  const note = (kind: string, i: number, why: string) => {
    const b = bad.get(kind);
    if (b) b.count++;
    else bad.set(kind, { count: 1, first: i, why });
  };

  const n = Math.min(items.length, MAX_NFT_ITEMS);
  if (items.length > n) problems.push(problem(`${items.length} items; only the first ${n} were read`, 'warning'));
  for (let i = 0; i < n; i++) {
    const item = items[i] as Record<string, unknown> | null;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      note('item', i, 'not an object');
      continue;
    }
    const [kind] = Object.keys(item);
    const body = kind === undefined ? undefined : item[kind];
    switch (kind) {
      case 'metainfo': {
        const v = (body as { version?: unknown } | null)?.version;
        if (typeof v === 'string') version = v.slice(0, 64);
        break;
      }
      case 'table': {
        const r = TableSchema.safeParse(body);
        if (r.success) tables.push({ family: r.data.family, name: r.data.name, index: i });
        else note(kind, i, r.error.issues[0]?.message ?? 'invalid');
        break;
      }
      case 'chain': {
        const r = ChainSchema.safeParse(body);
        if (!r.success) {
          note(kind, i, r.error.issues[0]?.message ?? 'invalid');
          break;
        }
        const c = r.data;
        chains.set(nftKey(c.family, c.table, c.name), { ...c, index: i });
        break;
      }
      case 'rule': {
        const r = RuleSchema.safeParse(body);
        if (!r.success) {
          note(kind, i, r.error.issues[0]?.message ?? 'invalid');
          break;
        }
        const k = nftKey(r.data.family, r.data.table, r.data.chain);
        const list = rules.get(k) ?? [];
        list.push({ ...r.data, index: i });
        rules.set(k, list);
        ruleCount++;
        break;
      }
      case 'set':
      case 'map': {
        const r = SetSchema.safeParse(body);
        if (!r.success) {
          note(kind, i, r.error.issues[0]?.message ?? 'invalid');
          break;
        }
        const s = r.data;
        const map = Array.isArray(s.map) ? s.map.join(' . ') : s.map;
        sets.set(nftKey(s.family, s.table, s.name), {
          kind,
          family: s.family,
          table: s.table,
          name: s.name,
          type: s.type,
          ...(map !== undefined ? { map } : {}),
          flags: s.flags ?? [],
          elem: s.elem ?? [],
          ...(s.comment !== undefined ? { comment: s.comment } : {}),
          index: i,
        });
        break;
      }
      default:
        // flowtables, counters, quotas, ct helpers, elements listed on their own: not needed to trace
        break;
    }
  }
  for (const [kind, b] of bad)
    problems.push(
      problem(`${b.count} ${kind} item(s) not understood, first at /nftables/${b.first}: ${b.why.slice(0, 200)}`),
    );
  return { value: { version, tables, chains, rules, sets, ruleCount }, problems };
}

/** the base chains on `hook` that see a packet of `family` (an inet table sees ip and ip6), by priority */
export function baseChains(rs: NftJsonRuleset, family: 'ip' | 'ip6', hook: string): NftJsonChain[] {
  return [...rs.chains.values()]
    .filter((c) => c.hook === hook && (c.family === family || c.family === 'inet'))
    .sort((a, b) => (a.prio ?? 0) - (b.prio ?? 0) || a.index - b.index);
}

/** a verdict as nft prints it: `{"goto": {"target": X}}`, `{"jump": …}`, `{"drop": null}`, or "drop" */
export type NftVerdict =
  | { readonly kind: 'goto' | 'jump'; readonly target: string }
  | { readonly kind: 'accept' | 'drop' | 'return' | 'continue' | 'reject' | 'queue' };

const VERDICTS = new Set(['accept', 'drop', 'return', 'continue', 'queue']);

export function verdictOf(v: unknown): NftVerdict | undefined {
  if (typeof v === 'string') return VERDICTS.has(v) ? ({ kind: v } as NftVerdict) : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  const [k] = Object.keys(v);
  const body = k === undefined ? undefined : (v as Record<string, unknown>)[k];
  if (k === 'goto' || k === 'jump') {
    const target = (body as { target?: unknown } | null)?.target;
    return typeof target === 'string' ? { kind: k, target } : undefined;
  }
  if (k !== undefined && VERDICTS.has(k)) return { kind: k } as NftVerdict;
  return undefined;
}

/** one element of a map: its key parts (a concatenation split), its comment and its value */
export interface NftMapElement {
  readonly key: readonly (string | number)[];
  readonly value: unknown;
  readonly comment?: string;
  /** position in the elem array (evidence: /nftables/<i>/map/elem/<at>) */
  readonly at: number;
}

function keyParts(v: unknown): (string | number)[] | undefined {
  if (typeof v === 'string' || typeof v === 'number') return [v];
  if (v && typeof v === 'object' && 'concat' in v) {
    const parts = (v as { concat: unknown }).concat;
    if (Array.isArray(parts) && parts.every((p) => typeof p === 'string' || typeof p === 'number'))
      return parts as (string | number)[];
  }
  if (v && typeof v === 'object' && 'prefix' in v) {
    const p = (v as { prefix: { addr?: unknown; len?: unknown } }).prefix;
    if (typeof p.addr === 'string' && typeof p.len === 'number') return [`${p.addr}/${p.len}`];
  }
  return undefined;
}

/**
 * the elements of a map (or a vmap literal in a rule): `[key, value]` pairs, where a key may be
 * wrapped as `{"elem": {"val": key, "comment": …}}`; elements of other shapes are skipped
 */
export function mapElements(elem: readonly unknown[]): NftMapElement[] {
  const out: NftMapElement[] = [];
  for (const [at, e] of elem.entries()) {
    if (!Array.isArray(e) || e.length !== 2) continue;
    let k: unknown = e[0];
    let comment: string | undefined;
    if (k && typeof k === 'object' && 'elem' in k) {
      const inner = (k as { elem: { val?: unknown; comment?: unknown } }).elem;
      k = inner.val;
      if (typeof inner.comment === 'string') comment = inner.comment;
    }
    const key = keyParts(k);
    if (key) out.push({ key, value: e[1], ...(comment !== undefined ? { comment } : {}), at });
  }
  return out;
}
