// Walk iptables chains the way the kernel does for one packet: rules in order, jumps and gotos,
// RETURN, built-in chain policies, and the targets that rewrite or end it. A random statistic
// match splits the walk into branches, each carried with its probability.
import type { IptablesRule, IptablesSave } from '../parse/types.js';
import { ruleMatches, type MatchContext } from './match.js';
import { destIndex, nextCandidate } from './dest-index.js';
import { ruleJumpsTo } from '../parse/iptables-util.js';
import type { Packet, TraceStep } from './types.js';

export interface WalkState {
  readonly pkt: Packet;
  readonly steps: readonly TraceStep[];
  readonly probability: number;
}

export type End = 'accept' | 'drop' | 'reject' | 'return' | 'undetermined';

export interface WalkOutcome {
  readonly state: WalkState;
  readonly end: End;
  /** the step that decided a drop/reject, or where an undetermined walk stopped */
  readonly by?: TraceStep;
  readonly rejectWith?: string;
  /** for undetermined: why, and what in a bundle would decide it */
  readonly why?: string;
  readonly needs?: readonly string[];
}

export interface WalkContext extends MatchContext {
  readonly hook: TraceStep['hook'];
  /** source address MASQUERADE would choose for the packet's out interface */
  masqueradeSource(pkt: Packet): string | undefined;
  /**
   * the trace's step budget, shared by every walk of one trace (simulate passes one per trace);
   * without it each context gets its own
   */
  readonly budget?: StepBudget;
}

/** steps spent so far by one trace: rules evaluated, steps replayed from a shared sub-walk, steps written out */
export interface StepBudget {
  used: number;
}

export const MAX_DEPTH = 64;
/** a hostile ruleset could fan out without end; past this many branches the rest are cut */
export const MAX_BRANCHES = 4096;
/**
 * Steps one trace may spend: each rule evaluated, each step a shared (memoized) sub-walk adds to a
 * branch, each step written into a branch's result. A hostile ruleset (chains fanning out 2 ways
 * 16 deep, 4 ways 14 deep) would otherwise take exponential time or memory; past the budget the
 * branch stops undetermined. 100,000 matching rules in one chain fit.
 */
export const STEP_BUDGET = 2_000_000;
export const STEP_BUDGET_WHY = `step budget of ${STEP_BUDGET} exhausted`;

/**
 * A branch's steps while walking: a persistent list, so appending a step is O(1) (an array copied
 * on every step is quadratic over 100,000 matching rules) and a memoized sub-walk's steps are
 * shared, not copied. Written out as an array when a built-in chain's walk ends.
 */
type Steps =
  | { readonly kind: 'arr'; readonly len: number; readonly arr: readonly TraceStep[] }
  | { readonly kind: 'one'; readonly len: number; readonly prev: Steps; readonly step: TraceStep }
  | { readonly kind: 'cat'; readonly len: number; readonly a: Steps; readonly b: Steps };

const NO_STEPS: Steps = { kind: 'arr', len: 0, arr: [] };

function cat(a: Steps, b: Steps): Steps {
  if (b.len === 0) return a;
  if (a.len === 0) return b;
  return { kind: 'cat', len: a.len + b.len, a, b };
}

/** iterative: a list 100,000 steps long must not recurse */
function stepsArray(s: Steps): TraceStep[] {
  if (s.kind === 'arr') return [...s.arr];
  const rev: TraceStep[] = [];
  const stack: Steps[] = [s];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'arr') for (let i = n.arr.length - 1; i >= 0; i--) rev.push(n.arr[i]!);
    else if (n.kind === 'one') {
      rev.push(n.step);
      stack.push(n.prev);
    } else {
      stack.push(n.a, n.b);
    }
  }
  return rev.reverse();
}

/** the walk's own state: WalkState with its steps as a persistent list */
interface St {
  readonly pkt: Packet;
  readonly steps: Steps;
  readonly probability: number;
}

interface Out extends Omit<WalkOutcome, 'state'> {
  readonly state: St;
}

/** per trace walk: the budget, the memo of chain outcomes per packet, the chains being walked (cycles) */
interface Walk {
  readonly save: IptablesSave;
  readonly ctx: WalkContext;
  readonly budget: StepBudget;
  /** `table chain depth packet` → the chain's outcomes from an empty start (steps and probability relative) */
  readonly memo: Map<string, readonly Out[]>;
  /** `table chain packet` of the chains on the current jump path, in order */
  readonly active: string[];
  readonly activeNames: string[];
  /** loops cut so far: a sub-walk that cut one depends on its callers and is not memoized */
  cycles: number;
}

