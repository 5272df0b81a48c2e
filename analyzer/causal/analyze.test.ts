import { describe, expect, it } from 'vitest';
import { subjectKey } from '../rules/types.js';
import { analyze } from './analyze.js';
import { hostOnlySnapshot, stubRule } from '../rules/testing.js';

const snap = hostOnlySnapshot;
const sysctl = { bundle: 'b1', path: 'host/sysctl.txt' };
const rule = stubRule;

describe('analyze links chains', () => {
  const cm = { kind: 'configmap', namespace: 'kube-system', name: 'coredns' } as const;
  const dep = { kind: 'deployment', namespace: 'kube-system', name: 'coredns' } as const;
  const svc = { kind: 'service', namespace: 'kube-system', name: 'kube-dns' } as const;
  const r402 = rule('DNS-402', 'dns', () => [{ status: 'fail', subject: cm, messageId: 'ok', basis: [sysctl] }], {
    explains: [{ rule: 'DNS-401', match: 'cluster' }],
  });
  const r401 = rule('DNS-401', 'dns', () => [{ status: 'fail', subject: dep, messageId: 'ok', basis: [sysctl] }], {
    explains: [{ rule: 'DNS-406', match: 'cluster' }],
  });
  const r406 = rule('DNS-406', 'dns', () => [{ status: 'fail', subject: svc, messageId: 'ok', basis: [sysctl] }]);

  it('the article chain comes out whole with one root', () => {
    const a = analyze(snap, { rules: [r406, r401, r402] });
    expect(a.roots.map((r) => r.finding.ruleId)).toEqual(['DNS-402']);
    const c = a.roots[0];
    expect(c?.explains[0]?.finding.ruleId).toBe('DNS-401');
    expect(c?.explains[0]?.explains[0]?.finding.ruleId).toBe('DNS-406');
  });

  it('never links a higher layer to a lower one, and ignores pass findings', () => {
    const sys = rule('SYS-101', 'system', () => [
      { status: 'fail', subject: { kind: 'node', name: 'a' }, messageId: 'ok', basis: [sysctl] },
    ]);
    const up = rule(
      'DNS-401',
      'dns',
      () => [{ status: 'fail', subject: { kind: 'node', name: 'a' }, messageId: 'ok', basis: [sysctl] }],
      {
        explains: [{ rule: 'SYS-101', match: 'same-node' }],
      },
    );
    const a = analyze(snap, { rules: [sys, up] });
    expect(a.roots.map((r) => r.finding.ruleId)).toEqual(['SYS-101', 'DNS-401']);
    const passing = rule(
      'SYS-102',
      'system',
      () => [{ status: 'pass', subject: { kind: 'node', name: 'a' }, messageId: 'ok', basis: [sysctl] }],
      {
        explains: [{ rule: 'DNS-401', match: 'same-node' }],
      },
    );
    expect(analyze(snap, { rules: [passing, up] }).roots.map((r) => r.finding.ruleId)).toEqual(['DNS-401']);
  });

  it('links same-node across subjects and same-subject only on equal keys; no cycles', () => {
    const sys = rule(
      'SYS-105',
      'system',
      () => [{ status: 'fail', subject: { kind: 'node', name: 'a' }, messageId: 'ok', basis: [sysctl] }],
      {
        explains: [{ rule: 'SVC-303', match: 'same-node' }],
      },
    );
    const svc303 = rule('SVC-303', 'service', () => [
      {
        status: 'fail',
        subject: { kind: 'service', namespace: 'd', name: 'web', node: 'a' },
        messageId: 'ok',
        basis: [sysctl],
      },
      {
        status: 'fail',
        subject: { kind: 'service', namespace: 'd', name: 'web', node: 'b' },
        messageId: 'ok',
        basis: [sysctl],
      },
    ]);
    const a = analyze(snap, { rules: [sys, svc303] });
    expect(a.roots.map((r) => `${r.finding.ruleId} ${subjectKey(r.finding.subject)}`)).toEqual([
      'SYS-105 node:a',
      'SVC-303 service:d/web@b',
    ]);
    const x = rule('SVC-304', 'service', () => [{ status: 'fail', subject: svc, messageId: 'ok', basis: [sysctl] }], {
      explains: [{ rule: 'SVC-305', match: 'same-subject' }],
    });
    const y = rule('SVC-305', 'service', () => [{ status: 'fail', subject: svc, messageId: 'ok', basis: [sysctl] }], {
      explains: [{ rule: 'SVC-304', match: 'same-subject' }],
    });
    const b = analyze(snap, { rules: [x, y] });
    expect(b.roots.map((r) => r.finding.ruleId)).toEqual(['SVC-304']);
    expect(b.roots[0]?.explains.map((c) => c.finding.ruleId)).toEqual(['SVC-305']);
  });

  it('orders roots fail before warn', () => {
    const w = rule('SYS-101', 'system', () => [
      { status: 'warn', subject: { kind: 'node', name: 'a' }, messageId: 'ok', basis: [sysctl] },
    ]);
    const f = rule('DNS-405', 'dns', () => [
      { status: 'fail', subject: { kind: 'node', name: 'a' }, messageId: 'ok', basis: [sysctl] },
    ]);
    expect(analyze(snap, { rules: [w, f] }).roots.map((r) => r.finding.status)).toEqual(['fail', 'warn']);
  });
});
