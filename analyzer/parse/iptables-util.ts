// Rule-line pieces of the iptables-save parser: the tokenizer (iptables-restore's quoting rules)
// and the argument walker that turns `-s x -m tcp --dport 80 -j DNAT --to-destination y` into an
// IptablesRule body. Kept apart from iptables-save.ts so the file-level state machine stays small.
import type { IptAddrMatch, IptablesRule, IptMatch, IptOption } from './types.js';

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Splits a rule line the way iptables-restore does (xshared.c add_param_to_argv): whitespace
 * separates, `"` opens/closes a quoted run anywhere in a token, and inside quotes `\x` is a
 * literal x (iptables-save writes `\"`, `\\` and `\'`). One pass, no regex, no backtracking.
 */
export function tokenizeRule(line: string, from = 0): { tokens: string[]; error?: string } {
  const tokens: string[] = [];
  const n = line.length;
  let i = from;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === SPACE || c === TAB || c === 13) {
      i++;
      continue;
    }
    // Fast path: a bare token (the common case) is one slice.
    let start = i;
    while (i < n) {
      c = line.charCodeAt(i);
      if (c === SPACE || c === TAB || c === QUOTE || c === 13) break;
      i++;
    }
    if (i >= n || c !== QUOTE) {
      tokens.push(line.slice(start, i));
      continue;
    }
    // A token that is one quoted run without escapes ("ns/svc:port cluster IP", kube-proxy's
    // comments) is one slice too.
    if (i === start) {
      const close = line.indexOf('"', i + 1);
      const after = close < 0 ? -1 : line.charCodeAt(close + 1);
      if (close > 0 && (close + 1 >= n || after === SPACE || after === TAB || after === 13)) {
        const esc = line.indexOf('\\', i + 1);
        if (esc < 0 || esc > close) {
          tokens.push(line.slice(i + 1, close));
          i = close + 1;
          continue;
        }
      }
    }
    // Slow path: the token holds quotes; build it from parts (joined once, not char by char).
    const parts: string[] = [line.slice(start, i)];
    let inQuote = false;
    while (i < n) {
      c = line.charCodeAt(i);
      if (c === QUOTE) {
        inQuote = !inQuote;
        i++;
        continue;
      }
      if (inQuote && c === BACKSLASH && i + 1 < n) {
        i += 2;
        parts.push(line[i - 1] as string);
        continue;
      }
      if (!inQuote && (c === SPACE || c === TAB || c === 13)) break;
      // copy a run of ordinary characters in one slice
      // (the first character is always ordinary here, so at least one is consumed)
      start = i;
      do {
        i++;
        c = line.charCodeAt(i);
      } while (
        i < n &&
        !(c === QUOTE || (inQuote && c === BACKSLASH) || (!inQuote && (c === SPACE || c === TAB || c === 13)))
      );
      parts.push(line.slice(start, i));
    }
    tokens.push(parts.join(''));
    if (inQuote) return { tokens, error: 'unterminated quote: a `"` is never closed' };
  }
  return { tokens };
}

type Core = 's' | 'd' | 'p' | 'i' | 'o' | 'f' | 'm' | 'j' | 'g' | 'c';
const CORE_FLAGS = new Map<string, Core>([
  ['-s', 's'],
  ['--source', 's'],
  ['--src', 's'],
  ['-d', 'd'],
  ['--destination', 'd'],
  ['--dst', 'd'],
  ['-p', 'p'],
  ['--protocol', 'p'],
  ['-i', 'i'],
  ['--in-interface', 'i'],
  ['-o', 'o'],
  ['--out-interface', 'o'],
  ['-f', 'f'],
  ['--fragment', 'f'],
  ['-m', 'm'],
  ['--match', 'm'],
  ['-j', 'j'],
  ['--jump', 'j'],
  ['-g', 'g'],
  ['--goto', 'g'],
  ['-c', 'c'],
  ['--set-counters', 'c'],
]);

