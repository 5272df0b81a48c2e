// The netfilter path of one NEW packet through one node, as Linux takes it:
//   from a pod or the wire: PREROUTING (raw, mangle, nat) → routing → INPUT or FORWARD → POSTROUTING
//   from the node itself:   routing → OUTPUT (raw, mangle, nat, filter) → re-route if DNATed → POSTROUTING
// Pure: it reads parsed iptables-save, routes and addresses and returns every branch with its fate.
import type { FileRef } from '../model/types.js';
import type { IpLink, IpRoute, IpRule, IptablesSave } from '../parse/types.js';
import { ipInCidr } from '../model/net.js';
import { walkBuiltin, type StepBudget, type WalkContext, type WalkOutcome, type WalkState } from './netfilter.js';
import type { RpfilterOptions, Undetermined } from './match.js';
import type { IpvsHost } from '../model/ipvs.js';
import { ipsetMatcher, ipvsLocalIn } from './ipvs.js';
import { deviceForSubnet, localAddresses, lookupRoute, primaryAddress } from './route.js';
import { hookStages, natAlreadyBound, nftStage } from './nft-hooks.js';
import type { NftJsonChain, NftJsonRuleset } from '../parse/nft-json.js';
import type { Fate, Packet, RouteChoice, TraceBranch, TraceInput, TraceResult, TraceStep } from './types.js';

export interface TraceHost {
  readonly node: string;
  readonly iptables?: IptablesSave;
  readonly routes?: readonly IpRoute[];
  readonly addrs?: readonly IpLink[];
  /** `ip rule`: only the three default rules means the main table decides (rpfilter's reverse lookup) */
  readonly ipRules?: readonly IpRule[];
  /** the cluster pod network, to say when a pod address leaves the node un-NATed */
  readonly podCidr?: string;
  /** net.ipv4.ip_forward; false means the kernel forwards nothing */
  readonly ipForward?: boolean;
  readonly iptablesRef?: FileRef;
  readonly routesRef?: FileRef;
  /**
   * nftables base chains outside iptables' own tables (firewalld's `inet firewalld`, kube-proxy's
   * nftables mode `ip kube-proxy`...) that act on the same hooks: the tracer does not evaluate them,
   * so a packet that gets through iptables on such a hook is undetermined, not delivered
   */
  readonly foreignNft?: readonly ForeignNftChain[];
  /** kube-proxy IPVS mode: virtual services, ipset members, kube-ipvs0 (analyzer/model/ipvs.ts; trace/ipvs.ts) */
  readonly ipvs?: IpvsHost;
  /** net.ipv4.vs.conntrack (false: IPVS sends its packets untracked) */
  readonly ipvsConntrack?: boolean;
  /**
   * `nft -j list ruleset`: base chains of the tables iptables does not own (kube-proxy's nftables
   * mode, firewalld...) are evaluated with iptables' tables in hook priority order (./nft-hooks.ts)
   */
  readonly nft?: NftJsonRuleset;
  readonly nftRef?: FileRef;
}

/** one nftables base chain the tracer does not evaluate */
export interface ForeignNftChain {
  /** nft hook name: prerouting, input, forward, output, postrouting */
  readonly hook: string;
  /** `inet firewalld` */
  readonly table: string;
  readonly chain: string;
  readonly rules: number;
  readonly policy?: string;
}

