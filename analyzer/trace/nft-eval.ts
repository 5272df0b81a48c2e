// Evaluate one packet through the base chains of one netfilter hook of an nftables ruleset (`nft -j
// list ruleset`, analyzer/parse/nft-json.ts), as the kernel does: base chains in priority order,
// rules in order, jump/goto/return, verdict maps over concatenated keys, named sets, `numgen`
// endpoint selection as branches (one per outcome), dnat/masquerade/mark rewrites, and `undetermined`
// where an expression is one the bundle cannot decide (the packet's interface names when unknown,
// an expression kind this evaluator does not know). The steps are the rules that matched, the same
// lines `nft monitor trace` prints, so a kernel trace can be compared rule for rule
// (test/trace-kernel-nft.test.ts). Bounded: at most MAX_STEPS rule evaluations per branch and
// MAX_BRANCHES branches.
import { mapElements, nftKey, verdictOf, type NftJsonChain, type NftJsonRuleset } from '../parse/nft-json.js';
import { ipInCidr } from '../model/net.js';

export interface NftPacket {
  readonly family: 'ip';
  readonly src: string;
  readonly dst: string;
  readonly proto: 'tcp' | 'udp' | 'sctp' | 'icmp';
  readonly sport?: number;
  readonly dport?: number;
  readonly mark: number;
  /** conntrack state as the rules see it: a first packet is `new` */
  readonly ctState: 'new' | 'established' | 'related';
  readonly iifname?: string;
  readonly oifname?: string;
  /** the node's own addresses (for `fib saddr/daddr type local`) */
  readonly localAddresses: readonly string[];
}

export interface NftStep {
  readonly table: string;
  readonly chain: string;
  readonly handle?: number;
  /** 1-based position of the rule in its chain */
  readonly ruleIndex?: number;
  /** the verdict the rule gave (`jump services`, `goto X`, `accept`, `continue`...) or the policy */
  readonly verdict: string;
  /** a chain's policy rather than a rule */
  readonly policy?: boolean;
  /** /nftables/<i> of the rule */
  readonly index?: number;
}

export interface NftBranch {
  readonly steps: readonly NftStep[];
  /** what the hook did with the packet */
  readonly verdict: 'accept' | 'drop' | 'reject' | 'undetermined';
  readonly packet: NftPacket;
  /** numgen choices that led here (`service-…: 1/2`), empty when none */
  readonly choices: readonly string[];
  /** why the branch could not be decided, when verdict is undetermined */
  readonly why?: string;
  /** a dnat/masquerade the hook applied */
  readonly nat?: string;
}

export const MAX_STEPS = 10_000;
export const MAX_BRANCHES = 256;

class Undetermined extends Error {}

type Value = string | number | readonly (string | number)[];

const PROTOS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132, icmp: 1 };

