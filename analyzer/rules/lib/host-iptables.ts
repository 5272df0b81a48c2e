// What one packet meets in an iptables chain: walk the rules in order, follow jumps (-j CHAIN),
// gotos (-g), RETURN and the built-in policy, and report the rule that decided. Deliberately
// small and conservative (a later packet tracer replaces it): a rule counts only when it surely
// matches the packet; matches we cannot judge (ports, ipsets, limits...) make the rule not match,
// so a port-specific ACCEPT never passes for "pod traffic" and a port-specific DROP never fails it.
import type { HostState, Sourced } from '../../model/types.js';
import type { IptAddrMatch, IptablesChain, IptablesRule, IptablesSave, IptMatch } from '../../parse/types.js';
import { ipInCidr, parseCidr } from '../../model/net.js';

export interface Packet {
  readonly src: string;
  readonly dst: string;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly inIface?: string;
  readonly outIface?: string;
  /** conntrack state of the packet; NEW for the first packet of a connection */
  readonly state: 'NEW' | 'ESTABLISHED';
  /** skb mark */
  readonly mark: number;
  /** addresses of this host (for -m addrtype LOCAL) */
  readonly local?: ReadonlySet<string>;
}

export type VerdictKind = 'accept' | 'drop' | 'snat' | 'dnat' | 'policy-accept' | 'policy-drop' | 'no-chain';

export interface Verdict {
  readonly kind: VerdictKind;
  /** the rule that decided (undefined for a policy or a missing chain) */
  readonly rule?: IptablesRule;
  /** the built-in chain whose policy decided */
  readonly policyChain?: IptablesChain;
  /** every rule that matched on the way, in order (jumps included) */
  readonly met: readonly IptablesRule[];
}

const MAX_DEPTH = 32;

function addrMatches(m: IptAddrMatch | undefined, ip: string): boolean {
  if (!m) return true;
  const c = parseCidr(m.value);
  const inside = c !== undefined && ipInCidr(ip, c);
  return m.negated ? !inside : inside;
}

function ifaceMatches(m: IptAddrMatch | undefined, iface: string | undefined): boolean {
  if (!m) return true;
  let hit: boolean;
  if (iface === undefined) hit = false; // unknown interface: a rule naming one is not sure to match
  else if (m.value.endsWith('+')) hit = iface.startsWith(m.value.slice(0, -1));
  else hit = iface === m.value;
  return m.negated ? !hit : hit;
}

function protoMatches(m: IptAddrMatch | undefined, proto: string): boolean {
  if (!m) return true;
  const v = m.value.toLowerCase();
  const hit = v === 'all' || v === '0' || v === proto || (v === '6' && proto === 'tcp') || (v === '17' && proto === 'udp') || (v === '1' && proto === 'icmp');
  return m.negated ? !hit : hit;
}

function markMatches(spec: string, mark: number): boolean {
  const [v, mask] = spec.split('/');
  const value = Number(v);
  const m = mask === undefined ? 0xffffffff : Number(mask);
  if (!Number.isFinite(value) || !Number.isFinite(m)) return false;
  return ((mark & m) >>> 0) === ((value & m) >>> 0);
}

/** one `-m module` against the packet: true only when it surely matches */
function moduleMatches(match: IptMatch, p: Packet): boolean {
  switch (match.module) {
    case 'comment':
    case 'nfacct':
      return true;
    case 'conntrack':
    case 'state':
      return match.options.every((o) => {
        if (o.name !== '--ctstate' && o.name !== '--state') return false;
        const states = o.values.join(',').split(',');
        const hit = states.includes(p.state);
        return o.negated ? !hit : hit;
      });
    case 'mark':
      return match.options.every((o) => o.name === '--mark' && (o.negated ? !markMatches(o.values[0] ?? '', p.mark) : markMatches(o.values[0] ?? '', p.mark)));
    case 'addrtype':
      return match.options.every((o) => {
        const types = (o.values[0] ?? '').split(',');
        const addr = o.name === '--dst-type' ? p.dst : o.name === '--src-type' ? p.src : undefined;
        if (addr === undefined) return false;
        const isLocal = p.local?.has(addr) ?? false;
        const hit = types.some((t) => (t === 'LOCAL' ? isLocal : t === 'UNICAST' ? !isLocal : false));
        return o.negated ? !hit : hit;
      });
    case 'physdev':
      // pod egress to another interface is routed, not bridged
      return match.options.every((o) => o.name === '--physdev-is-bridged' && o.negated);
    case 'tcp':
    case 'udp':
    case 'icmp':
      // the implicit protocol match carries ports or types: specific traffic, not "pod traffic"
      return match.module === p.proto && match.options.length === 0;
    default:
      return false;
  }
}