type Hook = Exclude<TraceStep['hook'], 'POLICY'>;
const TABLES: Record<Exclude<Hook, 'ROUTING'>, readonly string[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

/** INPUT's tables that run before IPVS (LOCAL_IN at NF_IP_PRI_NAT_SRC - 2); nat INPUT runs after it */
const BEFORE_IPVS = TABLES.INPUT.filter((t) => t !== 'nat');

/** IPVS takes packets at LOCAL_IN with priority NF_IP_PRI_NAT_SRC - 2 */
const IPVS_LOCAL_IN_PRIO = 98;

/**
 * Which nft base chains run in a pass over a subset of iptables' tables (IPVS mode splits INPUT at
 * IPVS's priority and sends its packets out through OUTPUT without nat): the same split by priority
 * and chain type, so no chain runs twice or out of place.
 */
function nftWindow(hook: Exclude<Hook, 'ROUTING'>, tables: readonly string[]): (c: NftJsonChain) => boolean {
  if (tables === TABLES[hook]) return () => true;
  if (hook === 'INPUT') {
    const afterIpvs = tables.length === 1 && tables[0] === 'nat';
    return (c) => (c.prio ?? 0) >= IPVS_LOCAL_IN_PRIO === afterIpvs;
  }
  return (c) => tables.includes('nat') || c.type !== 'nat';
}

interface Live {
  readonly state: WalkState;
  readonly route?: RouteChoice;
}

type Done = TraceBranch;

function hookPass(
  host: TraceHost,
  hook: Exclude<Hook, 'ROUTING'>,
  lives: readonly Live[],
  local: ReadonlySet<string>,
  done: Done[],
  budget: StepBudget,
  tables: readonly string[] = TABLES[hook],
): Live[] {
  const save = host.iptables;
  if (!save && !host.nft) return [...lives];
  const ctx: WalkContext = {
    hook,
    budget,
    localAddrs: local,
    masqueradeSource: (pkt) => primaryAddress(host.addrs, pkt.outIface, undefined),
    ifaceAddrs: (iface) => (host.addrs ? localAddresses(host.addrs.filter((l) => l.ifname === iface)) : undefined),
    rpfilter: (pkt, o) => reversePath(host, local, pkt, o),
    ipset: ipsetMatcher(host.ipvs),
  };
  let current = [...lives];
  const inWindow = nftWindow(hook, tables);
  const stages = hookStages(hook, save ? tables : [], host.nft).filter((st) => st.kind !== 'nft' || inWindow(st.chain));
  for (const stage of stages) {
    const next: Live[] = [];
    for (const live of current) {
      const nat = stage.kind === 'nft' ? stage.chain.type === 'nat' : stage.table === 'nat';
      if (nat && natAlreadyBound(hook, live.state)) {
        next.push(live);
        continue;
      }
      const outcomes =
        stage.kind === 'nft'
          ? nftStage(host.nft!, stage.chain, live.state, { ...ctx, hook, localAddrs: local })
          : walkBuiltin(save!, stage.table, hook, live.state, ctx);
      for (const o of outcomes) {
        if (o.end === 'accept' || o.end === 'return') next.push({ state: o.state, route: live.route });
        else done.push(finish(o, live.route));
      }
    }
    current = next;
  }
  return current;
}

// the rules `ip rule` lists on a node without policy routing
const DEFAULT_RULES = new Set(['0 local', '32766 main', '32767 default']);

/**
 * xt_rpfilter: the route back to the packet's source, looked up as the kernel does (source and
 * destination swapped), must be a unicast route out of the interface the packet came in on
 * (`--loose`: any unicast route; `--accept-local`: a local source passes too). Evaluated from the
 * node's main table; policy routing rules, which could send the lookup elsewhere, make it undetermined.
 */
function reversePath(
  host: TraceHost,
  local: ReadonlySet<string>,
  pkt: Packet,
  o: RpfilterOptions,
): boolean | Undetermined {
  if (pkt.inIface === undefined) return true; // the node's own packets: rpfilter only sees packets that come in
  if (!host.routes)
    return {
      module: 'rpfilter',
      why: `the route back to ${pkt.src} cannot be looked up: no routes in the bundle`,
      needs: ['host.ip-route'],
    };
  const policy = (host.ipRules ?? []).filter((r) => !DEFAULT_RULES.has(`${r.priority} ${r.table ?? ''}`));
  if (policy.length > 0)
    return {
      module: 'rpfilter',
      why: `policy routing rules (ip rule priority ${policy.map((r) => r.priority).join(', ')}) may choose the route back to ${pkt.src}; the tracer follows the main table only`,
      needs: [],
    };
  const back = lookupRoute(host.routes, local, pkt.src);
  if (back.kind === 'local') return o.acceptLocal;
  if (back.kind !== 'unicast') return false;
  return o.loose || back.dev === pkt.inIface;
}

function finish(o: WalkOutcome, route: RouteChoice | undefined): Done {
  const by = o.by
    ? `${o.by.table}/${o.by.chain}${o.by.ruleIndex !== undefined ? ` rule ${o.by.ruleIndex}` : ' policy'}`
    : 'unknown';
  const fate: Fate =
    o.end === 'undetermined'
      ? {
          kind: 'undetermined',
          at: o.by?.table ? by : (o.by?.verdict ?? 'unknown'),
          why: o.why ?? 'not evaluated',
          needs: o.needs ?? [],
        }
      : o.end === 'reject'
        ? { kind: 'rejected', by, with: o.rejectWith }
        : { kind: 'dropped', by };
  return { probability: o.state.probability, steps: o.state.steps, packet: o.state.pkt, route, fate };
}

function routeStep(r: RouteChoice, dst: string): TraceStep {
  const how =
    r.kind === 'local'
      ? `local delivery (${dst} is an address of this node)`
      : r.kind === 'unicast'
        ? `route ${r.dst} ${r.gateway ? `via ${r.gateway} ` : ''}dev ${r.dev ?? '?'}`
        : r.kind === 'none'
          ? `no route to ${dst}`
          : `${r.kind} route ${r.dst}`;
  return { hook: 'ROUTING', verdict: how, ...(r.at !== undefined ? { pointer: `/${r.at}` } : {}) };
}

function routeLive(host: TraceHost, live: Live, local: ReadonlySet<string>): Live {
  const r = lookupRoute(host.routes ?? [], local, live.state.pkt.dst);
  const pkt: Packet = { ...live.state.pkt, outIface: r.kind === 'local' ? 'lo' : r.dev };
  return { state: { ...live.state, pkt, steps: [...live.state.steps, routeStep(r, live.state.pkt.dst)] }, route: r };
}

function departFate(host: TraceHost, live: Live): Fate {
  const p = live.state.pkt;
  const r = live.route;
  if (!r || r.kind === 'none') return { kind: 'no-route', dst: p.dst };
  if (r.kind === 'blackhole' || r.kind === 'unreachable' || r.kind === 'prohibit')
    return { kind: 'dropped', by: `${r.kind} route ${r.dst}` };
  if (r.kind === 'local') return { kind: 'delivered-local', to: p.dst, port: p.dport };
  const kind = host.addrs?.find((l) => l.ifname === r.dev)?.linkinfo?.info_kind;
  const bridge = r.dev !== undefined && !r.gateway && deviceForSubnet(host.addrs, p.dst) === r.dev && kind === 'bridge';
  // Calico and other routed CNIs: a host route straight to the pod's veth (`10.42.1.7 dev cali7f8e9d0c1b2 scope link`)
  const veth = r.dev !== undefined && !r.gateway && kind === 'veth' && (r.dst === p.dst || r.dst === `${p.dst}/32`);
  if (bridge || veth) return { kind: 'delivered-pod', dev: r.dev!, to: p.dst, port: p.dport };
  const podSrc = host.podCidr !== undefined && ipInCidr(p.src, host.podCidr);
  const podDst = host.podCidr !== undefined && ipInCidr(p.dst, host.podCidr);
  const note =
    podSrc && !podDst
      ? `leaves with the pod's own source address ${p.src}: not routable outside the cluster, replies cannot come back`
      : undefined;
  return {
    kind: 'forwarded',
    dev: r.dev ?? '?',
    gateway: r.gateway,
    src: p.src,
    dst: p.dst,
    port: p.dport,
    ...(note ? { note } : {}),
  };
}

export function simulate(host: TraceHost, input: TraceInput): TraceResult {
  const missing: string[] = [];
  if (!host.iptables) missing.push('host.iptables-save');
  if (!host.routes) missing.push('host.ip-route');
  if (!host.addrs) missing.push('host.ip-addr');
  const local = localAddresses(host.addrs);
  const pkt: Packet = {
    src: input.src,
    dst: input.dst,
    proto: input.proto,
    sport: input.sport ?? 40000,
    dport: input.proto === 'icmp' ? undefined : input.dport,
    mark: 0,
    inIface: input.origin.kind === 'host' ? undefined : input.origin.iface,
    dnat: false,
    snat: false,
  };
  const done: Done[] = [];
  // one step budget for the whole trace, every hook and branch (netfilter.ts STEP_BUDGET)
  const budget: StepBudget = { used: 0 };
  const start: Live = { state: { pkt, steps: [], probability: 1 } };
  let lives: Live[];
  if (input.origin.kind === 'host') {
    lives = [routeLive(host, start, local)];
    lives = hookPass(host, 'OUTPUT', lives, local, done, budget).map((l) =>
      l.state.pkt.dst !== pkt.dst ? routeLive(host, l, local) : l,
    );
    lives = hookPass(host, 'POSTROUTING', lives, local, done, budget);
    const toLocal = lives.filter((l) => l.route?.kind === 'local');
    const away = lives.filter((l) => l.route?.kind !== 'local');
    for (const l of hookPass(host, 'INPUT', toLocal, local, done, budget, BEFORE_IPVS))
      localIn(host, l, local, done, budget, true);
    for (const l of away) done.push(branch(host, l));
  } else {
    lives = hookPass(host, 'PREROUTING', [start], local, done, budget).map((l) => routeLive(host, l, local));
    const toLocal = lives.filter((l) => l.route?.kind === 'local');
    const fwd = lives.filter((l) => l.route?.kind !== 'local');
    for (const l of hookPass(host, 'INPUT', toLocal, local, done, budget, BEFORE_IPVS))
      localIn(host, l, local, done, budget, false);
    let routable = fwd.filter((l) => l.route?.kind === 'unicast');
    if (host.ipForward === false) {
      for (const l of routable) {
        const s: TraceStep = { hook: 'ROUTING', verdict: 'not forwarded: net.ipv4.ip_forward = 0' };
        done.push({
          probability: l.state.probability,
          steps: [...l.state.steps, s],
          packet: l.state.pkt,
          route: l.route,
          fate: { kind: 'dropped', by: 'net.ipv4.ip_forward = 0' },
        });
      }
      routable = [];
    }
    for (const l of fwd.filter((x) => x.route?.kind !== 'unicast')) done.push(branch(host, l));
    const forwarded = hookPass(host, 'FORWARD', routable, local, done, budget);
    for (const l of hookPass(host, 'POSTROUTING', forwarded, local, done, budget)) done.push(branch(host, l));
  }
  const branches = done
    .map((b) => unevaluatedNft(host, input, b))
    .sort((a, b) => b.probability - a.probability || a.steps.length - b.steps.length);
  return { node: host.node, input, iptablesRef: host.iptablesRef, routesRef: host.routesRef, branches, missing };
}

const HOOK_OF: Readonly<Record<string, Exclude<Hook, 'ROUTING'>>> = {
  prerouting: 'PREROUTING',
  input: 'INPUT',
  forward: 'FORWARD',
  output: 'OUTPUT',
  postrouting: 'POSTROUTING',
};

/** a branch iptables let through, on a hook where an nftables chain the tracer does not evaluate also acts */
function unevaluatedNft(host: TraceHost, input: TraceInput, b: Done): Done {
  const f = b.fate;
  if (
    !host.foreignNft?.length ||
    f.kind === 'dropped' ||
    f.kind === 'rejected' ||
    f.kind === 'undetermined' ||
    f.kind === 'no-route'
  )
    return b;
  const local = f.kind === 'delivered-local';
  const hooks =
    input.origin.kind === 'host'
      ? ['output', 'postrouting', ...(local ? ['input'] : [])]
      : ['prerouting', ...(local ? ['input'] : ['forward', 'postrouting'])];
  const c = host.foreignNft.find((x) => hooks.includes(x.hook) && (x.rules > 0 || x.policy === 'drop'));
  if (!c) return b;
  const why = `nftables chain ${c.table} ${c.chain} (hook ${c.hook}${c.policy ? `, policy ${c.policy}` : ''}) also acts on this packet; the tracer evaluates iptables rules only`;
  const step: TraceStep = {
    hook: HOOK_OF[c.hook] ?? 'ROUTING',
    table: c.table,
    chain: c.chain,
    verdict: `UNDETERMINED: ${why}`,
  };
  return {
    ...b,
    steps: [...b.steps, step],
    fate: { kind: 'undetermined', at: `${c.table}/${c.chain}`, why, needs: [] },
  };
}

/** a packet INPUT let through: kube-proxy's IPVS may take it (trace/ipvs.ts), else it is delivered here */
function localIn(
  host: TraceHost,
  l: Live,
  local: ReadonlySet<string>,
  done: Done[],
  budget: StepBudget,
  hostOrigin: boolean,
): void {
  ipvsLocalIn(
    l,
    { ipvs: host.ipvs, conntrack: host.ipvsConntrack, hostOrigin },
    {
      route: (x) => routeLive(host, x, local),
      pass: (hook, lives, tables) => hookPass(host, hook, lives, local, done, budget, tables),
      finish: (x) => branch(host, x),
    },
    done,
  );
}

function branch(host: TraceHost, l: Live): Done {
  return {
    probability: l.state.probability,
    steps: l.state.steps,
    packet: l.state.pkt,
    route: l.route,
    fate: departFate(host, l),
  };
}
