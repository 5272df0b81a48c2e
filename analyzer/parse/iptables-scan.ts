// A cheap first look at an `-A CHAIN ...` line: one character pass, no tokens array, no strings
// except the chain and target names. It answers "would parseRuleArgs keep this rule without a
// warning?" conservatively: true only for shapes it can prove clean (kube-proxy's, flannel's and
// almost every real rule); anything unusual (quoted flags, old `--opt ! value` negation, -c, a
// second target...) answers false and the caller parses that line in full at once. A rule that
// passes is kept with only its chain, target and position; its matches are parsed on first read
// (see ./iptables-rule.ts), so the ~400,000 KUBE-SEP/KUBE-SVC rules at the scale envelope that no
// rule reads cost one scan each. The proof obligation is tested: for every line this accepts,
// the full parse gives no warning, no error, and the same chain, target and goto.

const SPACE = 32;
const TAB = 9;
const CR = 13;
const QUOTE = 34;
const BACKSLASH = 92;
const DASH = 45;
const BANG = 33;

/** where a simple rule's pieces are in its line; valid after scanSimpleRule returned true */
export interface RuleScan {
  chainStart: number;
  chainEnd: number;
  /** the arguments after the chain name start here (what the full parse tokenizes) */
  argsFrom: number;
  /** where the -j/-g flag is (its target options are what follows); -1 when the rule has none */
  jumpStart: number;
  /** the target's name; -1 when the rule has no -j/-g */
  targetStart: number;
  targetEnd: number;
  goto: boolean;
  /** the last -d/--destination value (what parseRuleArgs keeps) and whether `!` negated it; -1 when none */
  dstStart: number;
  dstEnd: number;
  dstNegated: boolean;
}

/** a RuleScan to pass to scanSimpleRule (one per parse: the scan fills it in place, allocating nothing) */
export const newRuleScan = (): RuleScan => ({
  chainStart: 0,
  chainEnd: 0,
  argsFrom: 0,
  jumpStart: -1,
  targetStart: -1,
  targetEnd: -1,
  goto: false,
  dstStart: -1,
  dstEnd: -1,
  dstNegated: false,
});

const isSep = (c: number): boolean => c === SPACE || c === TAB || c === CR;

// what a flag means to parseRuleArgs (CORE_FLAGS and TEXT_OPTIONS in ./iptables-util.ts)
const enum Flag {
  Addr, // -s -i -o: one value
  Dest, // -d: one value, noted in the scan
  Proto, // -p
  Frag, // -f
  Match, // -m
  Jump, // -j
  Goto, // -g
  Unsure, // -c, unknown single-dash flags: leave to the full parse
  Text, // --comment and other free-text options: the next token is always their value
  Option, // any other --option of a match or target
}

const SHORT: Readonly<Record<string, Flag>> = {
  s: Flag.Addr,
  d: Flag.Dest,
  i: Flag.Addr,
  o: Flag.Addr,
  p: Flag.Proto,
  f: Flag.Frag,
  m: Flag.Match,
  j: Flag.Jump,
  g: Flag.Goto,
};
const LONG: readonly (readonly [string, Flag])[] = [
  ['--source', Flag.Addr],
  ['--src', Flag.Addr],
  ['--destination', Flag.Dest],
  ['--dst', Flag.Dest],
  ['--in-interface', Flag.Addr],
  ['--out-interface', Flag.Addr],
  ['--protocol', Flag.Proto],
  ['--fragment', Flag.Frag],
  ['--match', Flag.Match],
  ['--jump', Flag.Jump],
  ['--goto', Flag.Goto],
  ['--set-counters', Flag.Unsure],
  ['--comment', Flag.Text],
  ['--log-prefix', Flag.Text],
  ['--nflog-prefix', Flag.Text],
];
// long flags by their third character, so a kube-proxy `--dport` costs a couple of compares
const LONG_BY_CHAR = new Map<number, (readonly [string, Flag])[]>();
for (const entry of LONG) {
  const c = entry[0].charCodeAt(2);
  const list = LONG_BY_CHAR.get(c) ?? [];
  list.push(entry);
  LONG_BY_CHAR.set(c, list);
}

function flagAt(line: string, s: number, e: number): Flag {
  const len = e - s;
  if (line.charCodeAt(s + 1) !== DASH) return len === 2 ? (SHORT[line[s + 1] as string] ?? Flag.Unsure) : Flag.Unsure;
  for (const [name, flag] of LONG_BY_CHAR.get(line.charCodeAt(s + 2)) ?? []) {
    if (name.length === len && line.startsWith(name, s)) return flag;
  }
  return Flag.Option;
}

// set by tokenEnd: did the token hold a `"`?
let quoted = false;

