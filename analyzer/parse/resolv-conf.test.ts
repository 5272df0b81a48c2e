import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseResolvConf, resolvOption } from './resolv-conf.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/reference/config/${name}`, import.meta.url), 'utf8');

describe('parseResolvConf: reference pod files', () => {
  it('kind pod (ClusterFirst)', () => {
    const { value, problems } = parseResolvConf(fixture('resolv-conf-pod-kind.txt'));
    expect(problems).toEqual([]);
    expect(value.nameservers).toEqual([{ address: '10.96.0.10', line: 2 }]);
    expect(value.search).toEqual(['l04.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
    expect(value.searchLine).toBe(1);
    expect(value.options).toEqual(['ndots:5']);
    expect(resolvOption(value, 'ndots')).toBe('5');
  });

  it('GCE documentation sample', () => {
    const { value } = parseResolvConf(fixture('resolv-conf-pod-gce-doc.txt'));
    expect(value.search).toHaveLength(5);
    expect(value.nameservers.map((n) => n.address)).toEqual(['10.0.0.10']);
  });
});

describe('parseResolvConf: glibc rules', () => {
  it('reads a systemd-resolved node file with comments, several nameservers and options', () => {
    const text = [
      '# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).',
      '; old style comment',
      'nameserver 127.0.0.53',
      'nameserver 192.168.1.1   # trailing words are ignored',
      'nameserver fe80::1%eth0',
      'options edns0 trust-ad',
      'options timeout:2',
      'search lan',
    ].join('\n');
    const { value, problems } = parseResolvConf(text);
    expect(problems).toEqual([]);
    expect(value.nameservers).toEqual([
      { address: '127.0.0.53', line: 3 },
      { address: '192.168.1.1', line: 4 },
      { address: 'fe80::1%eth0', line: 5 },
    ]);
    expect(value.options).toEqual(['edns0', 'trust-ad', 'timeout:2']);
    expect(resolvOption(value, 'edns0')).toBe(true);
    expect(resolvOption(value, 'ndots')).toBeUndefined();
    expect([value.search, value.searchLine, value.searchFrom]).toEqual([['lan'], 8, 'search']);
  });

  it('lets the last of search/domain win', () => {
    expect(parseResolvConf('search a b\ndomain example.com\n').value).toMatchObject({
      search: ['example.com'],
      searchLine: 2,
      searchFrom: 'domain',
    });
    expect(parseResolvConf('domain example.com\nsearch a b\n').value).toMatchObject({
      search: ['a', 'b'],
      searchLine: 2,
      searchFrom: 'search',
    });
  });

  it('handles CRLF', () => {
    const { value, problems } = parseResolvConf('nameserver 10.96.0.10\r\nsearch svc.cluster.local\r\n');
    expect(problems).toEqual([]);
    expect(value.nameservers).toEqual([{ address: '10.96.0.10', line: 1 }]);
    expect(value.search).toEqual(['svc.cluster.local']);
  });

  it.each([
    ['nameserve 10.0.0.1', 1],
    ['\nnameserver 233.5.5.5x', 2],
    ['nameserver', 1],
    ['\u0000\u0001 garbage', 1],
  ])('warns about %j on line %i', (text, line) => {
    const { problems } = parseResolvConf(text);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[line, 'warning']]);
  });

  it('survives a 1 MB line and never throws', () => {
    const r = parseResolvConf(`search ${'a.'.repeat(500_000)}\nnameserver 1.1.1.1`);
    expect(r.value.nameservers).toEqual([{ address: '1.1.1.1', line: 2 }]);
    fc.assert(
      fc.property(fc.string(), (s) => {
        for (const p of parseResolvConf(s).problems) expect(p.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
