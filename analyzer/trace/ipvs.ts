// kube-proxy's IPVS mode in the tracer. A packet to a ClusterIP (bound on kube-ipvs0, so routing
// delivers it locally) or to a NodePort on a node address passes the INPUT hook's mangle and filter
// chains; then IPVS, hooked at LOCAL_IN just before nat INPUT (NF_IP_PRI_NAT_SRC - 2), takes it when
// a virtual service matches its protocol, address and port:
// - it schedules one real server: each real server with weight > 0 is a branch, its probability its
//   weight over the sum (rr and wrr converge to that share; other schedulers are noted as such);
//   weight 0 means drained (kube-proxy's graceful termination): no new connection goes there;
// - no real server with weight > 0: ip_vs_leave sends ICMP port unreachable and drops the packet;
// - NAT (Masq) forwarding rewrites the destination and sends the packet out through LOCAL_OUT and
//   POSTROUTING (ip_vs_nat_send_or_cont): the OUTPUT chains run without nat (the connection's
//   destination NAT was settled in PREROUTING/OUTPUT), POSTROUTING nat runs (kube-proxy's
//   KUBE-POSTROUTING MASQUERADE) unless conntrack never saw the packet: with net.ipv4.vs.conntrack=0
//   IPVS marks it untracked and no nat rule applies to it;
// - a real server that is an address of this node is delivered locally.
// A packet with no matching virtual service (ICMP to a ClusterIP, a port the Service does not have)
// is an ordinary local delivery: that is why a ClusterIP answers ping in IPVS mode.
import type { IpvsHost } from '../model/ipvs.js';
import { testSet, virtualServiceFor, vsKey } from '../model/ipvs.js';
import type { MatchContext } from './match.js';
import type { Fate, Packet, RouteChoice, TraceBranch, TraceStep } from './types.js';
import type { WalkState } from './netfilter.js';

interface Live {
  readonly state: WalkState;
  readonly route?: RouteChoice;
}

export interface IpvsDeps {
  /** route the packet again after IPVS rewrote its destination */
  route(l: Live): Live;
  /** one hook with only these iptables tables; lives that got through */
  pass(hook: 'INPUT' | 'OUTPUT' | 'POSTROUTING', lives: readonly Live[], tables: readonly string[]): Live[];
  /** the branch's fate after routing (delivered, forwarded...) */
  finish(l: Live): TraceBranch;
}

export interface IpvsOptions {
  readonly ipvs?: IpvsHost;
  /** net.ipv4.vs.conntrack: false = IPVS packets are untracked (no nat in POSTROUTING); undefined = not collected */
  readonly conntrack?: boolean;
  /** the packet came from the node itself: POSTROUTING nat already ran before local delivery */
  readonly hostOrigin: boolean;
}

/** MatchContext.ipset over a node's collected sets: member, not, or undetermined with the reason */
export function ipsetMatcher(ipvs: IpvsHost | undefined): NonNullable<MatchContext['ipset']> {
  return (name, flags, pkt) => {
    const r = testSet(ipvs ?? {}, name, flags, pkt);
    return r.kind === 'unknown' ? { module: 'set', why: r.why, needs: r.needs } : r.kind === 'member';
  };
}

const SCHEDULERS_BY_WEIGHT = new Set(['rr', 'wrr']);

/**
 * After INPUT's mangle, filter and security chains let a local delivery through: IPVS takes it, or
 * nat INPUT runs and it is delivered to the node.
 */
export function ipvsLocalIn(l: Live, o: IpvsOptions, deps: IpvsDeps, done: TraceBranch[]): void {
  const p = l.state.pkt;
  const vs = o.ipvs ? virtualServiceFor(o.ipvs, p.proto, p.dst, p.dport) : undefined;
  if (!vs) {
    for (const x of deps.pass('INPUT', [l], ['nat'])) done.push(deps.finish(x));
    return;
  }
  const key = vsKey(vs.protocol, vs.address, vs.port);
  const where = `${o.ipvs?.servicesRef?.path ?? 'host/ipvsadm.txt'}:${vs.line}`;
  const reals = vs.reals.filter((r) => (r.weight ?? 1) > 0);
  const total = reals.reduce((n, r) => n + (r.weight ?? 1), 0);
  if (reals.length === 0 || total <= 0) {
    const why =
      vs.reals.length === 0 ? 'no real server' : `all ${vs.reals.length} real server(s) have weight 0 (drained)`;
    const step: TraceStep = {
      hook: 'INPUT',
      table: 'ipvs',
      chain: key,
      verdict: `IPVS ${key}: ${why}; ICMP port unreachable (${where})`,
    };
    const fate: Fate = { kind: 'rejected', by: `IPVS ${key} (${why})`, with: 'icmp-port-unreachable' };
    done.push({ probability: l.state.probability, steps: [...l.state.steps, step], packet: p, route: l.route, fate });
    return;
  }
  const sched = vs.scheduler ?? '?';
  const share = SCHEDULERS_BY_WEIGHT.has(sched) ? 'weight share' : `scheduler ${sched}: shown by weight share`;
  for (const r of reals) {
    const w = r.weight ?? 1;
    const probability = w / total;
    const rPath = `${o.ipvs?.servicesRef?.path ?? 'host/ipvsadm.txt'}:${r.line}`;
    const step: TraceStep = {
      hook: 'INPUT',
      table: 'ipvs',
      chain: key,
      verdict: `IPVS ${sched} to ${r.address}:${r.port} (${r.forward ?? 'Masq'}, weight ${w} of ${total}, ${share}; ${rPath})`,
      branch: { probability, taken: true },
    };
    const pkt: Packet = { ...p, dst: r.address, dport: r.port, dnat: true, outIface: undefined };
    const rewritten: Live = {
      state: { ...l.state, pkt, steps: [...l.state.steps, step], probability: l.state.probability * probability },
    };
    const routed = deps.route(rewritten);
    if (routed.route?.kind === 'local') {
      done.push(deps.finish(routed));
      continue;
    }
    const out = deps.pass('OUTPUT', [routed], ['raw', 'mangle', 'filter', 'security']);
    const untracked = o.conntrack === false;
    const postTables = o.hostOrigin || untracked ? ['mangle'] : ['mangle', 'nat'];
    const marked = untracked
      ? out.map((x) => ({
          ...x,
          state: {
            ...x.state,
            steps: [
              ...x.state.steps,
              {
                hook: 'POSTROUTING',
                table: 'nat',
                verdict:
                  'not evaluated: net.ipv4.vs.conntrack = 0, IPVS sent the packet untracked, so no nat rule (MASQUERADE) applies',
              } satisfies TraceStep,
            ],
          },
        }))
      : out;
    for (const x of deps.pass('POSTROUTING', marked, postTables)) done.push(deps.finish(x));
  }
}
