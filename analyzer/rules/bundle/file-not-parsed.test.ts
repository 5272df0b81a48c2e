import { describe, expect, it } from 'vitest';
import { runRules } from '../engine.js';
import { ruleTester } from '../testing.js';
import { fileNotParsed } from './file-not-parsed.js';
import { snapshotOf } from '../../model/testing.js';

ruleTester(fileNotParsed).run({
  valid: [
    {
      name: 'good JSON',
      snapshot: () =>
        snapshotOf({
          id: 'b1',
          node: 'w1',
          files: { 'cluster/pods.json': { apiVersion: 'v1', kind: 'List', items: [] } },
        }),
    },
  ],
  invalid: [
    {
      name: 'pods.json cut short',
      snapshot: () =>
        snapshotOf({
          id: 'b1',
          node: 'w1',
          files: { 'cluster/pods.json': '{\n  "apiVersion": "v1",\n  "items": [\n' },
        }),
      findings: [
        { status: 'warn', subject: 'bundle:b1', messageId: 'parse-error', data: { file: 'cluster/pods.json' } },
      ],
    },
  ],
});

describe('BND-902 basis', () => {
  it("a pass rests on every bundle's manifest (or, without one, its files)", () => {
    const s = snapshotOf(
      { id: 'b1', node: 'w1', files: { 'cluster/pods.json': { apiVersion: 'v1', kind: 'List', items: [] } } },
      { id: 'b2', node: 'w2', manifest: null, files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' } },
    );
    const f = runRules([fileNotParsed], s);
    expect(f.map((x) => [x.status, x.basis.map((b) => `${b.bundle}:${b.path}`)])).toEqual([
      ['pass', ['b1:manifest.json', 'b2:host/sysctl.txt']],
    ]);
  });
});