/** end of the token that starts at i (not a separator), as tokenizeRule splits; -1 for an unterminated quote */
function tokenEnd(line: string, i: number): number {
  const n = line.length;
  quoted = false;
  let inQuote = false;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      quoted = true;
      inQuote = !inQuote;
    } else if (inQuote) {
      if (c === BACKSLASH && i + 1 < n) i++;
    } else if (isSep(c)) break;
    i++;
  }
  return inQuote ? -1 : i;
}

function skipSeps(line: string, i: number): number {
  while (i < line.length && isSep(line.charCodeAt(i))) i++;
  return i;
}

/** a word parseRuleArgs takes as a value, not a flag: "80", "ACCEPT", "-1", "-" */
function isValueWord(line: string, s: number, e: number): boolean {
  if (e - s < 2 || line.charCodeAt(s) !== DASH) return true;
  const c = line.charCodeAt(s + 1);
  return c >= 48 && c <= 57;
}

/**
 * true when `line` from `from` is `-A CHAIN args` that parseRuleArgs keeps without any warning;
 * `out` then says where the chain, the arguments and the target are.
 */
export function scanSimpleRule(line: string, from: number, out: RuleScan): boolean {
  let i = skipSeps(line, from);
  if (line.charCodeAt(i) !== DASH || line.charCodeAt(i + 1) !== 65 /* A */ || !isSep(line.charCodeAt(i + 2)))
    return false;
  i = skipSeps(line, i + 2);
  if (i >= line.length) return false;
  const chainEnd = tokenEnd(line, i);
  if (chainEnd < 0 || quoted) return false;
  out.chainStart = i;
  out.chainEnd = chainEnd;
  out.argsFrom = chainEnd;
  return scanRuleArgs(line, chainEnd, out);
}

/**
 * scanSimpleRule's walk of the arguments after the chain name (from `argsFrom`): true when
 * parseRuleArgs keeps them without a warning; sets the target and destination fields of `out`.
 */
export function scanRuleArgs(line: string, argsFrom: number, out: RuleScan): boolean {
  out.jumpStart = -1;
  out.targetStart = -1;
  out.targetEnd = -1;
  out.goto = false;
  out.dstStart = -1;
  out.dstEnd = -1;
  out.dstNegated = false;
  let negate = false;
  let open = false; // an --option is collecting values
  let openHasValue = false;
  let forceValue = false;
  let hasMatch = false; // a -m was seen (parseRuleArgs' `current`)
  let hasProto = false;
  let inTarget = false;
  let i = argsFrom;
  for (;;) {
    i = skipSeps(line, i);
    if (i >= line.length) break;
    const s = i;
    const e = tokenEnd(line, s);
    if (e < 0) return false;
    i = e;
    if (forceValue && open) {
      forceValue = false;
      openHasValue = true;
      continue;
    }
    if (quoted) return false;
    if (e - s === 1 && line.charCodeAt(s) === BANG) {
      if (open && !openHasValue) return false; // old `--opt ! value`: rare, leave it to the full parse
      negate = true;
      continue;
    }
    if (isValueWord(line, s, e)) {
      if (!open) return false; // "unexpected word"
      openHasValue = true;
      continue;
    }
    open = false;
    const flag = flagAt(line, s, e);
    if (flag === Flag.Unsure) return false;
    if (flag === Flag.Option || flag === Flag.Text) {
      if (!inTarget && !hasMatch && !hasProto) return false; // "comes before any -m module"
      negate = false;
      open = true;
      openHasValue = false;
      forceValue = flag === Flag.Text;
      continue;
    }
    if (flag === Flag.Frag) {
      negate = false;
      continue;
    }
    // a core flag: its value is the next token, whatever it looks like
    const vs = skipSeps(line, i);
    if (vs >= line.length) return false; // "needs a value"
    const ve = tokenEnd(line, vs);
    if (ve < 0 || quoted) return false;
    if (ve - vs === 1 && line.charCodeAt(vs) === BANG) return false; // old `-s ! x`
    i = ve;
    if (flag === Flag.Proto) hasProto = true;
    else if (flag === Flag.Dest) {
      out.dstStart = vs;
      out.dstEnd = ve;
      out.dstNegated = negate;
    } else if (flag === Flag.Match) {
      if (negate) return false;
      hasMatch = true;
      inTarget = false;
    } else if (flag === Flag.Jump || flag === Flag.Goto) {
      if (out.targetStart >= 0) return false; // "second target"
      out.jumpStart = s;
      out.targetStart = vs;
      out.targetEnd = ve;
      out.goto = flag === Flag.Goto;
      inTarget = true;
    }
    negate = false;
  }
  return !negate; // a trailing "!" warns
}