// Options of modules that commonly sit between `-p tcp` and `--dport`: an option these modules do
// not know belongs to the (implicit) protocol match, as iptables itself resolves it.
const KNOWN_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  comment: ['--comment'],
  statistic: ['--mode', '--probability', '--every', '--packet'],
  mark: ['--mark'],
  conntrack: [
    '--ctstate',
    '--ctproto',
    '--ctorigsrc',
    '--ctorigdst',
    '--ctreplsrc',
    '--ctrepldst',
    '--ctorigsrcport',
    '--ctorigdstport',
    '--ctreplsrcport',
    '--ctrepldstport',
    '--ctstatus',
    '--ctexpire',
    '--ctdir',
  ],
  state: ['--state'],
  addrtype: ['--src-type', '--dst-type', '--limit-iface-in', '--limit-iface-out'],
  nfacct: ['--nfacct-name'],
};

// Free-text options whose first value is taken even when it starts with "-".
const TEXT_OPTIONS = new Set(['--comment', '--log-prefix', '--nflog-prefix']);

interface MutOption {
  name: string;
  negated: boolean;
  v0: string | undefined;
  more: string[] | undefined;
}
interface MutMatch {
  module: string;
  options: MutOption[];
}

/** The parts of a rule its arguments carry. Every key is always present (undefined when absent) so
 * all rules share one object shape: a million rules stay fast and compact in V8. */
export interface RuleBody {
  readonly counters: { readonly packets: number; readonly bytes: number } | undefined;
  readonly source: IptAddrMatch | undefined;
  readonly destination: IptAddrMatch | undefined;
  readonly protocol: IptAddrMatch | undefined;
  readonly inInterface: IptAddrMatch | undefined;
  readonly outInterface: IptAddrMatch | undefined;
  readonly fragment: { readonly negated: boolean } | undefined;
  readonly matches: readonly IptMatch[];
  readonly comment: string | undefined;
  readonly target: string | undefined;
  readonly goto: boolean;
  readonly targetOptions: readonly IptOption[];
}

const EMPTY: readonly never[] = Object.freeze([]);
/** option values longer than this are not interned (see Interner.single) */
const LONG_VALUE = 16;
const NO_WARNINGS: readonly string[] = EMPTY;

/**
 * Shares what repeats across the rules of one file (ports, marks, CIDRs, module and chain names,
 * single-value lists) so a million-rule dump does not hold a million copies of "80". Shared
 * pieces are frozen-by-type (readonly); the cap keeps unique values (comments, endpoint IPs)
 * from filling the tables.
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly singles = new Map<string, readonly string[]>();
  private readonly addrs = new Map<string, IptAddrMatch>();
  constructor(private readonly cap = 20_000) {}

  str(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    if (this.strings.size < this.cap) this.strings.set(s, s);
    return s;
  }

  single(v: string): readonly string[] {
    // a long value is a comment or an endpoint `ip:port`, nearly always unique: hashing it to
    // look it up cost more than the array it could share
    if (v.length > LONG_VALUE) return [v];
    const hit = this.singles.get(v);
    if (hit) return hit;
    const made = [v];
    if (this.singles.size < this.cap) this.singles.set(v, made);
    return made;
  }

  addr(value: string, negated: boolean): IptAddrMatch {
    const key = negated ? `!${value}` : value;
    const hit = this.addrs.get(key);
    if (hit) return hit;
    const made = { value: this.str(value), negated };
    if (this.addrs.size < this.cap) this.addrs.set(key, made);
    return made;
  }
}

export interface RuleArgsResult {
  readonly body?: RuleBody;
  /** fatal for the rule: it is not kept */
  readonly error?: string;
  /** the rule is kept, with a caveat */
  readonly warnings: readonly string[];
}

/** what iptables prints in place of the options of a match or target revision it does not know */
export const UNSUPPORTED_REVISION = '[unsupported revision]';
const UNSUPPORTED_OPEN = '[unsupported';
const UNSUPPORTED_CLOSE = 'revision]';

