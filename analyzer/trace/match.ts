// Does one iptables rule match one NEW packet? Every match module the tracer knows is evaluated;
// one it cannot judge from a bundle is undetermined (with the reason and what would decide it),
// never guessed. Only judgements that hold for any single NEW packet are kept as assumptions
// (a rate limit is not reached by one packet).
import type { IptAddrMatch, IptMatch, IptOption, IptablesRule } from '../parse/types.js';
import { ipInCidr } from '../model/net.js';
import { UNSUPPORTED_REVISION } from '../parse/iptables-util.js';
import type { Assumption, Packet } from './types.js';

/** `-m rpfilter` options */
export interface RpfilterOptions {
  readonly loose: boolean;
  readonly validmark: boolean;
  readonly acceptLocal: boolean;
}

/** why a match could not be evaluated, and the bundle sources that would decide it */
export interface Undetermined {
  readonly module: string;
  readonly why: string;
  readonly needs: readonly string[];
}

export interface MatchContext {
  /** addresses of the node (addrtype LOCAL), including 127.0.0.0/8 handled separately */
  readonly localAddrs: ReadonlySet<string>;
  /** IPv4 addresses of one interface (addrtype --limit-iface-*); undefined when addresses were not collected */
  ifaceAddrs?(iface: string): ReadonlySet<string> | undefined;
  /** the reverse-path check of xt_rpfilter from the node's routes: passes or not, or why it cannot tell */
  rpfilter?(p: Packet, o: RpfilterOptions): boolean | Undetermined;
  /** `-m set --match-set <name> <flags>` from the collected members (analyzer/model/ipvs.ts testSet) */
  ipset?(name: string, flags: readonly string[], p: Packet): boolean | Undetermined;
}

export type MatchResult =
  | { readonly kind: 'match'; readonly assumptions: readonly Assumption[] }
  | { readonly kind: 'no-match' }
  /** `-m statistic --mode random`: matches with this probability */
  | { readonly kind: 'random'; readonly probability: number; readonly assumptions: readonly Assumption[] }
  /** the rule's other matches hold, but this one cannot be evaluated from the bundle */
  | ({ readonly kind: 'undetermined' } & Undetermined);

const NO: MatchResult = { kind: 'no-match' };

type ModuleResult = boolean | { random: number } | Undetermined;

const undetermined = (module: string, why: string, needs: readonly string[] = []): Undetermined => ({
  module,
  why,
  needs,
});
const isUndetermined = (r: ModuleResult): r is Undetermined => typeof r === 'object' && 'why' in r;

function addrMatches(m: IptAddrMatch | undefined, ip: string): boolean {
  if (!m) return true;
  const hit = ipInCidr(ip, m.value);
  return m.negated ? !hit : hit;
}

/** iptables interface match: exact, or a `+` suffix wildcard; `!` negates. Unknown iface never matches a name. */
function ifaceMatches(m: IptAddrMatch | undefined, iface: string | undefined): boolean {
  if (!m) return true;
  const pat = m.value;
  const hit = iface !== undefined && (pat.endsWith('+') ? iface.startsWith(pat.slice(0, -1)) : iface === pat);
  return m.negated ? !hit : hit;
}

function protoMatches(m: IptAddrMatch | undefined, proto: string): boolean {
  if (!m) return true;
  const v = m.value.toLowerCase();
  const hit =
    v === 'all' ||
    v === '0' ||
    v === proto ||
    (v === '6' && proto === 'tcp') ||
    (v === '17' && proto === 'udp') ||
    (v === '1' && proto === 'icmp');
  return m.negated ? !hit : hit;
}

function portIn(spec: string, port: number | undefined): boolean {
  if (port === undefined) return false;
  return spec.split(',').some((part) => {
    const [a, b] = part.split(':');
    const lo = a === '' || a === undefined ? 0 : Number(a);
    const hi = b === undefined ? lo : b === '' ? 65535 : Number(b);
    return port >= lo && port <= hi;
  });
}

function isLocal(ip: string, ctx: MatchContext): boolean {
  return ctx.localAddrs.has(ip) || ipInCidr(ip, '127.0.0.0/8');
}

function opt(o: IptOption, test: boolean): boolean {
  return o.negated ? !test : test;
}

