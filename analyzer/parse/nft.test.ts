import { describe, expect, it } from 'vitest';
import { iptablesTableInNft, parseNftRuleset } from './nft.js';

// the shape of a kube-proxy (iptables mode, iptables-nft) node's `nft list ruleset`, with nft's
// stderr warning kept (2>&1) and a set and a multi-line anonymous set that must be skipped
const RULESET = [
  '# Warning: table ip nat is managed by iptables-nft, do not touch!', // 1
  'table ip nat {', // 2
  '\tchain PREROUTING {', // 3
  '\t\ttype nat hook prerouting priority dstnat; policy accept;', // 4
  '\t\tcounter packets 10 bytes 600 jump KUBE-SERVICES', // 5
  '\t}', // 6
  '', // 7
  '\tchain KUBE-SERVICES {', // 8
  '\t\tmeta l4proto tcp ip daddr 10.96.0.1 tcp dport 443 counter packets 0 bytes 0 jump KUBE-SVC-NPX46M4PTMTKRN6Y', // 9
  '\t}', // 10
  '}', // 11
  'table inet firewalld {', // 12
  '\tset allowed {', // 13
  '\t\ttype ipv4_addr', // 14
  '\t\telements = { 10.0.0.1, 10.0.0.2 }', // 15
  '\t}', // 16
  '\tchain filter_FORWARD {', // 17
  '\t\ttype filter hook forward priority filter + 10; policy accept;', // 18
  '\t\tip saddr {', // 19
  '\t\t\t10.244.0.0/16,', // 20
  '\t\t} accept', // 21
  '\t\treject with icmpx admin-prohibited', // 22
  '\t}', // 23
  '}', // 24
  '',
].join('\n');

describe('parseNftRuleset', () => {
  const { value, problems } = parseNftRuleset(RULESET);

  it('reads tables, base chains and rule lines with their line numbers', () => {
    expect(problems).toEqual([]);
    expect([...value.tables.keys()]).toEqual(['ip nat', 'inet firewalld']);
    const nat = iptablesTableInNft(value, 'nat');
    expect(nat).toMatchObject({ family: 'ip', name: 'nat', line: 2, managedByIptablesLine: 1 });
    expect(nat?.chains.get('PREROUTING')).toMatchObject({
      line: 3,
      type: 'nat',
      hook: 'prerouting',
      priority: 'dstnat',
      policy: 'accept',
      rules: [{ line: 5, text: 'counter packets 10 bytes 600 jump KUBE-SERVICES' }],
    });
    expect(nat?.chains.get('KUBE-SERVICES')?.hook).toBeUndefined();
    expect(nat?.chains.get('KUBE-SERVICES')?.rules.map((r) => r.line)).toEqual([9]);
  });

  it('skips sets and counts a multi-line anonymous set as one rule', () => {
    const fw = value.tables.get('inet firewalld');
    expect([...(fw?.chains.keys() ?? [])]).toEqual(['filter_FORWARD']);
    expect(fw?.chains.get('filter_FORWARD')).toMatchObject({
      hook: 'forward',
      priority: 'filter + 10',
      policy: 'accept',
    });
    expect(fw?.chains.get('filter_FORWARD')?.rules.map((r) => r.line)).toEqual([19, 22]);
    expect(value.ruleCount).toBe(4);
  });

  it('garbage and a truncated table are problems, never a throw', () => {
    const r = parseNftRuleset('hello\ntable ip filter {\n\tchain INPUT {\n\t\tdrop\n');
    expect(r.problems.map((p) => p.line)).toEqual([1, 5]);
    expect(r.value.tables.get('ip filter')?.chains.get('INPUT')?.rules).toEqual([{ line: 4, text: 'drop' }]);
  });

  it("a table without a family is ip (nft's default)", () => {
    expect([...parseNftRuleset('table filter {\n}\n').value.tables.keys()]).toEqual(['ip filter']);
  });
});
