// The destination index (./dest-index.ts) only skips rules that could not match: a walk with it
// is the rule-by-rule walk, step for step, on every fixture dump, and at the edge of the budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../parse/iptables-save.js';
import { ruleDestination } from '../parse/iptables-rule.js';
import type { IptablesSave } from '../parse/types.js';
import { MIN_INDEXED_RULES, setDestIndexMinRules } from './dest-index.js';
import { STEP_BUDGET, walkBuiltin, type WalkContext } from './netfilter.js';
import type { Packet, TraceStep } from './types.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

function iptablesTexts(dir: string, out = new Set<string>()): Set<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) iptablesTexts(p, out);
    else if (/iptables.*\.txt$/.test(name)) out.add(readFileSync(p, 'utf8'));
  }
  return out;
}
const DUMPS = [...iptablesTexts(FIXTURES)].map((t) => parseIptablesSave(t, { defaultTable: 'filter' }).value);
const HOOKS = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'] as const;

const ctxFor = (hook: TraceStep['hook'], budget = { used: 0 }): WalkContext => ({
  hook,
  localAddrs: new Set(['192.168.56.11', '10.244.1.1']),
  masqueradeSource: () => '192.168.56.11',
  budget,
});

const packet = (dst: string, proto: Packet['proto'], dport: number): Packet => ({
  src: '10.244.1.5',
  dst,
  proto,
  sport: 40000,
  dport,
  mark: 0,
  inIface: 'cni0',
  dnat: false,
  snat: false,
});

/** the addresses the dump's rules name as destination (the packets the index sends straight to their rules) */
function destinations(save: IptablesSave): string[] {
  const out = new Set<string>();
  for (const t of save.tables.values())
    for (const c of t.chains.values())
      for (const r of c.rules) if (r.destination) out.add(r.destination.value.replace(/\/32$/, ''));
  return [...out].sort().slice(0, 6);
}

function walkAll(save: IptablesSave, packets: readonly Packet[], minRules: number | undefined, used = 0) {
  setDestIndexMinRules(minRules);
  const out: unknown[] = [];
  for (const [table, t] of save.tables)
    for (const chain of t.chains.keys()) {
      const hook = HOOKS.find((h) => h === chain);
      if (!hook) continue;
      for (const pkt of packets) {
        const budget = { used };
        const state = { pkt, steps: [], probability: 1 };
        out.push(walkBuiltin(save, table, chain, state, ctxFor(hook, budget)), budget.used);
      }
    }
  return out;
}

afterEach(() => setDestIndexMinRules(MIN_INDEXED_RULES));

describe('the destination index', () => {
  it('every rule of every fixture dump: the scanned destination is the parsed one', () => {
    let n = 0;
    for (const save of DUMPS)
      for (const t of save.tables.values())
        for (const c of t.chains.values())
          for (const r of c.rules) {
            const peeked = ruleDestination(r); // read first, while the body is not parsed
            expect(peeked, r.text).toEqual(r.destination);
            if (peeked) n++;
          }
    expect(n).toBeGreaterThan(500);
  });

  it('every fixture dump: walks with every chain indexed equal the rule-by-rule walks, budget included', () => {
    let walks = 0;
    for (const save of DUMPS) {
      const packets = [...destinations(save), '1.1.1.1', '10.244.2.7', 'fd00::1'].flatMap((d) => [
        packet(d, 'tcp', 443),
        packet(d, 'udp', 53),
      ]);
      const linear = walkAll(save, packets, undefined);
      expect(walkAll(save, packets, 0)).toEqual(linear);
      walks += linear.length;
    }
    expect(walks).toBeGreaterThan(1000);
  });

  // 200 services: the packet to the last one skips 199 rules that cannot match it
  const services = Array.from({ length: 200 }, (_, k) => `10.96.${k >> 8}.${k & 255}`);
  const save = parseIptablesSave(
    [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-SVC-A - [0:0]',
      '-A PREROUTING -j KUBE-SERVICES',
      ...services.map((ip) => `-A KUBE-SERVICES -d ${ip}/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-A`),
      '-A KUBE-SERVICES ! -d 10.96.0.5/32 -j RETURN',
      '-A KUBE-SVC-A -j DNAT --to-destination 10.244.1.5:8080',
      'COMMIT',
      '',
    ].join('\n'),
  ).value;

  it('stops undetermined at the same rule when the budget runs out inside a skipped run', () => {
    const pkt = packet('10.96.0.199', 'tcp', 80);
    for (const left of [1, 2, 3, 50, 198, 199, 200, 201, 202, 205, 400]) {
      const linear = walkAll(save, [pkt], undefined, STEP_BUDGET - left);
      const indexed = walkAll(save, [pkt], 0, STEP_BUDGET - left);
      expect(indexed, `${left} steps left`).toEqual(linear);
    }
    // the walk reaches the rule for 10.96.0.199 (its DNAT) only with the budget to evaluate 200 rules
    expect(JSON.stringify(walkAll(save, [pkt], 0, 0))).toContain('10.244.1.5:8080');
    expect(JSON.stringify(walkAll(save, [pkt], 0, STEP_BUDGET - 3))).toContain('step budget');
  });

  it('a negated destination is a candidate for every packet', () => {
    const pkt = packet('10.96.0.5', 'udp', 53);
    expect(walkAll(save, [pkt], 0)).toEqual(walkAll(save, [pkt], undefined));
    expect(JSON.stringify(walkAll(save, [packet('10.1.2.3', 'udp', 53)], 0))).toContain('"verdict":"RETURN"');
  });
});
