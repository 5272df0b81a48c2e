// One kept iptables rule. What every reader needs (where it is, its text, counters, target) is a
// plain field; the matches, addresses and options are parsed from the rule's own text the first
// time any of them is read, then kept. At the scale envelope a node's dump holds ~450,000 rules
// and the diagnosis reads the bodies of a few tens of thousands (KUBE-SERVICES, the DNAT rules,
// what a packet trace walks), so parsing the rest up front only cost seconds and heap.
// A rule whose line is not provably clean (./iptables-scan.ts) is parsed at once, because its
// warnings belong in the parse problems; it is then the same class with the body already set.
import { parseRuleArgs, tokenizeRule, type Interner, type RuleBody } from './iptables-util.js';
import { newRuleScan, scanRuleArgs, type RuleScan } from './iptables-scan.js';
import type { IptAddrMatch, IptablesRule, IptMatch, IptOption } from './types.js';

type Counters = { readonly packets: number; readonly bytes: number };

const EMPTY: readonly never[] = Object.freeze([]);
// never reached for a line the scan accepted; kept so a broken invariant reads as an empty rule, not a crash
const NO_BODY: RuleBody = {
  counters: undefined,
  source: undefined,
  destination: undefined,
  protocol: undefined,
  inInterface: undefined,
  outInterface: undefined,
  fragment: undefined,
  matches: EMPTY,
  comment: undefined,
  target: undefined,
  goto: false,
  targetOptions: EMPTY,
};

export class KeptRule implements IptablesRule {
  readonly table: string;
  readonly chain: string;
  readonly index: number;
  readonly line: number;
  readonly text: string;
  readonly counters: Counters | undefined;
  readonly target: string | undefined;
  readonly goto: boolean;
  // private (#) so Object.keys and test printing show only the rule's own fields
  #argsFrom: number;
  #jumpFrom: number;
  #targetOptions: readonly IptOption[] | undefined;
  #intern: Interner | undefined;
  #body: RuleBody | undefined;

  constructor(
    table: string,
    chain: string,
    index: number,
    line: number,
    text: string,
    counters: Counters | undefined,
    target: string | undefined,
    goto: boolean,
    argsFrom: number,
    jumpFrom: number,
    intern: Interner | undefined,
    body: RuleBody | undefined,
  ) {
    this.table = table;
    this.chain = chain;
    this.index = index;
    this.line = line;
    this.text = text;
    this.counters = counters;
    this.target = target;
    this.goto = goto;
    this.#argsFrom = argsFrom;
    this.#jumpFrom = jumpFrom;
    this.#targetOptions = undefined;
    this.#intern = intern;
    this.#body = body;
  }

