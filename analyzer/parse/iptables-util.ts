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
    // Slow path: the token holds quotes; build it from parts (joined once, not char by char).
    const parts: string[] = [line.slice(start, i)];
    let inQuote = false;
    while (i < n) {
      c = line.charCodeAt(i);
      if (c === QUOTE) {
        inQuote = !inQuote;
        i++;
        start = i;
        continue;
      }
      if (inQuote && c === BACKSLASH && i + 1 < n) {
        i += 2;
        parts.push(line[i - 1] as string);
        start = i;
        continue;
      }
      if (!inQuote && (c === SPACE || c === TAB || c === 13)) break;
      // copy a run of ordinary characters in one slice
      // (the first character is always ordinary here, so at least one is consumed)
      start = i;
      do {
        i++;
        c = line.charCodeAt(i);
      } while (i < n && !(c === QUOTE || (inQuote && c === BACKSLASH) || (!inQuote && (c === SPACE || c === TAB || c === 13))));
      parts.push(line.slice(start, i));
    }
    tokens.push(parts.join(''));
    if (inQuote) return { tokens, error: 'unterminated quote: a `"` is never closed' };
  }
  return { tokens };
}

type Core = 's' | 'd' | 'p' | 'i' | 'o' | 'f' | 'm' | 'j' | 'g' | 'c';
const CORE_FLAGS = new Map<string, Core>([
  ['-s', 's'], ['--source', 's'], ['--src', 's'],
  ['-d', 'd'], ['--destination', 'd'], ['--dst', 'd'],
  ['-p', 'p'], ['--protocol', 'p'],
  ['-i', 'i'], ['--in-interface', 'i'],
  ['-o', 'o'], ['--out-interface', 'o'],
  ['-f', 'f'], ['--fragment', 'f'],
  ['-m', 'm'], ['--match', 'm'],
  ['-j', 'j'], ['--jump', 'j'],
  ['-g', 'g'], ['--goto', 'g'],
  ['-c', 'c'], ['--set-counters', 'c'],
]);

// Options of modules that commonly sit between `-p tcp` and `--dport`: an option these modules do
// not know belongs to the (implicit) protocol match, as iptables itself resolves it.
const KNOWN_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  comment: ['--comment'],
  statistic: ['--mode', '--probability', '--every', '--packet'],
  mark: ['--mark'],
  conntrack: ['--ctstate', '--ctproto', '--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst', '--ctorigsrcport',
    '--ctorigdstport', '--ctreplsrcport', '--ctrepldstport', '--ctstatus', '--ctexpire', '--ctdir'],
  state: ['--state'],
  addrtype: ['--src-type', '--dst-type', '--limit-iface-in', '--limit-iface-out'],
  nfacct: ['--nfacct-name'],
};

// Free-text options whose first value is taken even when it starts with "-".
const TEXT_OPTIONS = new Set(['--comment', '--log-prefix', '--nflog-prefix']);

interface MutOption { name: string; values: string[]; negated: boolean }
interface MutMatch { module: string; options: MutOption[] }

export type RuleBody = Omit<IptablesRule, 'table' | 'chain' | 'index' | 'line' | 'text' | 'counters'> & {
  readonly counters?: { readonly packets: number; readonly bytes: number };
};

export interface RuleArgsResult {
  readonly body?: RuleBody;
  /** fatal for the rule: it is not kept */
  readonly error?: string;
  /** the rule is kept, with a caveat */
  readonly warnings: readonly string[];
}

