// The scan's promise (./iptables-scan.ts): a line it accepts is one the full parse keeps with no
// warning and the same chain, target and goto; and a rule kept without its body parsed reads the
// same as the full parse of its line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from './iptables-save.js';
import { dnatDestination } from './iptables-rule.js';
import { newRuleScan, scanSimpleRule } from './iptables-scan.js';
import { parseRuleArgs, tokenizeRule } from './iptables-util.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

function iptablesFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) iptablesFiles(p, out);
    else if (/iptables.*\.txt$/.test(name)) out.push(p);
  }
  return out;
}

const ruleLines = (): string[] => {
  const set = new Set<string>();
  for (const f of iptablesFiles(FIXTURES)) {
    for (const l of readFileSync(f, 'utf8').split('\n')) if (/^\s*(\[\d+:\d+\] )?-A/.test(l)) set.add(l.trim());
  }
  return [...set];
};

const fresh = newRuleScan;

/** the scan's claim about `line`, checked against the full tokenizer and argument parser */
function checkClaim(line: string): boolean {
  const scan = fresh();
  if (!scanSimpleRule(line, 0, scan)) return false;
  const { tokens, error } = tokenizeRule(line);
  expect(error, line).toBeUndefined();
  expect(tokens[0], line).toBe('-A');
  expect(line.slice(scan.chainStart, scan.chainEnd), line).toBe(tokens[1]);
  expect(tokenizeRule(line, scan.argsFrom).tokens, line).toEqual(tokens.slice(2));
  const args = parseRuleArgs(tokens, 2);
  expect(args.error, line).toBeUndefined();
  expect(args.warnings, line).toEqual([]);
  expect(scan.targetStart < 0 ? undefined : line.slice(scan.targetStart, scan.targetEnd), line).toBe(args.body?.target);
  expect(scan.goto, line).toBe(args.body?.goto);
  // the destination the scan notes (KeptRule.peekDestination) is the full parse's
  const dst =
    scan.dstStart < 0 ? undefined : { value: line.slice(scan.dstStart, scan.dstEnd), negated: scan.dstNegated };
  expect(dst, line).toEqual(args.body?.destination);
  // the target's options alone, parsed from the -j on (KeptRule.targetOptions), are the full parse's
  const tail =
    scan.jumpStart < 0 ? [] : parseRuleArgs(tokenizeRule(line, scan.jumpStart).tokens, 0).body?.targetOptions;
  expect(tail, line).toEqual(args.body?.targetOptions);
  expect(args.body?.counters, line).toBeUndefined();
  return true;
}

