// Walk iptables chains the way the kernel does for one packet: rules in order, jumps and gotos,
// RETURN, built-in chain policies, and the targets that rewrite or end it. A random statistic
// match splits the walk into branches, each carried with its probability.
import type { IptablesRule, IptablesSave } from '../parse/types.js';
import { ruleMatches, type MatchContext } from './match.js';
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
}

const MAX_DEPTH = 64;
/** a hostile ruleset could fan out without end; past this many branches the rest are cut */
export const MAX_BRANCHES = 4096;

// targets that never change where a packet goes (CONNMARK only touches the conntrack mark)
const NON_TERMINAL = new Set(['LOG', 'NFLOG', 'ULOG', 'TRACE', 'CT', 'NOTRACK', 'CHECKSUM', 'TCPMSS', 'CONNMARK', 'NFQUEUE_BYPASS', 'AUDIT', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'SET', 'CONNSECMARK', 'SECMARK', 'IDLETIMER', 'LED', 'RATEEST', 'TEE']);

/** the mark bits a MARK rule may change: what becomes unknown when the tracer cannot tell whether it applied */
function markBitsTouched(rule: IptablesRule): number {
  const xmark = targetOpt(rule, '--set-xmark') ?? targetOpt(rule, '--set-mark');
  if (xmark !== undefined) {
    const [v, m] = xmark.split('/');
    return m === undefined ? 0xffffffff : ((Number(m) | Number(v)) >>> 0);
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
  return { hook: ctx.hook, table: rule.table, chain: rule.chain, ruleIndex: rule.index, line: rule.line, text: rule.text, verdict, ...extra };
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

function with_(state: WalkState, s: TraceStep, pkt: Packet = state.pkt, probability = state.probability): WalkState {
  return { pkt, steps: [...state.steps, s], probability };
}

export function walkChain(save: IptablesSave, table: string, chain: string, state: WalkState, ctx: WalkContext, depth = 0): WalkOutcome[] {
  const rules = save.tables.get(table)?.chains.get(chain)?.rules ?? [];
  if (depth > MAX_DEPTH) {
    const s: TraceStep = { hook: ctx.hook, table, chain, verdict: `UNDETERMINED: chain nesting deeper than ${MAX_DEPTH}; not followed` };
    return [{ state: with_(state, s), end: 'undetermined', by: s, why: `chain nesting deeper than ${MAX_DEPTH}`, needs: [] }];
  }
  const out: WalkOutcome[] = [];
  // Work list of (rule position, state): a random split pushes both sides.
  const work: { i: number; state: WalkState }[] = [{ i: 0, state }];
  while (work.length > 0) {
    const { i: start, state: st0 } = work.pop()!;
    let st = st0;
    let i = start;
    let ended = false;
    for (; i < rules.length && !ended; i++) {
      if (out.length + work.length > MAX_BRANCHES) {
        const s: TraceStep = { hook: ctx.hook, table, chain, verdict: `UNDETERMINED: more than ${MAX_BRANCHES} branches; the rest were not traced` };
        out.push({ state: with_(st, s), end: 'undetermined', by: s, why: `more than ${MAX_BRANCHES} branches`, needs: [] });
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
          st = with_(st, step(ctx, rule, `MARK, undetermined whether it applies (${note}): mark bits 0x${bits.toString(16)} unknown`), pkt);
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
      const res = applyTarget(save, rule, target, st, ctx, depth, { ...assumptions, ...branch });
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
  | { kind: 'continue'; state: WalkState }
  | { kind: 'end'; outcome: WalkOutcome }
  | { kind: 'fanout'; outcomes: WalkOutcome[] };

function applyTarget(
  save: IptablesSave,
  rule: IptablesRule,
  target: string,
  st: WalkState,
  ctx: WalkContext,
  depth: number,
  extra: Partial<TraceStep>,
): TargetResult {
  const end = (e: End, verdict: string, pkt = st.pkt, more: Partial<WalkOutcome> = {}): TargetResult => {
    const s = step(ctx, rule, verdict, extra);
    return { kind: 'end', outcome: { state: with_(st, s, pkt), end: e, ...(e === 'drop' || e === 'reject' || e === 'undetermined' ? { by: s } : {}), ...more } };
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
      return { kind: 'continue', state: with_(st, step(ctx, rule, `MARK 0x${mark.toString(16)}`, extra), { ...st.pkt, mark }) };
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
      if (!src) return end('accept', `MASQUERADE (no address on ${st.pkt.outIface ?? 'the out interface'}; source unchanged)`);
      return end('accept', `MASQUERADE to ${src}`, { ...st.pkt, src, snat: true });
    }
    case 'REDIRECT': {
      const ports = targetOpt(rule, '--to-ports');
      const port = ports !== undefined ? Number(ports.split('-')[0]) : st.pkt.dport;
      return end('accept', `REDIRECT to local port ${port ?? '?'}`, { ...st.pkt, dst: '127.0.0.1', dport: port, dnat: true });
    }
    default:
      break;
  }
  const sub = save.tables.get(rule.table)?.chains.get(target);
  if (sub) {
    const entered = with_(st, step(ctx, rule, `${rule.goto ? 'goto' : 'jump'} ${target}`, extra));
    const outcomes = walkChain(save, rule.table, target, entered, ctx, depth + 1);
    if (outcomes.length === 1 && outcomes[0]!.end === 'return' && !rule.goto) return { kind: 'continue', state: outcomes[0]!.state };
    return { kind: 'fanout', outcomes };
  }
  if (NON_TERMINAL.has(target)) return { kind: 'continue', state: with_(st, step(ctx, rule, `${target} (non-terminating)`, extra)) };
  // a target the tracer does not model, or a jump to a chain the dump does not hold (a pasted fragment)
  const why = ruleJumpsTo(rule) !== undefined ? `chain ${target} is not in the dump` : `target ${target} is not modelled by the tracer`;
  return end('undetermined', `UNDETERMINED: ${why}`, st.pkt, { why, needs: ruleJumpsTo(rule) !== undefined ? ['host.iptables-save'] : [] });
}

/** Walk a built-in chain and apply its policy to the branches that fall off its end. */
export function walkBuiltin(save: IptablesSave, table: string, chain: string, state: WalkState, ctx: WalkContext): WalkOutcome[] {
  const c = save.tables.get(table)?.chains.get(chain);
  if (!c) return [{ state, end: 'accept' }];
  return walkChain(save, table, chain, state, ctx).map((o) => {
    if (o.end !== 'return') return o;
    const policy = c.policy ?? 'ACCEPT';
    // the declaration line as iptables-save prints it, so the step quotes the file exactly
    const text = `:${c.name} ${policy}${c.counters ? ` [${c.counters.packets}:${c.counters.bytes}]` : ''}`;
    const s: TraceStep = { hook: ctx.hook, table, chain, line: c.line, text, verdict: `policy ${policy}` };
    const st = with_(o.state, s);
    return policy === 'DROP' ? { state: st, end: 'drop', by: s } : { state: st, end: 'accept' };
  });
}