export function ruleMatches(rule: IptablesRule, p: Packet): boolean {
  if (rule.fragment) return false;
  if (!addrMatches(rule.source, p.src) || !addrMatches(rule.destination, p.dst)) return false;
  if (!protoMatches(rule.protocol, p.proto)) return false;
  if (!ifaceMatches(rule.inInterface, p.inIface) || !ifaceMatches(rule.outInterface, p.outIface)) return false;
  return rule.matches.every((m) => moduleMatches(m, p));
}

const TERMINAL: Readonly<Record<string, VerdictKind>> = {
  ACCEPT: 'accept',
  DROP: 'drop',
  REJECT: 'drop',
  MASQUERADE: 'snat',
  SNAT: 'snat',
  DNAT: 'dnat',
  REDIRECT: 'dnat',
};

type Step = { kind: 'verdict'; verdict: Verdict } | { kind: 'return' } | { kind: 'end' };

/** Walk `chainName` of `table` for packet `p` and say what decided. */
export function walkChain(save: IptablesSave, table: string, chainName: string, p: Packet): Verdict {
  const t = save.tables.get(table);
  const start = t?.chains.get(chainName);
  if (!t || !start) return { kind: 'no-chain', met: [] };
  const met: IptablesRule[] = [];
  let mark = p.mark;

  const walk = (chain: IptablesChain, depth: number): Step => {
    if (depth > MAX_DEPTH) return { kind: 'end' };
    for (const rule of chain.rules) {
      if (!ruleMatches(rule, { ...p, mark })) continue;
      met.push(rule);
      const target = rule.target;
      if (target === undefined) continue;
      const kind = TERMINAL[target];
      if (kind) return { kind: 'verdict', verdict: { kind, rule, met } };
      if (target === 'RETURN') return { kind: 'return' };
      if (target === 'MARK') {
        const xm = rule.targetOptions.find((o) => o.name === '--set-xmark' || o.name === '--set-mark' || o.name === '--or-mark');
        const [v, m] = (xm?.values[0] ?? '').split('/');
        const value = Number(v);
        if (xm && Number.isFinite(value)) {
          if (xm.name === '--or-mark') mark = (mark | value) >>> 0;
          else {
            const mask = m === undefined ? 0xffffffff : Number(m);
            mark = ((mark & ~mask) ^ value) >>> 0;
          }
        }
        continue;
      }
      const next = t.chains.get(target);
      if (!next) continue; // LOG, CT, ...: non-terminating extensions
      const step = walk(next, depth + 1);
      if (step.kind === 'verdict') return step;
      if (rule.goto) return { kind: 'return' }; // -g: returning from the target returns from here too
    }
    return { kind: 'end' };
  };

  const step = walk(start, 0);
  if (step.kind === 'verdict') return step.verdict;
  const policy = start.policy ?? 'ACCEPT';
  return { kind: policy === 'DROP' ? 'policy-drop' : 'policy-accept', policyChain: start, met };
}

/**
 * The iptables dumps of a host that the kernel applies, one per backend: packets traverse both
 * the legacy and the nf_tables hooks when both hold rules. The default dump comes first.
 */
export function iptablesDumps(host: HostState): Sourced<IptablesSave>[] {
  const out: Sourced<IptablesSave>[] = [];
  const seen = new Set<string>();
  for (const d of [host.iptables, host.iptablesLegacy, host.iptablesNft]) {
    if (!d) continue;
    const key = d.value.backend ?? 'unknown';
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** the host's own addresses (for -m addrtype --dst-type LOCAL) */
export function localAddresses(host: HostState): Set<string> {
  const out = new Set<string>();
  for (const l of host.addrs?.value ?? []) for (const a of l.addr_info ?? []) out.add(a.local);
  return out;
}