/** Walks the tokens of one rule after `-A CHAIN` (tokens[from..]). */
export function parseRuleArgs(
  tokens: readonly string[],
  from: number,
  intern: Interner = new Interner(),
): RuleArgsResult {
  let warnings = NO_WARNINGS as string[];
  const warn = (w: string) => {
    if (warnings === NO_WARNINGS) warnings = [];
    warnings.push(w);
  };
  const matches: MutMatch[] = [];
  const targetOptions: MutOption[] = [];
  let source: IptAddrMatch | undefined;
  let destination: IptAddrMatch | undefined;
  let protocol: IptAddrMatch | undefined;
  let inInterface: IptAddrMatch | undefined;
  let outInterface: IptAddrMatch | undefined;
  let fragment: { negated: boolean } | undefined;
  let target: string | undefined;
  let goto = false;
  let counters: { packets: number; bytes: number } | undefined;
  let negate = false;
  let open: MutOption | undefined; // option collecting values
  let forceValue = false;
  let current: MutMatch | undefined;
  let inTarget = false;

  const addValue = (o: MutOption, v: string) => {
    if (o.v0 === undefined) o.v0 = v;
    else (o.more ??= []).push(v);
  };

  const matchFor = (name: string): MutMatch => {
    const known = current ? KNOWN_OPTIONS[current.module] : undefined;
    if (current && (!known || known.includes(name))) return current;
    const proto = protocol?.value.toLowerCase();
    if (proto) {
      for (let k = matches.length - 1; k >= 0; k--) if (matches[k]?.module === proto) return matches[k] as MutMatch;
      const implicit: MutMatch = { module: intern.str(proto), options: [] };
      matches.push(implicit);
      return implicit;
    }
    if (current) return current;
    warn(`option ${name} comes before any -m module and without -p; kept under an unnamed match`);
    current = { module: '', options: [] };
    matches.push(current);
    return current;
  };

  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (forceValue && open) {
      addValue(open, t);
      forceValue = false;
      continue;
    }
    if (t === '!') {
      if (open && open.v0 === undefined)
        open.negated = true; // old spelling: --opt ! value
      else negate = true;
      continue;
    }
    if (t === UNSUPPORTED_OPEN && tokens[i + 1] === UNSUPPORTED_CLOSE) {
      // iptables printed a match or target it could not decode fully ("-j DNAT [unsupported
      // revision]"): its options are missing from the text; the rule is kept, marked lossy by the caller
      i++;
      open = undefined;
      continue;
    }
    if (t.length < 2 || t.charCodeAt(0) !== 45 /* - */ || isNumberLike(t)) {
      if (open) addValue(open, t);
      else warn(`unexpected word "${t}" (not a value of any option)`);
      continue;
    }
    open = undefined;
    const core = CORE_FLAGS.get(t);
    if (core === undefined) {
      if (!t.startsWith('--')) warn(`unknown flag ${t}`);
      const opt: MutOption = { name: intern.str(t), negated: negate, v0: undefined, more: undefined };
      negate = false;
      if (inTarget) targetOptions.push(opt);
      else matchFor(t).options.push(opt);
      open = opt;
      forceValue = TEXT_OPTIONS.has(t);
      continue;
    }
    if (core === 'f') {
      fragment = { negated: negate };
      negate = false;
      continue;
    }
    let value = tokens[i + 1];
    if (value === '!' && (core === 's' || core === 'd' || core === 'p' || core === 'i' || core === 'o')) {
      negate = true; // old spelling: -s ! 10.0.0.0/8
      i++;
      value = tokens[i + 1];
    }
    if (value === undefined) return { error: `${t} needs a value`, warnings };
    i++;
    switch (core) {
      case 's':
        source = intern.addr(value, negate);
        break;
      case 'd':
        destination = intern.addr(value, negate);
        break;
      case 'p':
        protocol = intern.addr(value, negate);
        break;
      case 'i':
        inInterface = intern.addr(value, negate);
        break;
      case 'o':
        outInterface = intern.addr(value, negate);
        break;
      case 'm':
        if (negate) warn(`"!" before -m ${value} has no meaning; ignored`);
        current = { module: intern.str(value), options: [] };
        matches.push(current);
        inTarget = false;
        break;
      case 'j':
      case 'g':
        if (target !== undefined) warn(`second target ${value}; the last one is kept`);
        target = intern.str(value);
        goto = core === 'g';
        inTarget = true;
        break;
      case 'c': {
        const bytes = tokens[i + 1];
        i++;
        const p = Number(value);
        const b = Number(bytes);
        if (bytes === undefined || !Number.isFinite(p) || !Number.isFinite(b))
          warn(`-c needs two numbers (packets bytes)`);
        else counters = { packets: p, bytes: b };
        break;
      }
    }
    negate = false;
  }
  if (negate) warn('a trailing "!" negates nothing');

  // Freeze the growable work arrays into exact-size (or shared empty) ones.
  const finishOption = (o: MutOption): IptOption => {
    const values = o.v0 === undefined ? EMPTY : o.more ? [o.v0, ...o.more] : intern.single(o.v0);
    return { name: o.name, values, negated: o.negated };
  };
  let comment: string | undefined;
  const finalMatches: IptMatch[] = new Array<IptMatch>(matches.length);
  for (let k = 0; k < matches.length; k++) {
    const m = matches[k] as MutMatch;
    const options = m.options.length === 0 ? EMPTY : m.options.map(finishOption);
    if (comment === undefined && m.module === 'comment') {
      const c = options.find((o) => o.name === '--comment');
      if (c) comment = c.values.length === 1 ? c.values[0] : c.values.join(' ');
    }
    finalMatches[k] = { module: m.module, options };
  }
  const body: RuleBody = {
    counters,
    source,
    destination,
    protocol,
    inInterface,
    outInterface,
    fragment,
    matches: finalMatches.length === 0 ? EMPTY : finalMatches,
    comment,
    target,
    goto,
    targetOptions: targetOptions.length === 0 ? EMPTY : targetOptions.map(finishOption),
  };
  return { body, warnings };
}

