// nftables base chains in the tracer's hook passes (./simulate.ts): on each netfilter hook the
// kernel runs every base chain registered there in priority order, iptables(-nft or legacy) tables
// and nftables tables alike (raw -300, mangle -150, dstnat -100, filter 0, security 50, srcnat 100).
// The iptables tables are walked from iptables-save (./netfilter.ts); every other ip/inet table's base
// chains (kube-proxy's nftables mode `ip kube-proxy`, firewalld, hand-written tables) from
// `nft -j list ruleset` (./nft-eval.ts). At equal priority the iptables table goes first (the kernel
// keeps registration order, which a bundle does not show). A nat chain only sees a connection whose
// NAT of that kind no earlier chain did (the kernel binds NAT once per connection).
import type { FileRef } from '../model/types.js';
import { IPTABLES_TABLES } from '../parse/nft.js';
import type { NftJsonChain, NftJsonRuleset } from '../parse/nft-json.js';
import { evalNftBaseChain, type NftPacket, type NftStep } from './nft-eval.js';
import type { WalkOutcome, WalkState } from './netfilter.js';
import type { TraceStep } from './types.js';

type Hook = Exclude<TraceStep['hook'], 'ROUTING'>;

/** where a step's `/nftables/<i>` pointer resolves (source host.nft-ruleset-json) */
export const NFT_JSON_FILE = 'host/nft-ruleset.json';

export type HookStage =
  | { readonly kind: 'iptables'; readonly table: string; readonly prio: number }
  | { readonly kind: 'nft'; readonly chain: NftJsonChain; readonly prio: number };

const IPT_PRIO: Readonly<Record<string, number>> = { raw: -300, mangle: -150, filter: 0, security: 50 };
const natPrio = (hook: Hook) => (hook === 'PREROUTING' || hook === 'OUTPUT' ? -100 : 100);

/** the tables of a hook (iptables' in kernel order) and the nft base chains on it, by priority */
export function hookStages(hook: Hook, iptTables: readonly string[], nft: NftJsonRuleset | undefined): HookStage[] {
  const out: HookStage[] = iptTables.map((table) => ({
    kind: 'iptables' as const,
    table,
    prio: table === 'nat' ? natPrio(hook) : (IPT_PRIO[table] ?? 0),
  }));
  const name = hook.toLowerCase();
  for (const c of nft?.chains.values() ?? []) {
    if (c.hook !== name || (c.family !== 'ip' && c.family !== 'inet')) continue;
    if (c.family === 'ip' && (IPTABLES_TABLES as readonly string[]).includes(c.table)) continue;
    out.push({ kind: 'nft', chain: c, prio: c.prio ?? 0 });
  }
  // a stable sort: iptables tables first at equal priority, nft chains in listing order
  return out
    .map((st, i) => ({ st, i }))
    .sort((a, b) => a.st.prio - b.st.prio || a.i - b.i)
    .map((x) => x.st);
}

/** true when a nat-type stage would not run: this connection's NAT of the hook's kind is already bound */
export function natAlreadyBound(hook: Hook, state: WalkState): boolean {
  return hook === 'PREROUTING' || hook === 'OUTPUT' ? state.pkt.dnat : state.pkt.snat;
}

export interface NftStageContext {
  readonly hook: Hook;
  readonly localAddrs: ReadonlySet<string>;
  readonly ref?: FileRef;
  masqueradeSource(pkt: WalkState['pkt']): string | undefined;
}

function traceStep(hook: Hook, s: NftStep, family: string): TraceStep {
  return {
    hook,
    table: `${family} ${s.table}`,
    chain: s.chain,
    ...(s.ruleIndex !== undefined ? { ruleIndex: s.ruleIndex } : {}),
    ...(s.index !== undefined ? { pointer: `/nftables/${s.index}` } : {}),
    verdict: s.policy ? `policy ${s.verdict}` : s.verdict,
  };
}

/** one nft base chain over one live packet: outcomes shaped like an iptables table walk's */
export function nftStage(
  rs: NftJsonRuleset,
  chain: NftJsonChain,
  state: WalkState,
  ctx: NftStageContext,
): WalkOutcome[] {
  const p = state.pkt;
  const packet: NftPacket = {
    family: 'ip',
    src: p.src,
    dst: p.dst,
    proto: p.proto,
    sport: p.sport,
    ...(p.dport !== undefined ? { dport: p.dport } : {}),
    mark: p.mark,
    ctState: 'new',
    ...(p.inIface !== undefined ? { iifname: p.inIface } : {}),
    ...(p.outIface !== undefined ? { oifname: p.outIface } : {}),
    localAddresses: [...ctx.localAddrs],
  };
  return evalNftBaseChain(rs, chain, packet).map((b) => {
    let probability = state.probability;
    for (const c of b.choices) {
      const n = Number(/\/(\d+)$/.exec(c)?.[1]);
      if (n > 0) probability /= n;
    }
    const steps = [...state.steps, ...b.steps.map((s) => traceStep(ctx.hook, s, chain.family))];
    let pkt = { ...p, mark: b.packet.mark };
    if (b.packet.dst !== p.dst || b.packet.dport !== p.dport)
      pkt = {
        ...pkt,
        dst: b.packet.dst,
        ...(b.packet.dport !== undefined ? { dport: b.packet.dport } : {}),
        dnat: true,
      };
    if (b.nat === 'masquerade' || b.nat === 'snat') {
      const src = ctx.masqueradeSource(pkt);
      pkt = { ...pkt, ...(src ? { src } : {}), snat: true };
    }
    const last = steps[steps.length - 1];
    if (b.verdict === 'undetermined') {
      const why = b.why ?? 'not evaluated';
      const step: TraceStep = {
        hook: ctx.hook,
        table: `${chain.family} ${chain.table}`,
        verdict: `UNDETERMINED: ${why}`,
      };
      return {
        state: { pkt, steps: [...steps, step], probability },
        end: 'undetermined' as const,
        by: step,
        why: `nftables ${chain.family} ${chain.table}: ${why}`,
        needs: [],
      };
    }
    return {
      state: { pkt, steps, probability },
      end: b.verdict,
      ...(b.verdict !== 'accept' && last ? { by: last } : {}),
      ...(b.verdict === 'reject' ? { rejectWith: 'icmp-port-unreachable' } : {}),
    };
  });
}
