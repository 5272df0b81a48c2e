// Every parser against garbage: mutated real samples, random text, and the extremes from issue 6
// (CRLF, NUL, invalid UTF-8, ANSI/OSC escapes, deep nesting, a 50 MB line, 1,000,000 chains).
// A parser may report problems; it may not throw, hang or blow the stack.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../analyzer/model/decode.js';
import { PARSERS, type Parsers } from '../../analyzer/model/parsers.js';
import { FUZZ_RUNS, recordCases } from './budget.js';

const ROOT = join(import.meta.dirname, '../../fixtures/reference');
const sample = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

/** each parser with real samples to mutate */
const SEEDS: Record<keyof Parsers, string[]> = {
  iptablesSave: ['redact/iptables-save-nft.txt', 'model/iptables-save-nft.txt'],
  ipLinks: ['redact/ip-j-d-addr.json'],
  ipRoutes: ['redact/ip-j-route-all.json'],
  ipRules: ['redact/ip-j-route-all.json'],
  ipNeighbors: ['redact/ip-j-d-addr.json'],
  bridgeFdb: ['net/bridge-fdb.json'],
  sysctl: [],
  modules: [],
  resolvConf: ['config/resolv-conf-pod-kind.txt', 'config/resolv-conf-pod-gce-doc.txt'],
  corefile: ['config/corefile-kubeadm-1.31.txt', 'config/corefile-article-typo.txt'],
  flannelNetConf: ['config/net-conf-flannel-0.28.9.json'],
  subnetEnv: ['config/subnet-env-sample.env', 'config/subnet-env-dual-stack.env'],
  kubeProxyConfig: ['config/kube-proxy-config.conf'],
  kubeletConfig: ['config/kubelet-config-k2-1.32.yaml'],
  kubeadmClusterConfig: ['config/kubeadm-cluster-configuration.yaml'],
  cniConf: ['config/cni-conf-flannel-0.28.9.json'],
  log: ['config/kube-proxy-1.31.log', 'config/coredns-upstream-errors.log', 'config/flanneld.log'],
};
const INLINE_SEEDS: Partial<Record<keyof Parsers, string>> = {
  sysctl: 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n',
  modules: 'br_netfilter 32768 0 - Live 0x0000000000000000\nvxlan 131072 0 - Live 0x0000000000000000\n',
};

const NAMES = Object.keys(PARSERS) as (keyof Parsers)[];
const seedsOf = (name: keyof Parsers): string[] => [
  ...SEEDS[name].map(sample),
  ...(INLINE_SEEDS[name] ? [INLINE_SEEDS[name]!] : []),
];

function parsesSafely(name: keyof Parsers, text: string): void {
  const r = (PARSERS[name] as (t: string) => { value: unknown; problems: readonly { message: string }[] })(text);
  expect(Array.isArray(r.problems)).toBe(true);
  for (const p of r.problems) expect(typeof p.message).toBe('string');
}

const NASTY = [
  '\r\n',
  '\0',
  '\u001b[31m',
  '\u001b]0;owned\u0007',
  '\u009b2J',
  '\uFFFD',
  '\u202E',
  '"',
  "'",
  '\\',
  '{',
  '}',
  '[',
  ']',
  '#',
  ':',
  '=',
  '-A ',
  '*nat\n',
  'COMMIT\n',
  '\n\n',
  ' '.repeat(300),
];
const edit = fc.record({
  at: fc.nat(),
  del: fc.nat(40),
  ins: fc.oneof(
    fc.constantFrom(...NASTY),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
  ),
});

function applyEdits(text: string, edits: readonly { at: number; del: number; ins: string }[]): string {
  let t = text;
  for (const e of edits) {
    const at = e.at % (t.length + 1);
    t = t.slice(0, at) + e.ins + t.slice(at + e.del);
  }
  return t;
}

describe('parsers: mutated real samples and random text (property)', () => {
  for (const name of NAMES) {
    it(`${name} survives ${FUZZ_RUNS.parser} cases`, () => {
      const seeds = seedsOf(name);
      const input = fc.oneof(
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.constantFrom(...(seeds.length ? seeds : [''])), fc.array(edit, { minLength: 1, maxLength: 6 }))
            .map(([s, e]) => applyEdits(s, e)),
        },
        { weight: 1, arbitrary: fc.string({ maxLength: 500 }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(...(seeds.length ? seeds : [''])).map((s) => s.replace(/\n/g, '\r\n')),
        },
      );
      fc.assert(
        fc.property(input, (text) => parsesSafely(name, text)),
        { numRuns: FUZZ_RUNS.parser },
      );
      recordCases('parsers: mutated/random', FUZZ_RUNS.parser);
    });
  }
});

describe('parsers: extremes', () => {
  it('decode invalid UTF-8 with a warning and parse what is left', () => {
    const bad = Buffer.concat([
      Buffer.from('nameserver 10.96.0.10\n'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
      Buffer.from('search svc.cluster.local\n'),
    ]);
    const d = decodeText(bad, 'b', 'host/resolv.conf');
    expect(d.problems.map((p) => p.severity)).toEqual(['warning']);
    for (const name of NAMES) parsesSafely(name, d.text!);
  });

  it('deeply nested JSON and YAML (100,000 levels)', () => {
    const deepJson = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObj = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    for (const name of NAMES) {
      parsesSafely(name, deepJson);
      parsesSafely(name, deepObj);
    }
    recordCases('parsers: deep nesting', NAMES.length * 2);
  });

  // regression: before the yamlInputProblem guard this aborted the whole process (V8 out of memory)
  it('the YAML config parsers refuse hostile nesting with a problem instead of crashing', () => {
    const deep = `kind: KubeletConfiguration\nclusterDNS: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    for (const parse of [PARSERS.kubeletConfig, PARSERS.kubeProxyConfig, PARSERS.kubeadmClusterConfig]) {
      expect(
        parse(deep)
          .problems.map((p) => p.message)
          .join('\n'),
      ).toMatch(/nested more than 256 levels/);
    }
  });

  it('a 50 MB single line', () => {
    const line = 'x'.repeat(50 * 1024 * 1024);
    for (const name of NAMES) parsesSafely(name, line);
    recordCases('parsers: 50 MB line', NAMES.length);
  });

  it('an iptables-save with 1,000,000 chains', () => {
    const parts = ['*filter', ':INPUT ACCEPT [0:0]'];
    for (let i = 0; i < 1_000_000; i++)
      parts.push(`:KUBE-SEP-${i.toString(36).toUpperCase().padStart(16, '0')} - [0:0]`);
    parts.push('-A INPUT -j KUBE-SEP-0000000000000000', 'COMMIT', '');
    const r = PARSERS.iptablesSave(parts.join('\n'));
    expect(r.value.tables.get('filter')?.chains.size ?? 0).toBeGreaterThanOrEqual(1_000_000);
    recordCases('parsers: 1M chains', 1);
  });
});