const walks = new WeakMap<IptablesSave, WeakMap<WalkContext, Walk>>();
const ownBudgets = new WeakMap<WalkContext, StepBudget>();

function walkOf(save: IptablesSave, ctx: WalkContext): Walk {
  let byCtx = walks.get(save);
  if (!byCtx) walks.set(save, (byCtx = new WeakMap()));
  let w = byCtx.get(ctx);
  if (!w) {
    let budget = ctx.budget ?? ownBudgets.get(ctx);
    if (!budget) ownBudgets.set(ctx, (budget = { used: 0 }));
    w = { save, ctx, budget, memo: new Map(), active: [], activeNames: [], cycles: 0 };
    byCtx.set(ctx, w);
  }
  return w;
}

/** everything a rule's verdict can depend on in the packet */
function packetKey(p: Packet): string {
  return [
    p.src,
    p.dst,
    p.proto,
    p.sport,
    p.dport ?? '',
    p.mark,
    p.inIface ?? '',
    p.outIface ?? '',
    p.dnat ? 1 : 0,
    p.snat ? 1 : 0,
    p.markUnknown ?? 0,
  ].join('|');
}

// targets that never change where a packet goes (CONNMARK only touches the conntrack mark)
const NON_TERMINAL = new Set([
  'LOG',
  'NFLOG',
  'ULOG',
  'TRACE',
  'CT',
  'NOTRACK',
  'CHECKSUM',
  'TCPMSS',
  'CONNMARK',
  'NFQUEUE_BYPASS',
  'AUDIT',
  'CLASSIFY',
  'DSCP',
  'TOS',
  'TTL',
  'SET',
  'CONNSECMARK',
  'SECMARK',
  'IDLETIMER',
  'LED',
  'RATEEST',
  'TEE',
]);

/** the mark bits a MARK rule may change: what becomes unknown when the tracer cannot tell whether it applied */
function markBitsTouched(rule: IptablesRule): number {
  const xmark = targetOpt(rule, '--set-xmark') ?? targetOpt(rule, '--set-mark');
  if (xmark !== undefined) {
    const [v, m] = xmark.split('/');
    return m === undefined ? 0xffffffff : (Number(m) | Number(v)) >>> 0;
  }
  const or = targetOpt(rule, '--or-mark') ?? targetOpt(rule, '--xor-mark');
  if (or !== undefined) return Number(or) >>> 0;
  const and = targetOpt(rule, '--and-mark');
  if (and !== undefined) return ~Number(and) >>> 0;
  return 0xffffffff;
}

function targetOpt(rule: IptablesRule, name: string): string | undefined {
  return rule.targetOptions.find((o) => o.name === name)?.values[0];
}

function step(ctx: WalkContext, rule: IptablesRule, verdict: string, extra: Partial<TraceStep> = {}): TraceStep {
  return {
    hook: ctx.hook,
    table: rule.table,
    chain: rule.chain,
    ruleIndex: rule.index,
    line: rule.line,
    text: rule.text,
    verdict,
    ...extra,
  };
}

function applyMark(mark: number, rule: IptablesRule): number {
  const xmark = targetOpt(rule, '--set-xmark');
  if (xmark !== undefined) {
    const [v, m] = xmark.split('/');
    const value = Number(v) >>> 0;
    const mask = m === undefined ? 0xffffffff : Number(m) >>> 0;
    return ((mark & ~mask) ^ value) >>> 0;
  }
  const set = targetOpt(rule, '--set-mark');
  if (set !== undefined) {
    const [v, m] = set.split('/');
    const mask = m === undefined ? 0xffffffff : Number(m) >>> 0;
    return ((mark & ~mask) | (Number(v) & mask)) >>> 0;
  }
  const or = targetOpt(rule, '--or-mark');
  if (or !== undefined) return (mark | Number(or)) >>> 0;
  const and = targetOpt(rule, '--and-mark');
  if (and !== undefined) return (mark & Number(and)) >>> 0;
  const xor = targetOpt(rule, '--xor-mark');
  if (xor !== undefined) return (mark ^ Number(xor)) >>> 0;
  return mark;
}

function splitHostPort(s: string): { ip: string; port?: number } {
  // "10.244.1.3:53", "10.244.1.3", "10.244.1.3:8000-8010" (a range: first port), "[fd00::1]:53"
  const m = /^\[([^\]]+)\](?::(\d+))?/.exec(s) ?? /^([^:]+)(?::(\d+))?/.exec(s);
  return { ip: m?.[1] ?? s, port: m?.[2] !== undefined ? Number(m[2]) : undefined };
}