/** Walks the tokens of one rule after `-A CHAIN` (tokens[from..]). */
export function parseRuleArgs(tokens: readonly string[], from: number): RuleArgsResult {
  const warnings: string[] = [];
  const matches: MutMatch[] = [];
  const targetOptions: MutOption[] = [];
  const addr: Partial<Record<'source' | 'destination' | 'protocol' | 'inInterface' | 'outInterface', IptAddrMatch>> = {};
  let fragment: { negated: boolean } | undefined;
  let target: string | undefined;
  let goto = false;
  let counters: { packets: number; bytes: number } | undefined;
  let negate = false;
  let open: MutOption | undefined; // option collecting values
  let forceValue = false;
  let current: MutMatch | undefined;
  let inTarget = false;

  const matchFor = (name: string): MutMatch => {
    const known = current ? KNOWN_OPTIONS[current.module] : undefined;
    if (current && (!known || known.includes(name))) return current;
    const proto = addr.protocol?.value.toLowerCase();
    if (proto) {
      for (let k = matches.length - 1; k >= 0; k--) if (matches[k]?.module === proto) return matches[k] as MutMatch;
      const implicit: MutMatch = { module: proto, options: [] };
      matches.push(implicit);
      return implicit;
    }
    if (current) return current;
    warnings.push(`option ${name} comes before any -m module and without -p; kept under an unnamed match`);
    current = { module: '', options: [] };
    matches.push(current);
    return current;
  };

  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (forceValue && open) {
      open.values.push(t);
      forceValue = false;
      continue;
    }
    if (t === '!') {
      if (open && open.values.length === 0) open.negated = true; // old spelling: --opt ! value
      else negate = true;
      continue;
    }
    if (t.length < 2 || t.charCodeAt(0) !== 45 /* - */ || isNumberLike(t)) {
      if (open) open.values.push(t);
      else warnings.push(`unexpected word "${t}" (not a value of any option)`);
      continue;
    }
    open = undefined;
    const core = CORE_FLAGS.get(t);
    if (core === undefined) {
      if (!t.startsWith('--')) warnings.push(`unknown flag ${t}`);
      const opt: MutOption = { name: t, values: [], negated: negate };
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
      case 's': addr.source = { value, negated: negate }; break;
      case 'd': addr.destination = { value, negated: negate }; break;
      case 'p': addr.protocol = { value, negated: negate }; break;
      case 'i': addr.inInterface = { value, negated: negate }; break;
      case 'o': addr.outInterface = { value, negated: negate }; break;
      case 'm':
        if (negate) warnings.push(`"!" before -m ${value} has no meaning; ignored`);
        current = { module: value, options: [] };
        matches.push(current);
        inTarget = false;
        break;
      case 'j':
      case 'g':
        if (target !== undefined) warnings.push(`second target ${value}; the last one is kept`);
        target = value;
        goto = core === 'g';
        inTarget = true;
        break;
      case 'c': {
        const bytes = tokens[i + 1];
        i++;
        const p = Number(value);
        const b = Number(bytes);
        if (bytes === undefined || !Number.isFinite(p) || !Number.isFinite(b)) warnings.push(`-c needs two numbers (packets bytes)`);
        else counters = { packets: p, bytes: b };
        break;
      }
    }
    negate = false;
  }
  if (negate) warnings.push('a trailing "!" negates nothing');

  let comment: string | undefined;
  for (const m of matches) {
    if (m.module !== 'comment') continue;
    const c = m.options.find((o) => o.name === '--comment');
    if (c) {
      comment = c.values.join(' ');
      break;
    }
  }
  const body: RuleBody = {
    ...addr,
    ...(fragment ? { fragment } : {}),
    matches,
    ...(comment !== undefined ? { comment } : {}),
    ...(target !== undefined ? { target } : {}),
    goto,
    targetOptions,
    ...(counters ? { counters } : {}),
  };
  return { body, warnings };
}

function isNumberLike(t: string): boolean {
  const c = t.charCodeAt(1);
  return c >= 48 && c <= 57; // "-1", "-5:10": a negative number or range, not a flag
}

// ---------------------------------------------------------------- helpers for rules and tracing

const NON_CHAIN_TARGETS = new Set([
  'ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'MARK',
  'CONNMARK', 'LOG', 'NFLOG', 'ULOG', 'NOTRACK', 'CT', 'TPROXY', 'TCPMSS', 'TOS', 'TTL', 'DSCP', 'CLASSIFY',
  'NFQUEUE', 'TRACE', 'AUDIT', 'CHECKSUM', 'SET', 'CONNSECMARK', 'SECMARK', 'TEE', 'IDLETIMER', 'LED', 'RATEEST',
  'SYNPROXY', 'HMARK', 'CLUSTERIP', 'ECN', 'HL', 'NPT', 'DNPT', 'SNPT',
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
