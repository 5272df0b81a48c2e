import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findDirectives, parseCorefile } from './corefile.js';
import type { CorefileDirective } from './types.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/reference/config/${name}`, import.meta.url), 'utf8');
const names = (ds: readonly CorefileDirective[]): [string, number][] => ds.map((d) => [d.name, d.line]);

describe('parseCorefile: real kubeadm default (1.27-1.31)', () => {
  const { value, problems } = parseCorefile(fixture('corefile-kubeadm-1.31.txt'));
  const server = value.servers[0]!;

  it('has one server for .:53 on line 1 and no problems', () => {
    expect(problems).toEqual([]);
    expect(value.servers).toHaveLength(1);
    expect(server.keys).toEqual([{ zone: '.', port: 53 }]);
    expect(server.line).toBe(1);
  });

  it('lists the plugins in order with their lines', () => {
    expect(names(server.plugins)).toEqual([
      ['errors', 2],
      ['health', 3],
      ['ready', 6],
      ['kubernetes', 7],
      ['prometheus', 12],
      ['forward', 13],
      ['cache', 16],
      ['loop', 17],
      ['reload', 18],
      ['loadbalance', 19],
    ]);
  });

  it('keeps args and nested blocks', () => {
    const k8s = server.plugins.find((p) => p.name === 'kubernetes')!;
    expect(k8s.args).toEqual(['cluster.local', 'in-addr.arpa', 'ip6.arpa']);
    expect(k8s.block?.map((d) => [d.name, d.args, d.line])).toEqual([
      ['pods', ['insecure'], 8],
      ['fallthrough', ['in-addr.arpa', 'ip6.arpa'], 9],
      ['ttl', ['30'], 10],
    ]);
    const health = server.plugins.find((p) => p.name === 'health')!;
    expect(health.block).toEqual([{ name: 'lameduck', args: ['5s'], line: 4 }]);
    const forward = server.plugins.find((p) => p.name === 'forward')!;
    expect(forward.args).toEqual(['.', '/etc/resolv.conf']);
    expect(forward.block).toEqual([{ name: 'max_concurrent', args: ['1000'], line: 14 }]);
    expect(server.plugins.find((p) => p.name === 'cache')).toEqual({ name: 'cache', args: ['30'], line: 16 });
  });
});

describe('parseCorefile: the article configs', () => {
  it('reads the typo incident upstreams (233.5.5.5) from the forward line', () => {
    const { value, problems } = parseCorefile(fixture('corefile-article-typo.txt'));
    expect(problems).toEqual([]);
    const [forward] = findDirectives(value.servers[0]!.plugins, 'forward');
    expect(forward?.args).toEqual(['.', '233.5.5.5', '114.114.114.114']);
    expect(forward?.line).toBe(13);
  });

  it('reads forward upstreams and options, skipping full-line comments', () => {
    const { value, problems } = parseCorefile(fixture('corefile-article-best-practice.txt'));
    expect(problems).toEqual([]);
    const forward = value.servers[0]!.plugins.find((p) => p.name === 'forward')!;
    expect(forward.line).toBe(15);
    expect(forward.args).toEqual(['.', '223.5.5.5', '223.6.6.6', '114.114.114.114', '8.8.8.8']);
    expect(forward.block?.map((d) => [d.name, d.args, d.line])).toEqual([
      ['max_fails', ['3'], 17],
      ['expire', ['10s'], 19],
      ['health_check', ['5s'], 21],
      ['policy', ['round_robin'], 23],
      ['timeout', ['2s'], 25],
    ]);
    expect(value.servers[0]!.plugins.map((p) => p.name)).toEqual([
      'errors',
      'health',
      'ready',
      'kubernetes',
      'prometheus',
      'forward',
      'cache',
      'loop',
      'reload',
      'loadbalance',
    ]);
  });

  it('survives the kubeadm Go template without inventing problems', () => {
    const { value, problems } = parseCorefile(fixture('corefile-kubeadm-template.txt'));
    expect(problems).toEqual([]);
    expect(value.servers[0]!.plugins.map((p) => p.name).slice(0, 8)).toEqual([
      'errors',
      'health',
      'ready',
      'kubernetes',
      'prometheus',
      'forward',
      'cache',
      '{{-',
    ]);
  });
});