function with_(state: St, s: TraceStep, pkt: Packet = state.pkt, probability = state.probability): St {
  return { pkt, steps: { kind: 'one', len: state.steps.len + 1, prev: state.steps, step: s }, probability };
}

const toSt = (s: WalkState): St => ({
  pkt: s.pkt,
  probability: s.probability,
  steps: { kind: 'arr', len: s.steps.length, arr: s.steps },
});

function toOutcome(w: Walk, o: Out): WalkOutcome {
  w.budget.used += o.state.steps.len;
  return { ...o, state: { pkt: o.state.pkt, probability: o.state.probability, steps: stepsArray(o.state.steps) } };
}

/** Walk one chain from `state`; a jump's sub-chain outcomes continue after the jump. */
export function walkChain(
  save: IptablesSave,
  table: string,
  chain: string,
  state: WalkState,
  ctx: WalkContext,
  depth = 0,
): WalkOutcome[] {
  const w = walkOf(save, ctx);
  return walkRules(w, table, chain, toSt(state), depth).map((o) => toOutcome(w, o));
}

function walkRules(w: Walk, table: string, chain: string, state: St, depth: number): Out[] {
  const { save, ctx, budget } = w;
  const rules = save.tables.get(table)?.chains.get(chain)?.rules ?? [];
  const out: Out[] = [];
  budget.used++;
  const index = destIndex(rules);
  // Work list of (rule position, state): a random split pushes both sides.
  const work: { i: number; state: St }[] = [{ i: 0, state }];
  while (work.length > 0) {
    const { i: start, state: st0 } = work.pop()!;
    let st = st0;
    let i = start;
    let ended = false;
    for (; i < rules.length && !ended; i++) {
      if (index) {
        // rules that cannot match only count against the budget: skipped at once when walking
        // them one by one would not have reached the budget or branch limits (same outcome)
        const next = nextCandidate(index, st.pkt.dst, i, rules.length);
        if (
          next > i &&
          budget.used + (next - i) <= STEP_BUDGET &&
          st.steps.len < STEP_BUDGET &&
          out.length + work.length <= MAX_BRANCHES
        ) {
          budget.used += next - i;
          i = next;
          if (i >= rules.length) break;
        }
      }
      if (budget.used >= STEP_BUDGET || st.steps.len >= STEP_BUDGET) {
        const r = rules[i]!;
        const s = step(ctx, r, `UNDETERMINED: ${STEP_BUDGET_WHY}; the rest of this branch was not traced`);
        out.push({ state: with_(st, s), end: 'undetermined', by: s, why: STEP_BUDGET_WHY, needs: [] });
        ended = true;
        break;
      }
      budget.used++;
      if (out.length + work.length > MAX_BRANCHES) {
        const s: TraceStep = {
          hook: ctx.hook,
          table,
          chain,
          verdict: `UNDETERMINED: more than ${MAX_BRANCHES} branches; the rest were not traced`,
        };
        out.push({
          state: with_(st, s),
          end: 'undetermined',
          by: s,
          why: `more than ${MAX_BRANCHES} branches`,
          needs: [],
        });
        ended = true;
        break;
      }
      const rule = rules[i]!;
      const m = ruleMatches(rule, st.pkt, ctx);
      if (m.kind === 'no-match') continue;
      if (m.kind === 'undetermined') {
        const target = rule.target;
        const note = `${m.module}: ${m.why}`;
        // whether it matched or not, the packet goes on the same way
        if (target === undefined) continue;
        if (NON_TERMINAL.has(target)) {
          st = with_(st, step(ctx, rule, `${target} (non-terminating; its match is undetermined: ${note})`));
          continue;
        }
        if (target === 'MARK') {
          // applied or not: the bits it sets are unknown from here on
          const bits = markBitsTouched(rule);
          const pkt: Packet = { ...st.pkt, markUnknown: ((st.pkt.markUnknown ?? 0) | bits) >>> 0 };
          st = with_(
            st,
            step(
              ctx,
              rule,
              `MARK, undetermined whether it applies (${note}): mark bits 0x${bits.toString(16)} unknown`,
            ),
            pkt,
          );
          continue;
        }
        const s = step(ctx, rule, `UNDETERMINED: ${note}`);
        out.push({ state: with_(st, s), end: 'undetermined', by: s, why: note, needs: m.needs });
        ended = true;
        break;
      }
      const assumptions = m.assumptions.length > 0 ? { assumptions: m.assumptions } : {};
      if (m.kind === 'random') {
        // the not-taken side continues with the next rule
        work.push({ i: i + 1, state: { ...st, probability: st.probability * (1 - m.probability) } });
        st = { ...st, probability: st.probability * m.probability };
      }
      const branch = m.kind === 'random' ? { branch: { probability: m.probability, taken: true } } : {};
      const target = rule.target;
      if (target === undefined) continue;
      const res = applyTarget(w, rule, target, st, depth, { ...assumptions, ...branch });
      if (res.kind === 'continue') {
        st = res.state;
        continue;
      }
      if (res.kind === 'fanout') {
        // a jump whose sub-chain split into branches: those that returned continue after this rule
        for (const o of res.outcomes) {
          if (o.end === 'return' && !rule.goto) work.push({ i: i + 1, state: o.state });
          else out.push(o);
        }
        ended = true;
        break;
      }
      out.push(res.outcome);
      ended = true;
    }
    if (!ended) out.push({ state: st, end: 'return' });
  }
  return out;
}