/** `--mark value[/mask]` against the packet's mark; undetermined when an unknown MARK may have set those bits */
function markMatches(o: IptOption, p: Packet): boolean | Undetermined {
  const [v, mask] = (o.values[0] ?? '0').split('/');
  const want = Number(v);
  const msk = mask === undefined ? 0xffffffff : Number(mask);
  const unknown = ((p.markUnknown ?? 0) & msk) >>> 0;
  if (unknown !== 0)
    return undetermined(
      'mark',
      `mark bits 0x${unknown.toString(16)} were set or not by an earlier rule the tracer could not evaluate`,
    );
  return opt(o, (p.mark & msk) >>> 0 === (want & msk) >>> 0);
}

/** every option must hold; a false decides at once, an undetermined one only if nothing is false */
function allOf(results: readonly (boolean | Undetermined)[]): boolean | Undetermined {
  let u: Undetermined | undefined;
  for (const r of results) {
    if (r === false) return false;
    if (r !== true) u ??= r;
  }
  return u ?? true;
}

function addrTypeMatch(
  o: IptOption,
  p: Packet,
  ctx: MatchContext,
  limit: string | undefined,
  m: IptMatch,
): boolean | Undetermined {
  const t = (o.values[0] ?? '').split(',');
  const ip = o.name === '--dst-type' ? p.dst : p.src;
  if (!t.includes('LOCAL')) return opt(o, addrTypeOther(t, ip));
  if (limit === undefined) return opt(o, isLocal(ip, ctx));
  const iface = limit === '--limit-iface-in' ? p.inIface : p.outIface;
  const on = iface !== undefined ? ctx.ifaceAddrs?.(iface) : undefined;
  if (!on)
    return undetermined(m.module, `${limit}: the addresses of ${iface ?? 'the interface'} are not known`, [
      'host.ip-addr',
    ]);
  return opt(o, on.has(ip) || (iface === 'lo' && ipInCidr(ip, '127.0.0.0/8')));
}