function valueOf(e: unknown, p: NftPacket): Value {
  if (typeof e === 'string' || typeof e === 'number') return e;
  if (e === null || typeof e !== 'object') throw new Undetermined(`an expression nft printed as ${String(e)}`);
  const o = e as Record<string, unknown>;
  if ('payload' in o) {
    const { protocol, field } = o.payload as { protocol?: string; field?: string };
    if (protocol === 'ip' && field === 'saddr') return p.src;
    if (protocol === 'ip' && field === 'daddr') return p.dst;
    if ((protocol === 'th' || protocol === p.proto) && (field === 'dport' || field === 'sport')) {
      const port = field === 'dport' ? p.dport : p.sport;
      if (port === undefined) throw new Undetermined(`${protocol} ${field} of a packet without ports`);
      return port;
    }
    if ((protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp') && protocol !== p.proto) return -1;
    throw new Undetermined(`payload ${protocol} ${field}`);
  }
  if ('meta' in o) {
    const key = (o.meta as { key?: string }).key;
    if (key === 'l4proto' || key === 'protocol') return p.proto;
    if (key === 'mark') return p.mark;
    if (key === 'nfproto') return 'ipv4';
    if (key === 'iifname' || key === 'oifname') {
      const v = key === 'iifname' ? p.iifname : p.oifname;
      if (v === undefined) throw new Undetermined(`meta ${key}: the interface is not known`);
      return v;
    }
    throw new Undetermined(`meta ${key}`);
  }
  if ('ct' in o) {
    const key = (o.ct as { key?: string }).key;
    if (key === 'state') return p.ctState;
    throw new Undetermined(`ct ${key}`);
  }
  if ('fib' in o) {
    const { result, flags } = o.fib as { result?: string; flags?: string[] };
    if (result === 'type' && flags?.length === 1 && (flags[0] === 'saddr' || flags[0] === 'daddr'))
      return p.localAddresses.includes(flags[0] === 'saddr' ? p.src : p.dst) ? 'local' : 'unicast';
    throw new Undetermined(`fib ${result} ${flags?.join(',')}`);
  }
  if ('concat' in o) {
    const parts = (o.concat as unknown[]).map((x) => valueOf(x, p));
    return parts.flatMap((x) => (Array.isArray(x) ? x : [x])) as (string | number)[];
  }
  if ('&' in o) {
    const [a, b] = o['&'] as [unknown, unknown];
    return Number(valueOf(a, p)) & Number(valueOf(b, p));
  }
  if ('|' in o) {
    const [a, b] = o['|'] as [unknown, unknown];
    return Number(valueOf(a, p)) | Number(valueOf(b, p));
  }
  if ('^' in o) {
    const [a, b] = o['^'] as [unknown, unknown];
    return Number(valueOf(a, p)) ^ Number(valueOf(b, p));
  }
  throw new Undetermined(`an expression of kind ${Object.keys(o)[0] ?? '?'}`);
}

/** does `v` (one part) equal or fall in `r` (a literal, a prefix, a range) */
function partIn(v: string | number, r: unknown): boolean {
  if (r && typeof r === 'object' && 'prefix' in r) {
    const { addr, len } = (r as { prefix: { addr: string; len: number } }).prefix;
    return typeof v === 'string' && ipInCidr(v, `${addr}/${len}`);
  }
  if (r && typeof r === 'object' && 'range' in r) {
    const [lo, hi] = (r as { range: [number, number] }).range;
    return typeof v === 'number' && v >= lo && v <= hi;
  }
  if (typeof v === 'string' && typeof r === 'number' && PROTOS[v] !== undefined) return PROTOS[v] === r;
  if (typeof v === 'number' && typeof r === 'string' && PROTOS[r] !== undefined) return PROTOS[r] === v;
  return v === r || String(v) === String(r);
}

function keyMatches(v: Value, key: readonly unknown[]): boolean {
  const parts = Array.isArray(v) ? v : [v];
  return parts.length === key.length && parts.every((x, i) => partIn(x as string | number, key[i]));
}

/** the elements of a set literal `{"set": [...]}` or a named set `@name`, as keys */
function setKeys(rs: NftJsonRuleset, table: string, right: unknown): unknown[][] {
  if (typeof right === 'string' && right.startsWith('@')) {
    const set = rs.sets.get(nftKey('ip', table, right.slice(1)));
    if (!set) throw new Undetermined(`set ${right} is not in the ruleset`);
    return set.elem.map((e) => {
      const inner = e && typeof e === 'object' && 'elem' in e ? (e as { elem: { val: unknown } }).elem.val : e;
      return inner && typeof inner === 'object' && 'concat' in inner
        ? (inner as { concat: unknown[] }).concat
        : [inner];
    });
  }
  const items = (right as { set?: unknown[] }).set ?? [];
  return items.map((x) => (x && typeof x === 'object' && 'concat' in x ? (x as { concat: unknown[] }).concat : [x]));
}

function matchExpr(rs: NftJsonRuleset, table: string, m: { op?: string; left: unknown; right: unknown }, p: NftPacket) {
  const v = valueOf(m.left, p);
  const op = m.op ?? '==';
  const r = m.right;
  let hit: boolean;
  if ((typeof r === 'string' && r.startsWith('@')) || (r && typeof r === 'object' && 'set' in r))
    hit = setKeys(rs, table, r).some((k) => keyMatches(v, k));
  else if (op === 'in' && typeof r === 'string') hit = String(v).split(',').includes(r);
  else hit = keyMatches(v, [r]);
  if (op === '==' || op === 'in') return hit;
  if (op === '!=') return !hit;
  throw new Undetermined(`match operator ${op}`);
}

interface Frame {
  readonly chain: string;
  readonly next: number;
}

interface State {
  packet: NftPacket;
  steps: NftStep[];
  choices: string[];
  nat?: string;
}

/**
 * Evaluate `packet` through every base chain of `hook` for IPv4 (ip and inet tables), in priority
 * order. A drop/reject ends the hook; accept ends that base chain and the next one runs.
 */
export function evalNftHook(rs: NftJsonRuleset, hook: string, packet: NftPacket): NftBranch[] {
  const bases = [...rs.chains.values()]
    .filter((c) => c.hook === hook && (c.family === 'ip' || c.family === 'inet'))
    .sort((a, b) => (a.prio ?? 0) - (b.prio ?? 0) || a.index - b.index);
  let states: State[] = [{ packet, steps: [], choices: [] }];
  const done: NftBranch[] = [];
  for (const base of bases) {
    const next: State[] = [];
    for (const st of states) {
      for (const b of runBase(rs, base.family, base.table, base.name, base.policy ?? 'accept', st)) {
        if (b.verdict === 'accept')
          next.push({
            packet: b.packet,
            steps: [...b.steps],
            choices: [...b.choices],
            ...(b.nat ? { nat: b.nat } : {}),
          });
        else done.push(b);
      }
    }
    states = next.slice(0, MAX_BRANCHES);
  }
  return [
    ...done,
    ...states.map((s) => ({
      steps: s.steps,
      verdict: 'accept' as const,
      packet: s.packet,
      choices: s.choices,
      ...(s.nat ? { nat: s.nat } : {}),
    })),
  ].slice(0, MAX_BRANCHES);
}

/** Evaluate `packet` through one base chain (its rules, jumps, maps, policy): one branch per numgen outcome. */
export function evalNftBaseChain(rs: NftJsonRuleset, chain: NftJsonChain, packet: NftPacket): NftBranch[] {
  return runBase(rs, chain.family, chain.table, chain.name, chain.policy ?? 'accept', {
    packet,
    steps: [],
    choices: [],
  });
}

function runBase(
  rs: NftJsonRuleset,
  family: string,
  table: string,
  baseChain: string,
  policy: string,
  start: State,
): NftBranch[] {
  const out: NftBranch[] = [];
  // each pending item: a state plus where to resume (chain stack)
  const pending: { st: State; stack: Frame[]; chain: string; at: number; budget: number }[] = [
    {
      st: { ...start, steps: [...start.steps], choices: [...start.choices] },
      stack: [],
      chain: baseChain,
      at: 0,
      budget: MAX_STEPS,
    },
  ];
  while (pending.length > 0 && out.length < MAX_BRANCHES) {
    const item = pending.pop()!;
    const { st } = item;
    let { chain, at, budget } = item;
    const stack = [...item.stack];
    const finish = (verdict: NftBranch['verdict'], why?: string) =>
      out.push({
        steps: st.steps,
        verdict,
        packet: st.packet,
        choices: st.choices,
        ...(st.nat ? { nat: st.nat } : {}),
        ...(why ? { why } : {}),
      });
    try {
      for (;;) {
        const rules = rs.rules.get(nftKey(family, table, chain)) ?? [];
        if (at >= rules.length) {
          // end of chain: return to the caller, or the base chain's policy
          const frame = stack.pop();
          if (frame) {
            chain = frame.chain;
            at = frame.next;
            continue;
          }
          st.steps.push({ table, chain, verdict: policy, policy: true });
          finish(policy === 'drop' ? 'drop' : 'accept');
          break;
        }
        if (--budget < 0) {
          finish('undetermined', `more than ${MAX_STEPS} rule evaluations (a loop?)`);
          break;
        }
        const rule = rules[at]!;
        const ruleIndex = at + 1;
        at++;
        let verdict: string | undefined;
        let matched = true;
        let forked = false;
        for (const e of rule.expr) {
          const kind = Object.keys(e)[0];
          if (kind === 'match') {
            if (!matchExpr(rs, table, e.match as never, st.packet)) {
              matched = false;
              break;
            }
          } else if (kind === 'counter' || kind === 'log' || kind === 'limit' || kind === 'update' || kind === 'set')
            continue;
          else if (kind === 'mangle') {
            const m = e.mangle as { key: unknown; value: unknown };
            const key = (m.key as { meta?: { key?: string } }).meta?.key;
            // nftrace only asks the kernel to report the walk: it changes nothing about it
            if (key === 'nftrace') continue;
            if (key !== 'mark') throw new Undetermined('a mangle of something other than the mark');
            st.packet = { ...st.packet, mark: Number(valueOf(m.value, st.packet)) >>> 0 };
          } else if (kind === 'dnat') {
            const d = e.dnat as { addr?: string; port?: number };
            if (typeof d.addr !== 'string') throw new Undetermined('a dnat without a literal address');
            st.packet = { ...st.packet, dst: d.addr, ...(d.port !== undefined ? { dport: d.port } : {}) };
            st.nat = `dnat to ${d.addr}${d.port !== undefined ? `:${d.port}` : ''}`;
            verdict = 'accept';
          } else if (kind === 'masquerade' || kind === 'snat') {
            st.nat = kind;
            verdict = 'accept';
          } else if (kind === 'vmap') {
            const vm = e.vmap as { key: unknown; data: unknown };
            const numgen = (vm.key as { numgen?: { mod?: number } }).numgen;
            const elements =
              typeof vm.data === 'string' && vm.data.startsWith('@')
                ? mapElements(rs.sets.get(nftKey(family, table, vm.data.slice(1)))?.elem ?? [])
                : mapElements((vm.data as { set?: unknown[] }).set ?? []);
            if (numgen) {
              // each numgen outcome is a branch: clone the rest of this item per element
              const n = numgen.mod ?? elements.length;
              const targets = elements.filter((el) => typeof el.key[0] === 'number' && (el.key[0] as number) < n);
              for (const el of targets.slice(1).reverse()) {
                const v = verdictOf(el.value);
                if (!v) continue;
                const clone: State = {
                  packet: st.packet,
                  steps: [
                    ...st.steps,
                    { table, chain, handle: rule.handle, ruleIndex, verdict: verdictText(v), index: rule.index },
                  ],
                  choices: [...st.choices, `${chain}: ${Number(el.key[0]) + 1}/${n}`],
                  ...(st.nat ? { nat: st.nat } : {}),
                };
                pending.push({ st: clone, ...jumpTo(v, stack, chain, at), budget });
              }
              const first = targets[0] && verdictOf(targets[0].value);
              if (!first) throw new Undetermined('a numgen map without a verdict');
              st.choices.push(`${chain}: 1/${n}`);
              st.steps.push({
                table,
                chain,
                handle: rule.handle,
                ruleIndex,
                verdict: verdictText(first),
                index: rule.index,
              });
              ({ chain, at } = applyJump(first, stack, chain, at));
              forked = true;
              break;
            }
            const key = valueOf(vm.key, st.packet);
            const hit = elements.find((el) => keyMatches(key, el.key));
            if (!hit) {
              matched = false;
              break;
            }
            const v = verdictOf(hit.value);
            if (!v) throw new Undetermined('a verdict map element without a verdict');
            verdict = verdictText(v);
          } else {
            const v = verdictOf(e);
            if (v) verdict = verdictText(v);
            else if (kind === 'reject') verdict = 'reject';
            else throw new Undetermined(`an expression of kind ${kind}`);
          }
          if (verdict) break;
        }
        if (forked) continue;
        if (!matched) continue;
        st.steps.push({
          table,
          chain,
          handle: rule.handle,
          ruleIndex,
          verdict: verdict ?? 'continue',
          index: rule.index,
        });
        if (!verdict || verdict === 'continue') continue;
        if (verdict === 'accept' || verdict === 'drop' || verdict === 'reject') {
          finish(verdict);
          break;
        }
        if (verdict === 'return') {
          const frame = stack.pop();
          if (!frame) {
            st.steps.push({ table, chain: baseChain, verdict: policy, policy: true });
            finish(policy === 'drop' ? 'drop' : 'accept');
            break;
          }
          chain = frame.chain;
          at = frame.next;
          continue;
        }
        const [kind, target] = verdict.split(' ') as [string, string];
        ({ chain, at } = applyJump({ kind: kind as 'jump' | 'goto', target }, stack, chain, at));
      }
    } catch (err) {
      if (!(err instanceof Undetermined)) throw err;
      finish('undetermined', err.message);
    }
  }
  return out;
}

function verdictText(v: NonNullable<ReturnType<typeof verdictOf>>): string {
  return 'target' in v ? `${v.kind} ${v.target}` : v.kind;
}

function applyJump(
  v: NonNullable<ReturnType<typeof verdictOf>>,
  stack: Frame[],
  chain: string,
  at: number,
): { chain: string; at: number } {
  if (!('target' in v)) throw new Undetermined(`a numgen element with verdict ${v.kind}`);
  if (v.kind === 'jump') stack.push({ chain, next: at });
  return { chain: v.target, at: 0 };
}

function jumpTo(
  v: NonNullable<ReturnType<typeof verdictOf>>,
  stack: Frame[],
  chain: string,
  at: number,
): { stack: Frame[]; chain: string; at: number } {
  const copy = [...stack];
  const r = applyJump(v, copy, chain, at);
  return { stack: copy, ...r };
}