type TargetResult =
  { kind: 'continue'; state: St } | { kind: 'end'; outcome: Out } | { kind: 'fanout'; outcomes: Out[] };

/**
 * A sub-chain's outcomes for one packet, from an empty start: walked once per (chain, depth,
 * packet) and shared by every jump that reaches it with that packet. Sound because a chain's walk
 * depends only on the packet, the depth (the nesting cap) and the hook's context; a walk that cut
 * a loop depends on its callers too and is not kept.
 */
function subChain(w: Walk, table: string, chain: string, pkt: Packet, depth: number): readonly Out[] {
  const pk = packetKey(pkt);
  const key = `${table} ${chain} ${depth} ${pk}`;
  const hit = w.memo.get(key);
  if (hit) {
    w.budget.used += 1 + hit.reduce((n, o) => n + o.state.steps.len, 0);
    return hit;
  }
  const cyclesBefore = w.cycles;
  w.active.push(`${table} ${chain} ${pk}`);
  w.activeNames.push(chain);
  let outs: Out[];
  try {
    outs = walkRules(w, table, chain, { pkt, steps: NO_STEPS, probability: 1 }, depth);
  } finally {
    w.active.pop();
    w.activeNames.pop();
  }
  if (w.cycles === cyclesBefore) w.memo.set(key, outs);
  return outs;
}