describe('parseCorefile: syntax', () => {
  const cases: { name: string; text: string; keys: unknown[][]; plugins: string[][] }[] = [
    {
      name: 'several keys, scheme, no port',
      text: 'dns://.:53 example.org {\n  whoami\n}\n',
      keys: [[{ zone: '.', port: 53, scheme: 'dns' }, { zone: 'example.org' }]],
      plugins: [['whoami']],
    },
    {
      name: 'comma keys continued on the next line',
      text: 'a.org:53,\n b.org:1053 {\n log\n}',
      keys: [
        [
          { zone: 'a.org', port: 53 },
          { zone: 'b.org', port: 1053 },
        ],
      ],
      plugins: [['log']],
    },
    {
      name: 'two servers',
      text: 'cluster.local:53 {\n errors\n}\n.:53 {\n forward . 8.8.8.8\n}',
      keys: [[{ zone: 'cluster.local', port: 53 }], [{ zone: '.', port: 53 }]],
      plugins: [['errors'], ['forward']],
    },
    { name: 'empty block', text: 'example.org { }', keys: [[{ zone: 'example.org' }]], plugins: [[]] },
    {
      name: 'braces optional for a single server',
      text: '.:53\nwhoami\nlog',
      keys: [[{ zone: '.', port: 53 }]],
      plugins: [['whoami', 'log']],
    },
    { name: 'empty zone is root', text: ':1053 {\n}', keys: [[{ zone: '.', port: 1053 }]], plugins: [[]] },
    {
      name: 'tls scheme',
      text: 'tls://.:853 {\n forward . tls://9.9.9.9\n}',
      keys: [[{ zone: '.', port: 853, scheme: 'tls' }]],
      plugins: [['forward']],
    },
  ];
  it.each(cases)('$name', ({ text, keys, plugins }) => {
    const { value, problems } = parseCorefile(text);
    expect(problems).toEqual([]);
    expect(value.servers.map((s) => s.keys)).toEqual(keys);
    expect(value.servers.map((s) => s.plugins.map((p) => p.name))).toEqual(plugins);
  });

  it('keeps quoted args unquoted, {$VAR} literal and trailing comments out', () => {
    const { value, problems } = parseCorefile(
      '.:{$PORT} {\n  hosts {\n    "1.2.3.4 my host" # comment\n  }\n  forward . {$UPSTREAM} # trailing\n}\n',
    );
    expect(problems).toEqual([]);
    const s = value.servers[0]!;
    expect(s.keys).toEqual([{ zone: '.:{$PORT}' }]);
    expect(s.plugins[0]!.block).toEqual([{ name: '1.2.3.4 my host', args: [], line: 3 }]);
    expect(s.plugins[1]).toEqual({ name: 'forward', args: ['.', '{$UPSTREAM}'], line: 5 });
  });

  it('keeps snippets and imports as directives, unexpanded', () => {
    const text =
      '(common) {\n  errors\n  log\n}\nimport /etc/coredns/custom/*.server\n.:53 {\n  import common\n  forward . 1.1.1.1\n}\n';
    const { value, problems } = parseCorefile(text);
    expect(problems).toEqual([]);
    expect(value.snippets.map((s) => [s.name, s.line, s.plugins.map((p) => p.name)])).toEqual([
      ['common', 1, ['errors', 'log']],
    ]);
    expect(value.imports).toEqual([{ name: 'import', args: ['/etc/coredns/custom/*.server'], line: 5 }]);
    expect(value.servers).toHaveLength(1);
    expect(names(value.servers[0]!.plugins)).toEqual([
      ['import', 7],
      ['forward', 8],
    ]);
  });

  it('takes a `{` on the next line as the directive block, as Caddy does', () => {
    const { value } = parseCorefile('.:53 {\n forward . 1.1.1.1\n {\n  max_fails 3\n }\n}');
    expect(value.servers[0]!.plugins[0]!.block).toEqual([{ name: 'max_fails', args: ['3'], line: 4 }]);
  });

  it('handles CRLF line endings', () => {
    const { value, problems } = parseCorefile(fixture('corefile-kubeadm-1.31.txt').replace(/\n/g, '\r\n'));
    expect(problems).toEqual([]);
    expect(names(value.servers[0]!.plugins).slice(0, 3)).toEqual([
      ['errors', 2],
      ['health', 3],
      ['ready', 6],
    ]);
  });
});

describe('parseCorefile: malformed input', () => {
  it('reports an unclosed server block at the line of its `{` and keeps its plugins', () => {
    const { value, problems } = parseCorefile('.:53 {\n  errors\n  forward . 8.8.8.8 {\n    max_fails 3\n  }\n');
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[1, 'error']]);
    expect(value.servers[0]!.plugins.map((p) => p.name)).toEqual(['errors', 'forward']);
  });

  it('reports an unclosed plugin block at its line', () => {
    const { problems } = parseCorefile('.:53 {\n  health {\n    lameduck 5s\n  ready\n}\n');
    expect(problems.map((p) => p.line)).toEqual([1]);
    const { problems: p2 } = parseCorefile('.:53 {\n  health {\n    lameduck 5s\n}\n}\nexample.org {\n  cache {\n');
    expect(p2.map((p) => p.line)).toEqual([7, 6]);
  });

  it('reports a stray `}` with its line and continues', () => {
    const { value, problems } = parseCorefile('.:53 {\n  errors\n}\n}\nexample.org {\n  log\n}');
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[4, 'error']]);
    expect(value.servers.map((s) => s.keys[0]!.zone)).toEqual(['.', 'example.org']);
  });

  it('reports an unterminated quote and a bad port', () => {
    expect(parseCorefile('.:53 {\n  hosts "abc\n}\n').problems.map((p) => p.line)).toContain(2);
    expect(parseCorefile('example.org:dns {\n}').problems.map((p) => [p.line, p.severity])).toEqual([[1, 'warning']]);
  });

  it('survives deep nesting, binary garbage and a 1 MB line', () => {
    expect(parseCorefile('a { '.repeat(100_000)).problems.length).toBeGreaterThan(0);
    expect(() => parseCorefile('\u0000\u0001\uffff{}}{"\\'.repeat(1000))).not.toThrow();
    const long = parseCorefile(`.:53 {\n  hosts ${'a'.repeat(1_000_000)}\n}\n`);
    expect(long.problems).toEqual([]);
    expect(long.value.servers[0]!.plugins[0]!.args[0]).toHaveLength(1_000_000);
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('{', '}', ' ', '\n', '"', '\\', '#', ',', ':', 'a', '.', '5', '(', ')') }),
        (s) => {
          const r = parseCorefile(s);
          for (const p of r.problems) expect(p.line === undefined || p.line >= 1).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseCorefile(s);
      }),
      { numRuns: 300 },
    );
  });
});
