// Does one iptables rule match one NEW packet? Every match module the tracer knows is evaluated;
// one it cannot judge from a bundle is reported as an assumption, never silently guessed.
import type { IptAddrMatch, IptMatch, IptOption, IptablesRule } from '../parse/types.js';
import { ipInCidr } from '../model/net.js';
import type { Assumption, Packet } from './types.js';

export interface MatchContext {
  /** addresses of the node (addrtype LOCAL), including 127.0.0.0/8 handled separately */
  readonly localAddrs: ReadonlySet<string>;
}

export type MatchResult =
  | { readonly kind: 'match'; readonly assumptions: readonly Assumption[] }
  | { readonly kind: 'no-match' }
  /** `-m statistic --mode random`: matches with this probability */
  | { readonly kind: 'random'; readonly probability: number; readonly assumptions: readonly Assumption[] };

const NO: MatchResult = { kind: 'no-match' };

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
  const hit = v === 'all' || v === '0' || v === proto || (v === '6' && proto === 'tcp') || (v === '17' && proto === 'udp') || (v === '1' && proto === 'icmp');
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

/** Evaluate one `-m module` (or implicit protocol) match. */
function moduleMatches(m: IptMatch, p: Packet, ctx: MatchContext, out: Assumption[]): boolean | { random: number } {
  switch (m.module) {
    case 'comment':
    case 'nfacct':
      return true;
    case 'tcp':
    case 'udp':
    case 'sctp':
      if (p.proto !== m.module) return false;
      return m.options.every((o) => {
        if (o.name === '--dport' || o.name === '--destination-port') return opt(o, portIn(o.values[0] ?? '', p.dport));
        if (o.name === '--sport' || o.name === '--source-port') return opt(o, portIn(o.values[0] ?? '', p.sport));
        if (o.name === '--tcp-flags' || o.name === '--syn') return opt(o, true); // a NEW tcp packet is a SYN
        out.push({ module: m.module, assumed: 'match', why: `option ${o.name} not evaluated` });
        return true;
      });
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
      return m.options.every((o) => {
        if (o.name === '--ctstate' || o.name === '--state') {
          const states = (o.values[0] ?? '').split(',');
          const has = states.includes('NEW') || (p.dnat && states.includes('DNAT')) || (p.snat && states.includes('SNAT'));
          return opt(o, has);
        }
        if (o.name === '--ctstatus') {
          const st = (o.values[0] ?? '').split(',');
          return opt(o, (p.dnat && st.includes('DNAT')) || (p.snat && st.includes('SNAT')));
        }
        if (o.name === '--ctorigdst') return opt(o, ipInCidr(p.dst, o.values[0] ?? ''));
        out.push({ module: m.module, assumed: 'match', why: `conntrack option ${o.name} not evaluated` });
        return true;
      });
    case 'mark':
      return m.options.every((o) => {
        if (o.name !== '--mark') return true;
        const [v, mask] = (o.values[0] ?? '0').split('/');
        const want = Number(v);
        const msk = mask === undefined ? 0xffffffff : Number(mask);
        return opt(o, ((p.mark & msk) >>> 0) === ((want & msk) >>> 0));
      });
    case 'addrtype':
      return m.options.every((o) => {
        const t = (o.values[0] ?? '').split(',');
        if (o.name === '--dst-type') return opt(o, t.includes('LOCAL') ? isLocal(p.dst, ctx) : addrTypeOther(t, p.dst));
        if (o.name === '--src-type') return opt(o, t.includes('LOCAL') ? isLocal(p.src, ctx) : addrTypeOther(t, p.src));
        if (o.name === '--limit-iface-in' || o.name === '--limit-iface-out') {
          out.push({ module: 'addrtype', assumed: 'match', why: `${o.name} treated as all interfaces` });
          return true;
        }
        return true;
      });
    case 'statistic': {
      const mode = m.options.find((o) => o.name === '--mode')?.values[0];
      const prob = m.options.find((o) => o.name === '--probability')?.values[0];
      if (mode === 'random' && prob !== undefined) return { random: Number(prob) };
      out.push({ module: 'statistic', assumed: 'match', why: `statistic mode ${mode ?? '?'} depends on packet count` });
      return true;
    }
    case 'limit':
    case 'hashlimit':
      out.push({ module: m.module, assumed: 'match', why: 'rate limits are assumed not reached for one packet' });
      return true;
    case 'set':
      out.push({ module: 'set', assumed: 'match', why: 'ipset contents are not in the bundle (only set names)' });
      return true;
    case 'physdev':
      out.push({ module: 'physdev', assumed: 'match', why: 'bridge port of the packet is not modelled' });
      return true;
    default:
      out.push({ module: m.module, assumed: 'match', why: `match module "${m.module}" is not evaluated by the tracer` });
      return true;
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
  for (const m of rule.matches) {
    const r = moduleMatches(m, p, ctx, assumptions);
    if (r === false) return NO;
    if (typeof r === 'object') probability = (probability ?? 1) * r.random;
  }
  return probability === undefined ? { kind: 'match', assumptions } : { kind: 'random', probability, assumptions };
}
