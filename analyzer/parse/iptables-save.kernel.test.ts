// Real-kernel round trip: feed a ruleset to the real iptables-restore inside a scratch network
// namespace, read it back with iptables-save, and check the parser sees what was fed in.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionValue, parseIptablesSave, targetOptionValue } from './iptables-save.js';
import type { IptablesRule, IptablesSave } from './types.js';

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (ip netns add needs root)';
  for (const tool of [
    'ip',
    'iptables-nft-restore',
    'iptables-nft-save',
    'iptables-legacy-restore',
    'iptables-legacy-save',
  ]) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return undefined;
}
const reason = skipReason();
if (reason) console.log(`skipping iptables kernel round trip: ${reason}`);

const NS = `netsnap-pnet-${process.pid}`;
const inNs = (cmd: string, args: string[], input?: string) =>
  execFileSync('ip', ['netns', 'exec', NS, cmd, ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

/** A kube-proxy-shaped ruleset in kube-proxy's own (restore) spelling, plus awkward comments. */
function generatedRules(services: number, endpoints: number): string {
  const nat: string[] = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
  ];
  const rules: string[] = [
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
  ];
  for (let s = 0; s < services; s++) {
    const svc = `KUBE-SVC-${String(s).padStart(16, 'S')}`;
    const ip = `10.96.${s >> 8}.${s & 255}`;
    const name = `ns${s % 7}/svc${s}:p80`;
    nat.push(`:${svc} - [0:0]`);
    rules.push(
      `-A KUBE-SERVICES -m comment --comment "${name} cluster IP" -m tcp -p tcp -d ${ip} --dport 80 -j ${svc}`,
    );
    rules.push(
      `-A ${svc} -m comment --comment "${name} cluster IP" -m tcp -p tcp -d ${ip} --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ`,
    );
    for (let e = 0; e < endpoints; e++) {
      const sep = `KUBE-SEP-${String(s * endpoints + e).padStart(16, 'E')}`;
      const ep = `10.244.${e}.${(s % 250) + 2}`;
      nat.push(`:${sep} - [0:0]`);
      const stat =
        e < endpoints - 1 ? ` -m statistic --mode random --probability ${(1 / (endpoints - e)).toFixed(10)}` : '';
      rules.push(`-A ${svc} -m comment --comment "${name} -> ${ep}:80"${stat} -j ${sep}`);
      rules.push(`-A ${sep} -m comment --comment ${name} -s ${ep} -j KUBE-MARK-MASQ`);
      rules.push(`-A ${sep} -m comment --comment ${name} -m tcp -p tcp -j DNAT --to-destination ${ep}:80`);
    }
  }
  const filter = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':ODD - [0:0]',
    '-A FORWARD -s 10.244.0.0/16 -m comment --comment flanneld -j ACCEPT',
    '-A FORWARD ! -d 224.0.0.0/4 -o cni0 -j ODD',
    '-A ODD -m comment --comment "quote \\" back \\\\ single \\\' end" -j RETURN',
    '-A ODD -p udp --dport 53 -j REJECT --reject-with icmp-port-unreachable',
    'COMMIT',
  ];
  return [...nat, ...rules, 'COMMIT', ...filter, ''].join('\n');
}

/** What must survive a restore/save round trip, per table and chain, in rule order. */
function digest(save: IptablesSave) {
  const host = (a?: { value: string; negated: boolean }) =>
    a ? `${a.negated ? '!' : ''}${a.value.replace(/\/32$/, '')}` : '';
  const one = (r: IptablesRule) =>
    [
      r.comment ?? '',
      r.target ?? '',
      host(r.source),
      host(r.destination),
      r.protocol?.value ?? '',
      optionValue(r, '', '--dport') ?? '',
      Number(optionValue(r, 'statistic', '--probability') ?? 'NaN').toFixed(6),
      targetOptionValue(r, '--to-destination') ?? '',
    ].join('|');
  const out: Record<string, Record<string, string[]>> = {};
  for (const [tname, t] of save.tables) {
    const chains: Record<string, string[]> = {};
    for (const [cname, c] of t.chains) chains[cname] = c.rules.map(one);
    out[tname] = chains;
  }
  return out;
}

describe.skipIf(reason !== undefined)('iptables round trip through the real kernel (scratch netns)', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS]);
  });
  afterAll(() => {
    execFileSync('ip', ['netns', 'del', NS]);
  });

  const cases = [
    ['generated kube-proxy ruleset (300 services x 3 endpoints)', generatedRules(300, 3)],
    ['captured-here kp.rules', readFileSync(new URL('../../fixtures/reference/net/kp.rules', import.meta.url), 'utf8')],
  ] as const;

  for (const [backend, restore, save] of [
    ['legacy', 'iptables-legacy-restore', 'iptables-legacy-save'],
    ['nf_tables', 'iptables-nft-restore', 'iptables-nft-save'],
  ] as const) {
    it.each(cases)(`${backend}: %s`, (_, rules) => {
      const fed = parseIptablesSave(rules);
      expect(fed.problems).toEqual([]);
      execFileSync('ip', ['netns', 'exec', NS, restore], { input: rules, stdio: ['pipe', 'ignore', 'ignore'] });
      const back = parseIptablesSave(inNs(save, ['-c']));
      expect(back.problems).toEqual([]);
      // legacy iptables-save 1.8.9 prints a plain header, which states no backend (nf_tables 1.8.7 prints it too)
      expect(back.value.backend).toBe(backend === 'legacy' ? undefined : backend);
      expect(back.value.ruleCount).toBe(fed.value.ruleCount);
      expect(digest(back.value)).toEqual(digest(fed.value));
      const odd = back.value.tables.get('filter')?.chains.get('ODD')?.rules[0];
      if (odd) expect(odd.comment).toBe('quote " back \\ single \' end'); // only the generated set has ODD
      const anyRule = back.value.tables.get('nat')?.chains.get('KUBE-SERVICES')?.rules[0];
      expect(anyRule?.counters).toEqual({ packets: 0, bytes: 0 }); // -c prints [p:b] before every rule
    });
  }

  it('nf_tables dump warns about legacy tables present when both backends hold rules', () => {
    // iptables-nft-save prints the warning on stderr: only a capture with 2>&1 carries it
    const back = parseIptablesSave(inNs('sh', ['-c', 'iptables-nft-save 2>&1']));
    expect(back.value.legacyTablesPresentLine).toBe(1);
    expect(back.value.headerLine).toBe(2);
  });
});
