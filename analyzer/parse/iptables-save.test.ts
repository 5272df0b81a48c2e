import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseProblem } from '../core/problem.js';
import {
  findChain,
  findOption,
  optionValue,
  parseIptablesSave,
  parseIptablesVersion,
  ruleJumpsTo,
  targetOptionValue,
} from './iptables-save.js';
import type { IptablesRule, IptablesSave } from './types.js';

const REF = new URL('../../fixtures/reference/net/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, REF), 'utf8');
const errors = (ps: readonly ParseProblem[]) => ps.filter((p) => p.severity !== 'warning');

function rule(save: IptablesSave, table: string, chain: string, index: number): IptablesRule {
  const r = findChain(save, table, chain)?.rules[index - 1];
  if (!r) throw new Error(`no rule ${table}/${chain}#${index}`);
  return r;
}

// ---------------------------------------------------------------- reference samples

interface Sample {
  file: string;
  firstLine: number;
  text: string;
  defaultTable?: string;
}

/**
 * The iptables sample blocks of a reference file: text between `##` annotation lines, split at
 * shell prompts and (for `iptables -S` blocks) blank lines; `-L` listings are left out.
 */
function samples(file: string): Sample[] {
  const lines = read(file).split('\n');
  const out: Sample[] = [];
  let chunk: string[] = [];
  let first = 0;
  let hint = '';
  const flush = () => {
    const body = chunk;
    chunk = [];
    const isRules = body.some((l) => /^(\*|:|-A |-P |-N |\[\d)/.test(l));
    const isListing = body.some((l) => l.startsWith('Chain '));
    if (!isRules || isListing) return;
    const sShape = !body.some((l) => l.startsWith('*'));
    const nat = /-t ?nat|nat table/.test(hint) || (sShape && body.some((l) => /^-P (PREROUTING|POSTROUTING) /.test(l)));
    out.push({
      file,
      firstLine: first,
      text: body.join('\n'),
      ...(sShape ? { defaultTable: nat ? 'nat' : 'filter' } : {}),
    });
  };
  lines.forEach((l, i) => {
    const prompt = /^\[[^\]]*\][#$] (.*)$/.exec(l);
    if (l.startsWith('##') || prompt || (l.trim() === '' && !chunk.some((c) => c.startsWith('*')))) {
      flush();
      hint = l.startsWith('##') || prompt ? (prompt?.[1] ?? l) : hint;
      first = i + 2;
      return;
    }
    if (chunk.length === 0) first = i + 1;
    chunk.push(l);
  });
  flush();
  return out;
}

const REFERENCE = [
  ...samples('01-iptables-kube-proxy.txt'),
  ...samples('02-iptables-flannel-docker.txt'),
  ...samples('03-ipvs-kube-proxy.txt'),
];

describe('parseIptablesSave: every reference sample', () => {
  it('finds the sample blocks (not vacuous)', () => {
    const perFile = (f: string) => REFERENCE.filter((s) => s.file === f).length;
    expect(perFile('01-iptables-kube-proxy.txt')).toBeGreaterThanOrEqual(6); // A, B, D: nat -S, filter -S, save; G
    expect(perFile('02-iptables-flannel-docker.txt')).toBeGreaterThanOrEqual(9);
    expect(perFile('03-ipvs-kube-proxy.txt')).toBe(1);
  });

  it.each(REFERENCE.map((s) => [`${s.file}:${s.firstLine}`, s] as const))(
    '%s parses without errors, one rule per -A line',
    (_, s) => {
      const { value, problems } = parseIptablesSave(s.text, s.defaultTable ? { defaultTable: s.defaultTable } : {});
      expect(errors(problems)).toEqual([]);
      const ruleLines = s.text.split('\n').filter((l) => /^(\[\d+:\d+\] )?-A /.test(l)).length;
      expect(value.ruleCount).toBe(ruleLines);
    },
  );
});

describe('parseIptablesSave: captured iptables-save (nf_tables)', () => {
  const { value: save, problems } = parseIptablesSave(read('iptables-save-nft.txt'));

  it('parses cleanly with header, tables and rule count', () => {
    expect(problems).toEqual([]);
    expect(save).toMatchObject({ version: '1.8.9', backend: 'nf_tables', headerLine: 1 });
    expect(save.legacyTablesPresentLine).toBeUndefined();
    expect([...save.tables.keys()]).toEqual(['filter', 'nat']);
    expect(save.tables.get('filter')?.line).toBe(2);
    expect(save.ruleCount).toBe(9 + 23);
  });

  it('FORWARD policy DROP is a builtin with counters; user chains have no policy', () => {
    expect(findChain(save, 'filter', 'FORWARD')).toMatchObject({
      policy: 'DROP',
      builtin: true,
      line: 4,
      counters: { packets: 0, bytes: 0 },
    });
    const fwd = findChain(save, 'filter', 'FLANNEL-FWD');
    expect(fwd).toMatchObject({ builtin: false, line: 6 });
    expect(fwd?.policy).toBeUndefined();
    expect(fwd?.rules.map((r) => r.destination?.value ?? r.source?.value)).toEqual(['10.244.0.0/16', '10.244.0.0/16']);
  });

  it('the "has no endpoints" REJECT: comment, address, implicit tcp --dport, target option', () => {
    const r = rule(save, 'filter', 'KUBE-SERVICES', 1);
    expect(r).toMatchObject({
      line: 17,
      index: 1,
      comment: 'default/web:http has no endpoints',
      target: 'REJECT',
      goto: false,
    });
    expect(r.destination).toEqual({ value: '10.96.0.99/32', negated: false });
    expect(r.protocol).toEqual({ value: 'tcp', negated: false });
    expect(optionValue(r, 'tcp', '--dport')).toBe('80');
    expect(targetOptionValue(r, '--reject-with')).toBe('icmp-port-unreachable');
    expect(r.matches.map((m) => m.module)).toEqual(['comment', 'tcp']);
  });

  it('the KUBE-SVC statistic rule and the KUBE-SEP DNAT', () => {
    const svc = rule(save, 'nat', 'KUBE-SVC-TCOU7JCQXEZGVUNU', 2);
    expect(svc).toMatchObject({
      line: 55,
      index: 2,
      target: 'KUBE-SEP-IT2ZTR26TO4XFPTO',
      comment: 'kube-system/kube-dns:dns -> 10.244.0.2:53',
    });
    expect(optionValue(svc, 'statistic', '--probability')).toBe('0.50000000000');
    expect(optionValue(svc, 'statistic', '--mode')).toBe('random');
    expect(ruleJumpsTo(svc)).toBe('KUBE-SEP-IT2ZTR26TO4XFPTO');
    const last = rule(save, 'nat', 'KUBE-SVC-TCOU7JCQXEZGVUNU', 3);
    expect(findOption(last, 'statistic', '--probability')).toBeUndefined();

    const sep = rule(save, 'nat', 'KUBE-SEP-IT2ZTR26TO4XFPTO', 2);
    expect(sep).toMatchObject({ line: 49, index: 2, target: 'DNAT' });
    expect(targetOptionValue(sep, '--to-destination')).toBe('10.244.0.2:53');
    expect(ruleJumpsTo(sep)).toBeUndefined();
    expect(sep.matches).toEqual([
      { module: 'comment', options: [{ name: '--comment', values: ['kube-system/kube-dns:dns'], negated: false }] },
      { module: 'udp', options: [] },
    ]);
  });

  it('FLANNEL-POSTRTG: negations, MASQUERADE --random-fully, mark match', () => {
    const chain = findChain(save, 'nat', 'FLANNEL-POSTRTG');
    expect(chain?.rules.map((r) => r.target)).toEqual([
      'RETURN',
      'RETURN',
      'RETURN',
      'RETURN',
      'MASQUERADE',
      'MASQUERADE',
    ]);
    const multicast = rule(save, 'nat', 'FLANNEL-POSTRTG', 5);
    expect(multicast).toMatchObject({ line: 42, index: 5 });
    expect(multicast.source).toEqual({ value: '10.244.0.0/16', negated: false });
    expect(multicast.destination).toEqual({ value: '224.0.0.0/4', negated: true });
    expect(multicast.targetOptions).toEqual([{ name: '--random-fully', values: [], negated: false }]);
    expect(rule(save, 'nat', 'FLANNEL-POSTRTG', 4).source).toEqual({ value: '10.244.0.0/16', negated: true });
    expect(optionValue(rule(save, 'nat', 'FLANNEL-POSTRTG', 1), 'mark', '--mark')).toBe('0x4000/0x4000');
  });

  it('KUBE-POSTROUTING negated mark and MARK --set-xmark', () => {
    expect(findOption(rule(save, 'nat', 'KUBE-POSTROUTING', 1), 'mark', '--mark')).toEqual({
      name: '--mark',
      values: ['0x4000/0x4000'],
      negated: true,
    });
    expect(targetOptionValue(rule(save, 'nat', 'KUBE-POSTROUTING', 2), '--set-xmark')).toBe('0x4000/0x0');
    expect(targetOptionValue(rule(save, 'nat', 'KUBE-MARK-MASQ', 1), '--set-xmark')).toBe('0x4000/0x4000');
  });
});

describe('parseIptablesSave: headers and backends', () => {
  it('a plain 1.8.x header (Debian iptables-legacy-save 1.8.9) states no backend: nf_tables 1.8.7 prints the same', () => {
    const { value, problems } = parseIptablesSave(read('iptables-save-legacy.txt'));
    expect(problems).toEqual([]);
    expect(value).toMatchObject({ version: '1.8.9', headerLine: 1, ruleCount: 32 });
    expect(value.backend).toBeUndefined();
  });

  it('iptables-nft-save with legacy tables present: warning line and header line', () => {
    const { value, problems } = parseIptablesSave(read('iptables-save-nft-with-legacy-present.txt'));
    expect(problems).toEqual([]);
    expect(value).toMatchObject({
      version: '1.8.9',
      backend: 'nf_tables',
      headerLine: 2,
      legacyTablesPresentLine: 1,
      ruleCount: 32,
    });
  });

  it.each([
    ['# Generated by iptables-save v1.8.10 (nf_tables) on Sat Jan 24 14:00:18 2026', '1.8.10', 'nf_tables'],
    ['# Generated by iptables-nft-save v1.8.4 on Wed May  8 15:23:58 2024', '1.8.4', 'nf_tables'],
    ['# Generated by iptables-save v1.4.21 on Fri Aug  7 14:47:37 2015', '1.4.21', 'legacy'],
    ['# Generated by iptables-legacy-save v1.8.7 (legacy) on Mon Jan  1 00:00:00 2024', '1.8.7', 'legacy'],
    ['# Generated by iptables-save v1.6.1 on Tue Dec 12 03:20:27 2017', '1.6.1', 'legacy'],
    ['# Generated by iptables-compat-save v1.6.0 on Wed May 17 16:54:30 2017', '1.6.0', 'nf_tables'],
    ['# Generated by iptables-save v1.8.7 on Mon Jan  1 00:00:00 2024', '1.8.7', undefined],
    ['# Generated by iptables-save v1.8.4 on Wed May  8 15:23:58 2024', '1.8.4', undefined],
  ])('%s', (header, version, backend) => {
    const { value } = parseIptablesSave(`${header}\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n`);
    expect(value).toMatchObject({ version, headerLine: 1 });
    expect(value.backend).toBe(backend);
  });

  it('the legacy warning as iptables-nft -L/-S prints it, without "# " (kubernetes/kubernetes#107965), is kept', () => {
    const { value, problems } = parseIptablesSave(
      '-P PREROUTING ACCEPT\nWarning: iptables-legacy tables present, use iptables-legacy to see them\n',
      { defaultTable: 'nat' },
    );
    expect(problems).toEqual([]);
    expect(value.legacyTablesPresentLine).toBe(2);
  });

  it("iptables-nft-save's incompatible-table comments (iptables 1.8.7, a table nft wrote to) are kept with their lines", () => {
    const text = "# Table `nat' is incompatible, use 'nft' tool.\n# Table `filter' is incompatible, use 'nft' tool.\n";
    const { value, problems } = parseIptablesSave(text);
    expect(problems).toEqual([]);
    expect(value.incompatibleTables).toEqual([
      { table: 'nat', line: 1 },
      { table: 'filter', line: 2 },
    ]);
    expect(value.tables.size).toBe(0);
  });

  it('a rule printed with [unsupported revision] is kept, without a warning, and its line marked lossy', () => {
    const text = [
      '# Generated by iptables-save v1.8.4 on Wed May  8 15:23:58 2024',
      '*nat',
      ':KUBE-SEP-M4LMZLRGTFEOZERX - [0:0]',
      '-A KUBE-SEP-M4LMZLRGTFEOZERX -s 10.244.1.4/32 -m comment --comment "default/test1:80" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-M4LMZLRGTFEOZERX -p tcp -m comment --comment "default/test1:80" -m tcp -j DNAT [unsupported revision]',
      '-A KUBE-SEP-M4LMZLRGTFEOZERX -m owner [unsupported revision] -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n');
    const { value, problems } = parseIptablesSave(text);
    expect(problems).toEqual([]);
    expect(value.lossyLines).toEqual([5, 6]);
    const dnat = rule(value, 'nat', 'KUBE-SEP-M4LMZLRGTFEOZERX', 2);
    expect(dnat.target).toBe('DNAT');
    expect(dnat.targetOptions).toEqual([]);
    expect(rule(value, 'nat', 'KUBE-SEP-M4LMZLRGTFEOZERX', 3).matches.map((m) => m.module)).toEqual(['owner']);
  });

  it('restore input without header (kp.rules) has no version', () => {
    const { value, problems } = parseIptablesSave(read('kp.rules'));
    expect(problems).toEqual([]);
    expect(value.version).toBeUndefined();
    expect(value.backend).toBeUndefined();
    expect([...value.tables.keys()]).toEqual(['nat', 'filter']);
  });
});

describe('parseIptablesVersion', () => {
  it.each([
    ['iptables v1.8.9 (nf_tables)\n', { version: '1.8.9', backend: 'nf_tables' }],
    ['iptables v1.8.7 (legacy)', { version: '1.8.7', backend: 'legacy' }],
    ['iptables v1.4.21', { version: '1.4.21', backend: 'legacy' }],
    ['iptables v1.8.4', { version: '1.8.4' }],
  ])('%j', (text, expected) => {
    expect(parseIptablesVersion(text)).toEqual({ value: expected, problems: [] });
  });
  it('garbage is a warning with its line, not a throw', () => {
    expect(parseIptablesVersion('\nsh: iptables: not found\n')).toEqual({
      value: {},
      problems: [{ line: 2, message: expect.any(String), severity: 'warning' }],
    });
  });
});

describe('parseIptablesSave: kube-proxy restore input and old dumps (01)', () => {
  const lines = read('01-iptables-kube-proxy.txt').split('\n');
  const section = (from: number, to: number) => lines.slice(from - 1, to).join('\n');

  it('[A] restore order: -m tcp -p tcp -d x --dport ! -s, 10-decimal probability, unquoted comments, target-less rule', () => {
    const { value: save, problems } = parseIptablesSave(section(30, 124));
    expect(problems).toEqual([]);
    const masq = rule(save, 'nat', 'KUBE-SVC-4SW47YFZTEDKD3PK', 1);
    expect(masq).toMatchObject({
      destination: { value: '172.30.0.44', negated: false },
      source: { value: '10.0.0.0/8', negated: true },
      target: 'KUBE-MARK-MASQ',
    });
    expect(optionValue(masq, 'tcp', '--dport')).toBe('80');
    expect(optionValue(rule(save, 'nat', 'KUBE-SVC-4SW47YFZTEDKD3PK', 2), 'statistic', '--probability')).toBe(
      '0.5000000000',
    );
    expect(rule(save, 'nat', 'KUBE-SEP-C6EBXVWJJZMIWKLZ', 1).comment).toBe('ns4/svc4:p80');
    const noop = rule(save, 'nat', 'KUBE-FW-NUKIZ6OKUXPJNT4C', 2);
    expect(noop.target).toBeUndefined();
    expect(noop.comment).toBe('other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL');
    const reject = rule(save, 'filter', 'KUBE-SERVICES', 1);
    expect(reject).toMatchObject({ comment: 'ns6/svc6:p80 has no endpoints', target: 'REJECT', targetOptions: [] });
    expect(findOption(rule(save, 'filter', 'KUBE-FIREWALL', 1), 'conntrack', '--ctstate')).toEqual({
      name: '--ctstate',
      values: ['RELATED,ESTABLISHED,DNAT'],
      negated: true,
    });
    expect(optionValue(rule(save, 'filter', 'KUBE-FORWARD', 1), 'nfacct', '--nfacct-name')).toBe(
      'ct_state_invalid_dropped_pkts',
    );
    // kube-proxy restores with --noflush and declares no built-in chains
    expect(findChain(save, 'nat', 'PREROUTING')).toBeUndefined();
  });

  it('[B] unquoted multi-word comments of the test data are joined, built-ins declared with "-"', () => {
    const { value: save, problems } = parseIptablesSave(section(141, 247));
    expect(problems).toEqual([]);
    expect(rule(save, 'filter', 'INPUT', 1).comment).toBe('kubernetes health check service ports');
    expect(findChain(save, 'filter', 'INPUT')).toMatchObject({ builtin: true, line: 2 });
    expect(findChain(save, 'filter', 'INPUT')?.policy).toBeUndefined();
  });

  it('[G] iptables-save v1.4.21: legacy, counters, ! -o, state and recent matches', () => {
    const { value: save, problems } = parseIptablesSave(section(762, 811));
    expect(problems).toEqual([]);
    expect(save).toMatchObject({ version: '1.4.21', backend: 'legacy', headerLine: 1, ruleCount: 24 });
    expect(findChain(save, 'filter', 'INPUT')?.counters).toEqual({ packets: 17514, bytes: 83115836 });
    expect(findChain(save, 'nat', 'PREROUTING')?.counters).toEqual({ packets: 2, bytes: 138 });
    expect(rule(save, 'nat', 'POSTROUTING', 1)).toMatchObject({
      source: { value: '10.246.1.0/24', negated: false },
      outInterface: { value: 'cbr0', negated: true },
      target: 'MASQUERADE',
    });
    expect(rule(save, 'nat', 'KUBE-PORTALS-CONTAINER', 1).comment).toBe('portal for default/kubernetes:');
  });
});

describe('parseIptablesSave: 2019 node with FORWARD policy DROP (02 [Q], real iptables-legacy-save -c)', () => {
  const { value: save, problems } = parseIptablesSave(read('q-2019-node-filter.save.txt'));
  it('policy, chain counters and per-rule [p:b] counters', () => {
    expect(problems).toEqual([]);
    expect(save.backend).toBeUndefined(); // plain `iptables-save v1.8.9` header: the dump alone does not say
    expect(findChain(save, 'filter', 'FORWARD')).toMatchObject({
      policy: 'DROP',
      builtin: true,
      counters: { packets: 0, bytes: 0 },
    });
    expect(findChain(save, 'filter', 'INPUT')).toMatchObject({
      policy: 'ACCEPT',
      counters: { packets: 2446, bytes: 547840 },
    });
    expect(rule(save, 'filter', 'INPUT', 1).counters).toEqual({ packets: 10, bytes: 600 });
    expect(findChain(save, 'filter', 'FORWARD')?.rules.map((r) => r.target)).toEqual([
      'KUBE-FORWARD',
      'DOCKER-USER',
      'DOCKER-ISOLATION-STAGE-1',
      'ACCEPT',
      'DOCKER',
      'ACCEPT',
      'ACCEPT',
      'ACCEPT',
      'ACCEPT',
    ]);
    expect(rule(save, 'filter', 'FORWARD', 8).source).toEqual({ value: '10.244.0.0/16', negated: false });
  });
});

describe('parseIptablesSave: bad input never throws', () => {
  it('garbage lines are errors with their line numbers; the rest still parses', () => {
    const text = [
      '# Generated by iptables-save v1.8.9 (nf_tables) on x', // 1
      '*filter', // 2
      ':FORWARD DROP [0:0]', // 3
      'this is not iptables', // 4
      '-A FORWARD -s 10.244.0.0/16 -j ACCEPT', // 5
      '-A FORWARD -m comment --comment "unterminated -j ACCEPT', // 6
      '[1:x] -A FORWARD -j DROP', // 7
      '-A', // 8
      '-A FORWARD -j', // 9
      '-A FORWARD -d 10.244.0.0/16 -j ACCEPT', // 10
      'COMMIT', // 11
    ].join('\n');
    const { value, problems } = parseIptablesSave(text);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [4, 'error'],
      [6, 'error'],
      [7, 'error'],
      [8, 'error'],
      [9, 'error'],
    ]);
    expect(findChain(value, 'filter', 'FORWARD')?.rules.map((r) => [r.index, r.line])).toEqual([
      [1, 5],
      [2, 10],
    ]);
    expect(value.ruleCount).toBe(2);
  });

  it('structure slips are warnings: missing COMMIT, undeclared chain, duplicate declaration, COMMIT outside a table', () => {
    const text = ['COMMIT', '*nat', ':A - [0:0]', ':A - [0:0]', '-A B -j RETURN', '*filter', '-A INPUT -j ACCEPT'].join(
      '\n',
    );
    const { value, problems } = parseIptablesSave(text);
    expect(problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(problems.map((p) => p.line)).toEqual([1, 4, 5, 6, 7]);
    expect(findChain(value, 'nat', 'B')).toMatchObject({ builtin: false, line: 5 });
    expect(findChain(value, 'filter', 'INPUT')).toMatchObject({ builtin: true, line: 7 });
  });

  it('iptables -S lines without a table go to the default table', () => {
    const text = '-P FORWARD DROP\n-N DOCKER\n-A FORWARD -o docker0 -j DOCKER\n';
    const plain = parseIptablesSave(text);
    expect(plain.problems).toHaveLength(1); // "assumed table filter"
    const nat = parseIptablesSave(text, { defaultTable: 'nat' });
    expect(nat.problems).toEqual([]);
    expect(findChain(nat.value, 'nat', 'FORWARD')).toMatchObject({ policy: 'DROP', builtin: true, line: 1 });
    expect(findChain(nat.value, 'nat', 'DOCKER')).toMatchObject({ builtin: false, line: 2 });
  });

  it('empty input, CRLF and leading blanks', () => {
    expect(parseIptablesSave('')).toEqual({ value: { tables: new Map(), ruleCount: 0 }, problems: [] });
    const { value, problems } = parseIptablesSave(
      '\r\n*filter\r\n:INPUT ACCEPT [0:0]\r\n  -A INPUT -j ACCEPT\r\nCOMMIT\r\n',
    );
    expect(problems).toEqual([]);
    expect(rule(value, 'filter', 'INPUT', 1)).toMatchObject({ line: 4, target: 'ACCEPT' });
  });

  it('a very long line with many quotes stays linear (no backtracking)', () => {
    const comment = 'x\\"'.repeat(200_000);
    const { value, problems } = parseIptablesSave(
      `*filter\n-A INPUT -m comment --comment "${comment}" -j ACCEPT\nCOMMIT\n`,
    );
    expect(problems).toEqual([]);
    expect(rule(value, 'filter', 'INPUT', 1).comment).toHaveLength(400_000);
  });
});

describe('parseIptablesSave: each rule in its own chain and table', () => {
  // names that are prefixes of each other, one chain name in two tables, a chain that comes back
  it('interleaved chains, prefix names and one name in two tables', () => {
    const text = [
      '*filter',
      ':KUBE-SVC - [0:0]',
      ':KUBE-SVC-A - [0:0]',
      '-A KUBE-SVC -j ACCEPT',
      '-A KUBE-SVC-A -j DROP',
      '-A KUBE-SVC-A -j RETURN',
      '-A KUBE-SVC -j REJECT',
      'COMMIT',
      '*nat',
      ':KUBE-SVC - [0:0]',
      '-A KUBE-SVC -j DNAT --to-destination 10.0.0.1',
      '[1:2] -A KUBE-SVC -j MASQUERADE',
      'COMMIT',
      '',
    ].join('\n');
    const { value, problems } = parseIptablesSave(text);
    expect(problems).toEqual([]);
    const rules = (table: string, chain: string) =>
      value.tables
        .get(table)
        ?.chains.get(chain)
        ?.rules.map((r) => `${r.table} ${r.chain} ${r.index} ${r.line} ${r.target}`);
    expect(rules('filter', 'KUBE-SVC')).toEqual(['filter KUBE-SVC 1 4 ACCEPT', 'filter KUBE-SVC 2 7 REJECT']);
    expect(rules('filter', 'KUBE-SVC-A')).toEqual(['filter KUBE-SVC-A 1 5 DROP', 'filter KUBE-SVC-A 2 6 RETURN']);
    expect(rules('nat', 'KUBE-SVC')).toEqual(['nat KUBE-SVC 1 11 DNAT', 'nat KUBE-SVC 2 12 MASQUERADE']);
  });
});
