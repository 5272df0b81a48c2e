import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCniConf, parseJsonText } from './cni.js';
import type { ParseProblem } from '../core/problem.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/reference/config/${name}`, import.meta.url), 'utf8');

describe('parseCniConf', () => {
  it('reads flannel 10-flannel.conflist (flannel + portmap)', () => {
    const { value, problems } = parseCniConf(fixture('cni-conf-flannel-0.28.9.json'));
    expect(problems).toEqual([]);
    expect([value.name, value.cniVersion]).toEqual(['cbr0', '0.3.1']);
    expect(value.plugins.map((p) => p.type)).toEqual(['flannel', 'portmap']);
    expect(value.plugins[0]!.delegate).toEqual({ hairpinMode: true, isDefaultGateway: true });
  });

  it('normalises a single-plugin .conf', () => {
    const { value, problems } = parseCniConf(
      '{"cniVersion": "0.3.1", "name": "mynet", "type": "bridge", "bridge": "cni0", "ipam": {"type": "host-local", "subnet": "10.244.1.0/24"}}',
    );
    expect(problems).toEqual([]);
    expect([value.name, value.cniVersion, value.plugins.map((p) => [p.type, p.bridge])]).toEqual([
      'mynet',
      '0.3.1',
      [['bridge', 'cni0']],
    ]);
  });

  it('reports a plugin without type at its line and keeps the others', () => {
    const text = '{\n  "name": "cbr0",\n  "plugins": [\n    {"type": "flannel"},\n    {"capabilities": {}}\n  ]\n}\n';
    const { value, problems } = parseCniConf(text);
    expect(value.plugins.map((p) => p.type)).toEqual(['flannel']);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[5, 'error']]);
  });

  it.each([
    ['empty plugins', '{"name": "x", "plugins": []}', 1, 'error'],
    ['plugins not a list', '{"name": "x",\n"plugins": {}}', 2, 'error'],
    ['no name', '{"type": "bridge"}', 1, 'warning'],
    ['an array', '[1]', 1, 'error'],
    ['empty file', '', 1, 'error'],
    ['trailing comma', '{\n  "name": "cbr0",\n  "plugins": [\n    {"type": "flannel"},\n  ]\n}', 5, 'error'],
    ['unexpected token', '{\n  "name": "cbr0",\n  "type": bridge\n}', 3, 'error'],
    ['truncated', '{\n  "name": "cbr0",\n  "plugins": [\n', 4, 'error'],
    ['binary garbage', '\u0000\u0001\u0002', 1, 'error'],
  ])('%s -> problem on line %i', (_name, text, line, severity) => {
    const { problems } = parseCniConf(text);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([[line, severity]]);
  });

  it('handles CRLF and a byte-order mark', () => {
    const { value, problems } = parseCniConf('\ufeff' + fixture('cni-conf-flannel-0.28.9.json').replace(/\n/g, '\r\n'));
    expect(problems).toEqual([]);
    expect(value.plugins).toHaveLength(2);
  });
});

describe('parseJsonText: error lines', () => {
  it('finds the line of a syntax error in a 1 MB file', () => {
    const text = `{\n"a": "${'x'.repeat(1_000_000)}",\n"b": ]\n}`;
    const problems: ParseProblem[] = [];
    expect(parseJsonText(text, 'x.json', problems).ok).toBe(false);
    expect(problems.map((p) => p.line)).toEqual([3]);
  });

  it('random strings never throw and lines stay inside the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '\n', '1', 'a', '\\', 't') }),
        (s) => {
          const { problems } = parseCniConf(s);
          for (const p of problems) expect(p.line ?? 1).toBeLessThanOrEqual(s.split('\n').length + 1);
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseCniConf(s);
      }),
      { numRuns: 300 },
    );
  });
});