/** Evaluate one `-m module` (or implicit protocol) match. */
function moduleMatches(m: IptMatch, p: Packet, ctx: MatchContext, out: Assumption[]): ModuleResult {
  switch (m.module) {
    case 'comment':
    case 'nfacct':
      return true;
    case 'tcp':
    case 'udp':
    case 'sctp':
      if (p.proto !== m.module) return false;
      return allOf(
        m.options.map((o) => {
          if (o.name === '--dport' || o.name === '--destination-port')
            return opt(o, portIn(o.values[0] ?? '', p.dport));
          if (o.name === '--sport' || o.name === '--source-port') return opt(o, portIn(o.values[0] ?? '', p.sport));
          if (o.name === '--tcp-flags' || o.name === '--syn') return opt(o, true); // a NEW tcp packet is a SYN
          return undetermined(m.module, `option ${o.name} is not evaluated by the tracer`);
        }),
      );
    case 'multiport':
      return m.options.every((o) => {
        const v = o.values[0] ?? '';
        if (o.name === '--dports' || o.name === '--destination-ports') return opt(o, portIn(v, p.dport));
        if (o.name === '--sports' || o.name === '--source-ports') return opt(o, portIn(v, p.sport));
        if (o.name === '--ports') return opt(o, portIn(v, p.dport) || portIn(v, p.sport));
        return true;
      });
    case 'icmp':
      return p.proto === 'icmp';
    case 'conntrack':
    case 'state':
      return allOf(
        m.options.map((o) => {
          if (o.name === '--ctstate' || o.name === '--state') {
            const states = (o.values[0] ?? '').split(',');
            const has =
              states.includes('NEW') || (p.dnat && states.includes('DNAT')) || (p.snat && states.includes('SNAT'));
            return opt(o, has);
          }
          if (o.name === '--ctstatus') {
            const st = (o.values[0] ?? '').split(',');
            return opt(o, (p.dnat && st.includes('DNAT')) || (p.snat && st.includes('SNAT')));
          }
          if (o.name === '--ctorigdst') return opt(o, ipInCidr(p.dst, o.values[0] ?? ''));
          if (o.name === '--ctorigsrc') return opt(o, ipInCidr(p.src, o.values[0] ?? ''));
          return undetermined(m.module, `conntrack option ${o.name} is not evaluated by the tracer`);
        }),
      );
    case 'mark':
      return allOf(
        m.options.map((o) =>
          o.name === '--mark'
            ? markMatches(o, p)
            : undetermined('mark', `option ${o.name} is not evaluated by the tracer`),
        ),
      );
    case 'addrtype': {
      const limit = m.options.find((o) => o.name === '--limit-iface-in' || o.name === '--limit-iface-out')?.name;
      return allOf(
        m.options
          .filter((o) => o.name === '--dst-type' || o.name === '--src-type')
          .map((o) => addrTypeMatch(o, p, ctx, limit, m)),
      );
    }
    case 'statistic': {
      const mode = m.options.find((o) => o.name === '--mode')?.values[0];
      const prob = m.options.find((o) => o.name === '--probability')?.values[0];
      if (mode === 'random' && prob !== undefined) return { random: Number(prob) };
      return undetermined('statistic', `statistic mode ${mode ?? '?'} depends on how many packets came before`);
    }
    case 'rpfilter': {
      const has = (n: string) => m.options.some((o) => o.name === n);
      const invert = has('--invert');
      const r =
        ctx.rpfilter?.(p, {
          loose: has('--loose'),
          validmark: has('--validmark'),
          acceptLocal: has('--accept-local'),
        }) ?? undetermined('rpfilter', "the reverse-path check needs the node's routes", ['host.ip-route']);
      return isUndetermined(r) ? r : invert ? !r : r;
    }
    case 'limit':
    case 'hashlimit':
      out.push({ module: m.module, assumed: 'match', why: 'rate limits are assumed not reached for one packet' });
      return true;
    case 'set': {
      const o = m.options.find((x) => x.name === '--match-set');
      const name = o?.values[0] ?? '?';
      const r =
        o && ctx.ipset
          ? ctx.ipset(name, (o.values[1] ?? '').split(','), p)
          : undetermined('set', `the members of ipset ${name} are not in the bundle (ipset list -n names sets only)`, [
              'host.ipset-members',
            ]);
      return isUndetermined(r) ? r : opt(o!, r);
    }
    case 'physdev':
      return undetermined('physdev', 'the bridge port a packet crosses is not modelled by the tracer');
    default:
      return undetermined(m.module, `match module "${m.module}" is not evaluated by the tracer`);
  }
}

function addrTypeOther(types: readonly string[], ip: string): boolean {
  if (types.includes('MULTICAST')) return ipInCidr(ip, '224.0.0.0/4');
  if (types.includes('BROADCAST')) return ip === '255.255.255.255';
  if (types.includes('UNICAST')) return !ipInCidr(ip, '224.0.0.0/4');
  return false;
}

export function ruleMatches(rule: IptablesRule, p: Packet, ctx: MatchContext): MatchResult {
  if (!addrMatches(rule.source, p.src)) return NO;
  if (!addrMatches(rule.destination, p.dst)) return NO;
  if (!protoMatches(rule.protocol, p.proto)) return NO;
  if (!ifaceMatches(rule.inInterface, p.inIface)) return NO;
  if (!ifaceMatches(rule.outInterface, p.outIface)) return NO;
  if (rule.fragment && !rule.fragment.negated) return NO; // a first packet is never a later fragment
  const assumptions: Assumption[] = [];
  let probability: number | undefined;
  let unsure: Undetermined | undefined;
  for (const m of rule.matches) {
    const r = moduleMatches(m, p, ctx, assumptions);
    if (r === false) return NO; // one false match decides, whatever else could not be evaluated
    if (r === true) continue;
    if (isUndetermined(r)) unsure ??= r;
    else probability = (probability ?? 1) * r.random;
  }
  if (!unsure && rule.text.includes(UNSUPPORTED_REVISION)) {
    unsure = undetermined(
      'unsupported revision',
      'iptables printed this rule without some of its options ([unsupported revision]): what it matches or does is not all in the dump',
      ['host.nft-ruleset'],
    );
  }
  if (unsure) return { kind: 'undetermined', ...unsure };
  return probability === undefined ? { kind: 'match', assumptions } : { kind: 'random', probability, assumptions };
}