function applyTarget(
  w: Walk,
  rule: IptablesRule,
  target: string,
  st: St,
  depth: number,
  extra: Partial<TraceStep>,
): TargetResult {
  const { save, ctx } = w;
  const end = (e: End, verdict: string, pkt = st.pkt, more: Partial<Omit<WalkOutcome, 'state'>> = {}): TargetResult => {
    const s = step(ctx, rule, verdict, extra);
    return {
      kind: 'end',
      outcome: {
        state: with_(st, s, pkt),
        end: e,
        ...(e === 'drop' || e === 'reject' || e === 'undetermined' ? { by: s } : {}),
        ...more,
      },
    };
  };
  switch (target) {
    case 'ACCEPT':
      return end('accept', 'ACCEPT');
    case 'DROP':
      return end('drop', 'DROP');
    case 'REJECT': {
      const w = targetOpt(rule, '--reject-with') ?? 'icmp-port-unreachable';
      return end('reject', `REJECT (${w})`, st.pkt, { rejectWith: w });
    }
    case 'RETURN':
      return end('return', 'RETURN');
    case 'MARK': {
      const mark = applyMark(st.pkt.mark, rule);
      return {
        kind: 'continue',
        state: with_(st, step(ctx, rule, `MARK 0x${mark.toString(16)}`, extra), { ...st.pkt, mark }),
      };
    }
    case 'DNAT': {
      const to = targetOpt(rule, '--to-destination');
      if (!to) return end('accept', 'DNAT without --to-destination (ignored)');
      const { ip, port } = splitHostPort(to);
      const pkt: Packet = { ...st.pkt, dst: ip, dport: port ?? st.pkt.dport, dnat: true };
      return end('accept', `DNAT to ${ip}${port !== undefined ? `:${port}` : ''}`, pkt);
    }
    case 'SNAT': {
      const to = targetOpt(rule, '--to-source');
      const { ip } = splitHostPort(to ?? st.pkt.src);
      return end('accept', `SNAT to ${ip}`, { ...st.pkt, src: ip, snat: true });
    }
    case 'MASQUERADE': {
      const src = ctx.masqueradeSource(st.pkt);
      if (!src)
        return end('accept', `MASQUERADE (no address on ${st.pkt.outIface ?? 'the out interface'}; source unchanged)`);
      return end('accept', `MASQUERADE to ${src}`, { ...st.pkt, src, snat: true });
    }
    case 'REDIRECT': {
      const ports = targetOpt(rule, '--to-ports');
      const port = ports !== undefined ? Number(ports.split('-')[0]) : st.pkt.dport;
      return end('accept', `REDIRECT to local port ${port ?? '?'}`, {
        ...st.pkt,
        dst: '127.0.0.1',
        dport: port,
        dnat: true,
      });
    }
    default:
      break;
  }
  const sub = save.tables.get(rule.table)?.chains.get(target);
  if (sub) {
    const how = rule.goto ? 'goto' : 'jump';
    if (depth + 1 > MAX_DEPTH) {
      const why = `chain nesting deeper than ${MAX_DEPTH}`;
      return end('undetermined', `UNDETERMINED: ${how} ${target}: ${why}; not followed`, st.pkt, { why, needs: [] });
    }
    // a chain re-entered with the same packet: a loop (iptables-restore refuses one; a bundle can hold it)
    const at = w.active.indexOf(`${rule.table} ${target} ${packetKey(st.pkt)}`);
    if (at >= 0) {
      w.cycles++;
      const why = `chain ${target} re-entered with the same packet (loop ${[...w.activeNames.slice(at), target].join(' → ')})`;
      return end('undetermined', `UNDETERMINED: ${how} ${target}: ${why}; not followed`, st.pkt, { why, needs: [] });
    }
    const entered = with_(st, step(ctx, rule, `${how} ${target}`, extra));
    const rel = subChain(w, rule.table, target, entered.pkt, depth + 1);
    // a shared sub-walk replayed too often (chains fanning out) would make a branch too long to write out
    if (w.budget.used >= STEP_BUDGET || rel.some((o) => entered.steps.len + o.state.steps.len >= STEP_BUDGET)) {
      return end('undetermined', `UNDETERMINED: ${how} ${target}: ${STEP_BUDGET_WHY}; not followed`, st.pkt, {
        why: STEP_BUDGET_WHY,
        needs: [],
      });
    }
    const outcomes: Out[] = rel.map((o) => ({
      ...o,
      state: {
        pkt: o.state.pkt,
        steps: cat(entered.steps, o.state.steps),
        probability: entered.probability * o.state.probability,
      },
    }));
    if (outcomes.length === 1 && outcomes[0]!.end === 'return' && !rule.goto)
      return { kind: 'continue', state: outcomes[0]!.state };
    return { kind: 'fanout', outcomes };
  }
  if (NON_TERMINAL.has(target))
    return { kind: 'continue', state: with_(st, step(ctx, rule, `${target} (non-terminating)`, extra)) };
  // a target the tracer does not model, or a jump to a chain the dump does not hold (a pasted fragment)
  const why =
    ruleJumpsTo(rule) !== undefined
      ? `chain ${target} is not in the dump`
      : `target ${target} is not modelled by the tracer`;
  return end('undetermined', `UNDETERMINED: ${why}`, st.pkt, {
    why,
    needs: ruleJumpsTo(rule) !== undefined ? ['host.iptables-save'] : [],
  });
}

/** Walk a built-in chain and apply its policy to the branches that fall off its end. */
export function walkBuiltin(
  save: IptablesSave,
  table: string,
  chain: string,
  state: WalkState,
  ctx: WalkContext,
): WalkOutcome[] {
  const c = save.tables.get(table)?.chains.get(chain);
  if (!c) return [{ state, end: 'accept' }];
  const w = walkOf(save, ctx);
  // the built-in chain itself is on the jump path: a user chain jumping back to it is a loop
  w.active.push(`${table} ${chain} ${packetKey(state.pkt)}`);
  w.activeNames.push(chain);
  let outs: Out[];
  try {
    outs = walkRules(w, table, chain, toSt(state), 0);
  } finally {
    w.active.pop();
    w.activeNames.pop();
  }
  return outs.map((o0) => {
    const o = toOutcome(w, o0);
    if (o.end !== 'return') return o;
    const policy = c.policy ?? 'ACCEPT';
    // the declaration line as iptables-save prints it, so the step quotes the file exactly
    const text = `:${c.name} ${policy}${c.counters ? ` [${c.counters.packets}:${c.counters.bytes}]` : ''}`;
    const s: TraceStep = { hook: ctx.hook, table, chain, line: c.line, text, verdict: `policy ${policy}` };
    const st: WalkState = { ...o.state, steps: [...o.state.steps, s] };
    return policy === 'DROP' ? { state: st, end: 'drop', by: s } : { state: st, end: 'accept' };
  });
}