  /** the parsed arguments, kept when already parsed, else parsed for this one read and dropped */
  #parsedOnce(): RuleBody {
    // a throwaway interner: the dump's shared one would keep this parse's strings (a comment each)
    return this.#body ?? parseRuleArgs(tokenizeRule(this.text, this.#argsFrom).tokens, 0).body ?? NO_BODY;
  }

  /**
   * The destination (`-d`) as `destination` gives it, read with the scan (./iptables-scan.ts) and
   * nothing parsed or kept: the tracer's index of a chain by destination (analyzer/trace/dest-index.ts)
   * reads it for each of the ~10,000 KUBE-SERVICES rules at the envelope.
   */
  peekDestination(): IptAddrMatch | undefined {
    if (this.#body) return this.#body.destination;
    // the line was accepted by the same scan when it was kept, so this never falls back
    if (!scanRuleArgs(this.text, this.#argsFrom, SCAN)) return this.#parsedOnce().destination;
    return SCAN.dstStart < 0
      ? undefined
      : { value: this.text.slice(SCAN.dstStart, SCAN.dstEnd), negated: SCAN.dstNegated };
  }

  /** the comment as `comment` gives it, the parsed rule not kept (SVC-303 reads each KUBE-SERVICES rule's once) */
  peekComment(): string | undefined {
    return this.#parsedOnce().comment;
  }

  /** the parsed arguments: the text from after the chain name, as the full parse splits it */
  #parsed(): RuleBody {
    const ready = this.#body;
    if (ready) return ready;
    const body = parseRuleArgs(tokenizeRule(this.text, this.#argsFrom).tokens, 0, this.#intern).body ?? NO_BODY;
    this.#body = body;
    this.#intern = undefined;
    return body;
  }

  get source(): IptAddrMatch | undefined {
    return this.#parsed().source;
  }
  get destination(): IptAddrMatch | undefined {
    return this.#parsed().destination;
  }
  get protocol(): IptAddrMatch | undefined {
    return this.#parsed().protocol;
  }
  get inInterface(): IptAddrMatch | undefined {
    return this.#parsed().inInterface;
  }
  get outInterface(): IptAddrMatch | undefined {
    return this.#parsed().outInterface;
  }
  get fragment(): { readonly negated: boolean } | undefined {
    return this.#parsed().fragment;
  }
  get matches(): readonly IptMatch[] {
    return this.#parsed().matches;
  }
  get comment(): string | undefined {
    return this.#parsed().comment;
  }
  /**
   * Read alone (the DNAT address of every KUBE-SEP rule), the target's options are parsed from
   * the `-j` on: only the target part of the line, by the same parser, so they come out the same
   * as in a full parse (the options before `-j` never become target options).
   */
  get targetOptions(): readonly IptOption[] {
    const kept = this.#targetOptions ?? this.#body?.targetOptions;
    if (kept) return kept;
    const opts =
      this.#jumpFrom < 0
        ? EMPTY
        : (parseRuleArgs(tokenizeRule(this.text, this.#jumpFrom).tokens, 0, this.#intern).body?.targetOptions ?? EMPTY);
    this.#targetOptions = opts;
    return opts;
  }

  /**
   * The first value of `--to-destination`, as `targetOptions` gives it, but nothing is kept: SVC-303
   * reads it once for each DNAT rule (~150,000 at the envelope), and kept options held ~25 MB for
   * the rest of the run. kube-proxy's `-j DNAT --to-destination 10.244.1.5:8080` at the end of the
   * line is read with one sticky regex; any other shape goes through the same parser as targetOptions.
   */
  toDestination(): string | undefined {
    const kept = this.#targetOptions ?? this.#body?.targetOptions;
    if (kept) return firstValue(kept, TO_DESTINATION);
    if (this.#jumpFrom < 0) return undefined;
    SIMPLE_DNAT.lastIndex = this.#jumpFrom;
    const m = SIMPLE_DNAT.exec(this.text);
    if (m) return m[1];
    const opts = parseRuleArgs(tokenizeRule(this.text, this.#jumpFrom).tokens, 0).body?.targetOptions;
    return opts && firstValue(opts, TO_DESTINATION);
  }
}

const SCAN: RuleScan = newRuleScan();

const TO_DESTINATION = '--to-destination';
// the whole rest of the line: four plain tokens, one space apart; the value is not a flag, `!` or `[unsupported`
const SIMPLE_DNAT = /-j DNAT --to-destination ([^\s"\\![-][^\s"\\]*)$/y;

const firstValue = (opts: readonly IptOption[], name: string): string | undefined =>
  opts.find((o) => o.name === name)?.values[0];

/** a rule's destination, from the scan when its body was not parsed yet (KeptRule.peekDestination) */
export function ruleDestination(rule: IptablesRule): IptAddrMatch | undefined {
  return rule instanceof KeptRule ? rule.peekDestination() : rule.destination;
}

/** a rule's comment, parsed but not kept when its body was not parsed yet (KeptRule.peekComment) */
export function ruleComment(rule: IptablesRule): string | undefined {
  return rule instanceof KeptRule ? rule.peekComment() : rule.comment;
}

/** the first `--to-destination` value of a rule's target (a DNAT rule's endpoint), without keeping parsed options */
export function dnatDestination(rule: IptablesRule): string | undefined {
  return rule instanceof KeptRule ? rule.toDestination() : firstValue(rule.targetOptions, TO_DESTINATION);
}