describe('scanSimpleRule', () => {
  it('every rule line in the fixtures: accepted ones parse clean and agree', () => {
    const lines = ruleLines();
    expect(lines.length).toBeGreaterThan(300);
    const accepted = lines.filter((l) => checkClaim(l.replace(/^\[\d+:\d+\] /, '')));
    // kube-proxy's and flannel's shapes are all simple
    expect(accepted.length / lines.length).toBeGreaterThan(0.95);
  });

  it.each([
    ['-A KUBE-SEP-X -p tcp -m comment --comment "ns/a:http" -m tcp -j DNAT --to-destination 10.244.1.5:8080', 'DNAT'],
    [
      '-A KUBE-SVC-X ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ',
      'KUBE-MARK-MASQ',
    ],
    ['-A FORWARD -m comment --comment "a \\"quoted\\" word" -g DOCKER', 'DOCKER'],
    ['-A X -p tcp --dport 80', undefined],
    ['-A X -m mark ! --mark 0x4000/0x4000 -j RETURN', 'RETURN'],
    ['-A X ! -f -j ACCEPT', 'ACCEPT'],
    ['-A X -j LOG --log-prefix "-x y"', 'LOG'],
    ['-A X -m comment --comment -j ACCEPT', undefined], // --comment takes "-j" as its text
    ['-A X  -j ACCEPT \r', 'ACCEPT'],
  ])('accepts %s', (line, target) => {
    expect(checkClaim(line)).toBe(true);
    const scan = fresh();
    scanSimpleRule(line, 0, scan);
    expect(scan.targetStart < 0 ? undefined : line.slice(scan.targetStart, scan.targetEnd)).toBe(target);
  });

  it.each([
    ['-A'],
    ['-A X -j'], // -j needs a value
    ['-A X -j A -j B'], // second target
    ['-A X --dport 80 -j ACCEPT'], // option before any module
    ['-A X -p tcp --dport ! 80 -j ACCEPT'], // old negation spelling
    ['-A X -s ! 10.0.0.0/8 -j ACCEPT'],
    ['-A X ! -m tcp -j ACCEPT'],
    ['-A X -c 1 2 -j ACCEPT'],
    ['-A X -q -j ACCEPT'], // unknown flag
    ['-A X -s 10.0.0.1 stray -j ACCEPT'], // unexpected word
    ['-A X -j ACCEPT !'], // trailing "!"
    ['-A X -m comment --comment "open'], // unterminated quote
    ['-A X "-j" ACCEPT'], // a quoted flag
    ['-A "X" -j ACCEPT'],
    ['--append X -j ACCEPT'], // long spelling: left to the full parse
    ['-N X'],
  ])('leaves %s to the full parse', (line) => {
    expect(checkClaim(line)).toBe(false);
  });

  it('property: whatever it accepts parses clean and agrees', () => {
    const word = fc.constantFrom(
      '-s',
      '-d',
      '-p',
      '-i',
      '-o',
      '-f',
      '-m',
      '-j',
      '-g',
      '-c',
      '-x',
      '--source',
      '--dst',
      '--protocol',
      '--match',
      '--jump',
      '--goto',
      '--dport',
      '--comment',
      '--log-prefix',
      '--to-destination',
      '--reject-with',
      '--set-xmark',
      '-j DNAT',
      '-j MARK',
      '--mark',
      '--set-counters',
      '--',
      '!',
      'tcp',
      'udp',
      'comment',
      'tcp',
      'ACCEPT',
      'KUBE-SEP-X',
      '10.0.0.0/8',
      '80',
      '-1',
      '-5:10',
      '-',
      '"a b"',
      '"-j"',
      'x"y z"',
      '"\\"q\\""',
      '"',
      '\t',
      '\r',
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(word, { maxLength: 14 }), fc.constantFrom(' ', '  ', '\t'), (words, sep) => {
        if (checkClaim(`-A C ${words.join(sep)}`)) accepted++;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(30); // the property is not vacuous
  });
});

describe('rules kept unparsed', () => {
  // targetOptions read first come from the `-j` on; read after any other field, from the whole body
  it.each([
    ['any field first', false],
    ['targetOptions first', true],
  ])('read the same as the full parse of their line (%s)', (_, targetFirst) => {
    for (const f of iptablesFiles(FIXTURES).filter((p) => p.includes('/reference/') || p.includes('/secrets/'))) {
      const { value } = parseIptablesSave(readFileSync(f, 'utf8'), { defaultTable: 'filter' });
      for (const table of value.tables.values()) {
        for (const chain of table.chains.values()) {
          for (const rule of chain.rules) {
            const from = rule.text.startsWith('[') ? rule.text.indexOf(']') + 1 : 0;
            const body = parseRuleArgs(tokenizeRule(rule.text, from).tokens, 2).body;
            expect(body, `${f}:${rule.line}`).toBeDefined();
            const { counters, target, goto, ...lazy } = body!;
            if (targetFirst) expect(rule.targetOptions, `${f}:${rule.line}`).toEqual(body!.targetOptions);
            expect({ ...lazy, target, goto }, `${f}:${rule.line}`).toEqual({
              source: rule.source,
              destination: rule.destination,
              protocol: rule.protocol,
              inInterface: rule.inInterface,
              outInterface: rule.outInterface,
              fragment: rule.fragment,
              matches: rule.matches,
              comment: rule.comment,
              targetOptions: rule.targetOptions,
              target: rule.target,
              goto: rule.goto,
            });
            if (counters) expect(rule.counters).toEqual(counters);
          }
        }
      }
    }
  });
});

describe('dnatDestination (a DNAT rule read without keeping its options)', () => {
  const rulesOf = (text: string) => {
    const { value } = parseIptablesSave(text, { defaultTable: 'filter' });
    return [...value.tables.values()].flatMap((t) => [...t.chains.values()].flatMap((c) => c.rules));
  };
  const slow = (text: string) =>
    rulesOf(text).map((r) => r.targetOptions.find((o) => o.name === '--to-destination')?.values[0]);
  const fast = (text: string) => rulesOf(text).map((r) => dnatDestination(r));

  it('every rule of every fixture dump: the same as targetOptions', () => {
    let dnat = 0;
    for (const f of iptablesFiles(FIXTURES)) {
      const text = readFileSync(f, 'utf8');
      const want = slow(text);
      expect(fast(text), f).toEqual(want);
      dnat += want.filter((v) => v !== undefined).length;
    }
    expect(dnat).toBeGreaterThan(50); // kube-proxy's KUBE-SEP rules are there
  });

  it.each([
    ['-j DNAT --to-destination 10.244.1.5:8080', '10.244.1.5:8080'],
    ['-j DNAT --to-destination [fd00::5]:53', '[fd00::5]:53'],
    ['-j DNAT --to-destination 10.244.1.5:8080 --random', '10.244.1.5:8080'],
    ['-j DNAT --to-destination 10.244.1.5:8080  ', '10.244.1.5:8080'],
    ['-j DNAT  --to-destination 10.244.1.5:8080', '10.244.1.5:8080'],
    ['-j DNAT --to-destination "10.244.1.5:8080"', '10.244.1.5:8080'],
    ['-j DNAT --to-destination -1', '-1'],
    ['-j DNAT --to-destination ! 10.0.0.1', '10.0.0.1'],
    ['-j DNAT --to-destination [unsupported revision]', undefined],
    ['-j DNAT --to-source 10.0.0.1', undefined],
    ['-j DNAT --to-destination --random', undefined],
    ['-j DNAT', undefined],
    ['-j SNAT --to-source 10.0.0.1 --to-destination 10.0.0.2', '10.0.0.2'],
  ])('-A KUBE-SEP-X -p tcp -m tcp %s', (tail, want) => {
    const text = `*nat\n:KUBE-SEP-X - [0:0]\n-A KUBE-SEP-X -p tcp -m tcp ${tail}\nCOMMIT\n`;
    expect(slow(text)).toEqual([want]);
    expect(fast(text)).toEqual([want]);
  });

  it('property: the same as targetOptions for any rule', () => {
    const word = fc.constantFrom(
      '-j DNAT',
      '-j',
      'DNAT',
      '-g',
      '--to-destination',
      '--to-source',
      '--random',
      '10.0.0.1:80',
      '[fd00::1]:53',
      '-1',
      '!',
      '"a b"',
      '[unsupported',
      'revision]',
      '-m tcp',
      '--dport',
      '80',
      '\t',
      '\r',
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), fc.constantFrom(' ', '  ', '\t'), (words, sep) => {
        const text = `*nat\n:C - [0:0]\n-A C -p tcp ${words.join(sep)}\nCOMMIT\n`;
        expect(fast(text)).toEqual(slow(text));
      }),
      { numRuns: 3000 },
    );
  });
});
