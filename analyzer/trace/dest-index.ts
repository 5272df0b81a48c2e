// A long chain's rules by destination, so a packet skips the rules that cannot match it. At the
// envelope a packet meets ~10,000 `-d <clusterIP>/32` rules of KUBE-SERVICES: walking them parsed
// every rule (~0.5 s and ~10 MB kept) to find none matched. A rule whose destination is one IPv4
// address (not negated) can only match a packet to that address (ipInCidr's own canonical-IPv4
// path); every other rule is a candidate for every packet. Destinations come from the scan
// (KeptRule.peekDestination), so skipped rules are never parsed.
import { v4, v4Net } from '../model/ipv4.js';
import { ruleDestination } from '../parse/iptables-rule.js';
import type { IptablesRule } from '../parse/types.js';
import { lowerBound } from '../core/arrays.js';

/** shorter chains are walked rule by rule: an index would cost more than it saves */
export const MIN_INDEXED_RULES = 64;

export interface DestIndex {
  /** positions of the rules whose destination is exactly this address (a canonical IPv4 as a number), ascending */
  readonly byAddress: ReadonlyMap<number, readonly number[]>;
  /** positions of every other rule, ascending */
  readonly others: readonly number[];
}

const cache = new WeakMap<readonly IptablesRule[], DestIndex>();

let minRules: number | undefined = MIN_INDEXED_RULES;
/** tests compare the indexed walk (of every chain: 0) with the rule-by-rule one (undefined) */
export function setDestIndexMinRules(n: number | undefined): void {
  minRules = n;
}

/** the chain's index; undefined for a short chain (or when indexing is off in a test) */
export function destIndex(rules: readonly IptablesRule[]): DestIndex | undefined {
  if (minRules === undefined || rules.length < minRules) return undefined;
  const hit = cache.get(rules);
  if (hit) return hit;
  const byAddress = new Map<number, number[]>();
  const others: number[] = [];
  for (let k = 0; k < rules.length; k++) {
    const d = ruleDestination(rules[k] as IptablesRule);
    // canonical IPv4 only, which ipInCidr reads the same way (parseCidr's v4 is v4Net of the trimmed
    // text; a canonical one has nothing to trim); not through parseCidr, whose memo would keep an
    // ipaddr.js object for each of the 10,000 addresses
    const net = d && !d.negated ? v4Net(d.value) : undefined;
    if (net?.prefix === 32) {
      const list = byAddress.get(net.net);
      if (list) list.push(k);
      else byAddress.set(net.net, [k]);
    } else others.push(k);
  }
  const made = { byAddress, others };
  cache.set(rules, made);
  return made;
}

/** first entry of ascending `list` that is >= from; `end` when none */
function firstFrom(list: readonly number[] | undefined, from: number, end: number): number {
  if (!list) return end;
  const i = lowerBound(list, from);
  return i < list.length ? (list[i] as number) : end;
}

/**
 * The first position >= `from` whose rule may match a packet to `dst` (`end` when none): every rule
 * before it has an exact destination other than `dst`. A `dst` that is not canonical IPv4 gets `from`.
 */
export function nextCandidate(index: DestIndex, dst: string, from: number, end: number): number {
  const n = v4(dst);
  if (n === undefined) return from;
  return Math.min(firstFrom(index.byAddress.get(n), from, end), firstFrom(index.others, from, end));
}