function isNumberLike(t: string): boolean {
  const c = t.charCodeAt(1);
  return c >= 48 && c <= 57; // "-1", "-5:10": a negative number or range, not a flag
}

// ---------------------------------------------------------------- helpers for rules and tracing

const NON_CHAIN_TARGETS = new Set([
  'ACCEPT',
  'DROP',
  'RETURN',
  'QUEUE',
  'REJECT',
  'DNAT',
  'SNAT',
  'MASQUERADE',
  'REDIRECT',
  'NETMAP',
  'MARK',
  'CONNMARK',
  'LOG',
  'NFLOG',
  'ULOG',
  'NOTRACK',
  'CT',
  'TPROXY',
  'TCPMSS',
  'TOS',
  'TTL',
  'DSCP',
  'CLASSIFY',
  'NFQUEUE',
  'TRACE',
  'AUDIT',
  'CHECKSUM',
  'SET',
  'CONNSECMARK',
  'SECMARK',
  'TEE',
  'IDLETIMER',
  'LED',
  'RATEEST',
  'SYNPROXY',
  'HMARK',
  'CLUSTERIP',
  'ECN',
  'HL',
  'NPT',
  'DNPT',
  'SNPT',
]);

/** The user chain a rule jumps (-j) or goes (-g) to; undefined for verdicts and extension targets. */
export function ruleJumpsTo(rule: IptablesRule): string | undefined {
  const t = rule.target;
  if (t === undefined || NON_CHAIN_TARGETS.has(t)) return undefined;
  return t;
}

/** The first `name` option of the first `-m module` that has it (module "" = any module). */
export function findOption(rule: IptablesRule, module: string, name: string): IptOption | undefined {
  for (const m of rule.matches) {
    if (module !== '' && m.module !== module) continue;
    for (const o of m.options) if (o.name === name) return o;
  }
  return undefined;
}

/** Values of a match option joined by spaces, e.g. optionValue(r, 'tcp', '--dport') === '80'. */
export function optionValue(rule: IptablesRule, module: string, name: string): string | undefined {
  return findOption(rule, module, name)?.values.join(' ');
}

/** Values of a target option, e.g. targetOptionValue(r, '--to-destination') === '10.244.1.5:53'. */
export function targetOptionValue(rule: IptablesRule, name: string): string | undefined {
  for (const o of rule.targetOptions) if (o.name === name) return o.values.join(' ');
  return undefined;
}

/** True when the rule has `-m module` at all. */
export function hasMatch(rule: IptablesRule, module: string): boolean {
  return rule.matches.some((m: IptMatch) => m.module === module);
}
