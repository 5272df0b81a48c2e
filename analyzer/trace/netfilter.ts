// Walk iptables chains the way the kernel does for one packet: rules in order, jumps and gotos,
// RETURN, built-in chain policies, and the targets that rewrite or end it. A random statistic
// match splits the walk into branches, each carried with its probability.
import type { IptablesRule, IptablesSave } from '../parse/types.js';
import { ruleMatches, type MatchContext } from './match.js';
import type { Packet, TraceStep } from './types.js';

export interface WalkState {
  readonly pkt: Packet;
  readonly steps: readonly TraceStep[];
  readonly probability: number;
}

export type End = 'accept' | 'drop' | 'reject' | 'return';

export interface WalkOutcome {
  readonly state: WalkState;
  readonly end: End;
  /** the step that decided a drop/reject */
  readonly by?: TraceStep;
  readonly rejectWith?: string;
}

export interface WalkContext extends MatchContext {
  readonly hook: TraceStep['hook'];
  /** source address MASQUERADE would choose for the packet's out interface */
  masqueradeSource(pkt: Packet): string | undefined;
}

const MAX_DEPTH = 64;
/** a hostile ruleset could fan out without end; past this many branches the rest are cut */
export const MAX_BRANCHES = 4096;

const NON_TERMINAL = new Set(['LOG', 'NFLOG', 'TRACE', 'CT', 'NOTRACK', 'CHECKSUM', 'TCPMSS', 'CONNMARK', 'NFQUEUE_BYPASS', 'AUDIT', 'CLASSIFY', 'DSCP', 'TOS', 'TTL']);

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
    return [{ state: with_(state, { hook: ctx.hook, table, chain, verdict: `chain nesting deeper than ${MAX_DEPTH}; stopped (assumed RETURN)` }), end: 'return' }];
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
        out.push({ state: with_(st, { hook: ctx.hook, table, chain, verdict: `more than ${MAX_BRANCHES} branches; the rest were not traced` }), end: 'drop' });
        ended = true;
        break;
      }
      const rule = rules[i]!;
      const m = ruleMatches(rule, st.pkt, ctx);
      if (m.kind === 'no-match') continue;
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
    return { kind: 'end', outcome: { state: with_(st, s, pkt), end: e, ...(e === 'drop' || e === 'reject' ? { by: s } : {}), ...more } };
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
  return {
    kind: 'continue',
    state: with_(st, step(ctx, rule, `${target}: unknown target or missing chain, assumed non-terminating`, { ...extra, assumptions: [{ module: target, assumed: 'no-match', why: 'target not modelled by the tracer' }] })),
  };
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
