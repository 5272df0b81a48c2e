import { describe, expect, it } from 'vitest';
import { findChain, optionValue, parseIptablesSave, ruleJumpsTo, targetOptionValue } from './iptables-save.js';
import { parseRuleArgs, tokenizeRule } from './iptables-util.js';
import type { IptablesRule } from './types.js';

describe('tokenizeRule (iptables-restore quoting)', () => {
  it.each([
    ['-A X -j ACCEPT', ['-A', 'X', '-j', 'ACCEPT']],
    ['-A  X\t-j ACCEPT ', ['-A', 'X', '-j', 'ACCEPT']],
    ['--comment "a b"', ['--comment', 'a b']],
    ['--comment "say \\"hi\\" \\\\ it\\\'s"', ['--comment', 'say "hi" \\ it\'s']],
    ['--comment ""', ['--comment', '']],
    ['--comment ab"c d"e x', ['--comment', 'abc de', 'x']],
    ['--comment bare\\x', ['--comment', 'bare\\x']], // backslash is literal outside quotes
  ])('%s', (line, tokens) => {
    expect(tokenizeRule(line)).toEqual({ tokens });
  });

  it('an unterminated quote is an error, not a hang', () => {
    expect(tokenizeRule('--comment "open \\').error).toMatch(/unterminated/);
  });
});

const body = (args: string) => {
  const r = parseRuleArgs(tokenizeRule(args).tokens, 0);
  if (!r.body) throw new Error(r.error);
  return { ...r.body, warnings: r.warnings };
};
const asRule = (args: string) => body(args) as unknown as IptablesRule;

describe('parseRuleArgs', () => {
  it('implicit protocol match: -p tcp --dport 80 without -m tcp', () => {
    expect(body('-p tcp --dport 80 -j ACCEPT').matches).toEqual([
      { module: 'tcp', options: [{ name: '--dport', values: ['80'], negated: false }] },
    ]);
  });

  it('an option the current module does not know goes to the protocol match', () => {
    const b = body('-p udp -m comment --comment dns --dport 53 -j ACCEPT');
    expect(b.matches.map((m) => m.module)).toEqual(['comment', 'udp']);
    expect(optionValue(asRule('-p udp -m comment --comment dns --dport 53'), 'udp', '--dport')).toBe('53');
  });

  it('restore order: -m tcp before -p keeps --dport in the explicit tcp match', () => {
    const b = body(
      '-m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ',
    );
    expect(b.matches).toEqual([
      { module: 'comment', options: [{ name: '--comment', values: ['ns1/svc1:p80 cluster IP'], negated: false }] },
      { module: 'tcp', options: [{ name: '--dport', values: ['80'], negated: false }] },
    ]);
    expect(b.source).toEqual({ value: '10.0.0.0/8', negated: true });
    expect(b.warnings).toEqual([]);
  });

  it.each([
    ['! -s 10.0.0.0/8', true],
    ['-s ! 10.0.0.0/8', true],
    ['-s 10.0.0.0/8', false],
  ])('negation spelling %s', (args, negated) => {
    expect(body(args).source).toEqual({ value: '10.0.0.0/8', negated });
  });

  it('old-style negation after an option name: --dport ! 80', () => {
    expect(body('-p tcp -m tcp --dport ! 80').matches[0]?.options[0]).toEqual({
      name: '--dport',
      values: ['80'],
      negated: true,
    });
  });

  it('interfaces, fragments, goto, counters', () => {
    const b = body('-i cni0 ! -o cni0 ! -f -c 5 300 -g KUBE-SVC-X');
    expect(b).toMatchObject({
      inInterface: { value: 'cni0', negated: false },
      outInterface: { value: 'cni0', negated: true },
      fragment: { negated: true },
      target: 'KUBE-SVC-X',
      goto: true,
      counters: { packets: 5, bytes: 300 },
    });
  });

  it('multi-value options and value-less flags (recent)', () => {
    const b = body(
      '-m recent --set --name KUBE-SVC-1 --mask 255.255.255.255 --rsource -j DNAT --to-destination 10.246.1.2:53',
    );
    expect(b.matches[0]?.options.map((o) => [o.name, o.values])).toEqual([
      ['--set', []],
      ['--name', ['KUBE-SVC-1']],
      ['--mask', ['255.255.255.255']],
      ['--rsource', []],
    ]);
    expect(b.targetOptions).toEqual([{ name: '--to-destination', values: ['10.246.1.2:53'], negated: false }]);
  });

  it('ipset match with two values, a comment that starts with a dash', () => {
    const b = body('-m set --match-set KUBE-CLUSTER-IP dst,dst -m comment --comment "-leading" -j ACCEPT');
    expect(b.matches[0]?.options[0]?.values).toEqual(['KUBE-CLUSTER-IP', 'dst,dst']);
    expect(b.comment).toBe('-leading');
  });

  it('a rule with no target (kube-proxy KUBE-FW no-op) and a rule with two targets', () => {
    expect(body('-m comment --comment "other traffic"').target).toBeUndefined();
    const two = body('-j ACCEPT -j DROP');
    expect(two.target).toBe('DROP');
    expect(two.warnings).toHaveLength(1);
  });

  it.each(['-s', '-m', '-j', '-p tcp -d'])('missing value after %s is an error', (args) => {
    expect(parseRuleArgs(tokenizeRule(args).tokens, 0).error).toMatch(/needs a value/);
  });

  it('stray words are warnings, the rule is kept', () => {
    const r = parseRuleArgs(tokenizeRule('stray -j ACCEPT').tokens, 0);
    expect(r.body?.target).toBe('ACCEPT');
    expect(r.warnings).toHaveLength(1);
  });
});

describe('helpers', () => {
  const { value: save } = parseIptablesSave(
    '*nat\n:KUBE-SVC-A - [0:0]\n-A KUBE-SVC-A -j KUBE-SEP-B\n-A KUBE-SVC-A -j RETURN\n-A KUBE-SVC-A -j DNAT --to-destination 1.2.3.4:80\nCOMMIT\n',
  );
  it('findChain and ruleJumpsTo', () => {
    const rules = findChain(save, 'nat', 'KUBE-SVC-A')?.rules ?? [];
    expect(rules.map(ruleJumpsTo)).toEqual(['KUBE-SEP-B', undefined, undefined]);
    expect(findChain(save, 'filter', 'KUBE-SVC-A')).toBeUndefined();
    expect(targetOptionValue(rules[2] as IptablesRule, '--to-destination')).toBe('1.2.3.4:80');
  });
});

describe('never throws (property)', () => {
  const words = [
    '-A',
    'X',
    '-s',
    '!',
    '-m',
    'comment',
    '--comment',
    '"a b"',
    '"',
    '\\',
    '-j',
    'ACCEPT',
    '*filter',
    ':X',
    '-',
    '[1:2]',
    'COMMIT',
    '\n',
    ' ',
    '-p',
    'tcp',
    '--dport',
    '80',
    '-c',
    '#',
  ];
  it('random rule-ish text: problems, never exceptions; every rule has a chain and index', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 60 }), fc.string(), (ws, tail) => {
        const { value } = parseIptablesSave(ws.join(' ') + tail);
        for (const t of value.tables.values())
          for (const c of t.chains.values()) c.rules.forEach((r, k) => expect(r.index).toBe(k + 1));
      }),
      { numRuns: 500 },
    );
  });
});
