import { describe, expect, it } from 'vitest';
import { runRules } from './engine.js';
import { subjectKey } from './types.js';
import { hostOnlySnapshot, stubRule } from './testing.js';

const snap = hostOnlySnapshot;
const sysctl = { bundle: 'b1', path: 'host/sysctl.txt' };
const rule = stubRule;

describe('verdict basis: no evidence, no verdict', () => {
  const node = { kind: 'node', name: 'a' } as const;
  const quote = { bundle: 'b1', path: 'host/iptables-save.txt', line: 3, quote: ':FORWARD DROP [0:0]' };

  it.each(['pass', 'warn', 'fail'] as const)(
    'a %s that names no file becomes unknown no-basis, naming what it needs',
    (status) => {
      const r = rule('SYS-101', 'system', () => [{ status, subject: node, messageId: 'bad', data: { value: 1 } }], {
        needs: ['host.sysctl'],
      });
      const [f] = runRules([r], snap);
      expect([f?.status, f?.messageId, f?.missing, f?.data?.verdict, f?.basis]).toEqual([
        'unknown',
        'no-basis',
        ['host.sysctl'],
        status,
        [],
      ]);
    },
  );

  it('a basis file that was not collected does not count', () => {
    const r = rule('SYS-101', 'system', () => [
      { status: 'pass', subject: node, messageId: 'ok', basis: [{ bundle: 'b1', path: 'cluster/nodes.json' }] },
    ]);
    expect(runRules([r], snap)[0]?.messageId).toBe('no-basis');
  });

  it('evidence files count as basis, deduplicated with the named basis', () => {
    const r = rule('SYS-103', 'system', () => [
      {
        status: 'fail',
        subject: node,
        messageId: 'bad',
        data: { value: 1 },
        evidence: [quote, { ...quote, line: 4 }],
        basis: [sysctl, { bundle: 'b1', path: 'host/iptables-save.txt' }],
      },
    ]);
    const [f] = runRules([r], snap);
    expect([f?.status, f?.basis]).toEqual(['fail', [sysctl, { bundle: 'b1', path: 'host/iptables-save.txt' }]]);
  });

  it('unknown findings keep their own message and need no basis', () => {
    const r = rule('SYS-101', 'system', () => [
      { status: 'unknown', subject: node, messageId: 'missing-inputs', missing: ['host.sysctl'] },
    ]);
    expect(runRules([r], snap)[0]?.messageId).toBe('missing-inputs');
  });
});

describe('runRules', () => {
  it('fills rule fields, formats messages and sorts bottom layer first, then id and subject', () => {
    const dns = rule('DNS-401', 'dns', () => [
      { status: 'fail', subject: { kind: 'node', name: 'b' }, messageId: 'bad', data: { value: 3 }, basis: [sysctl] },
    ]);
    const sys = rule('SYS-101', 'system', () => [
      { status: 'pass', subject: { kind: 'node', name: 'b' }, messageId: 'ok', basis: [sysctl] },
      { status: 'warn', subject: { kind: 'node', name: 'a' }, messageId: 'bad', data: { value: 'x' }, basis: [sysctl] },
    ]);
    const f = runRules([dns, sys], snap);
    expect(f.map((x) => `${x.ruleId} ${subjectKey(x.subject)} ${x.status} ${x.severity}`)).toEqual([
      'SYS-101 node:a warn warning',
      'SYS-101 node:b pass critical',
      'DNS-401 node:b fail critical',
    ]);
    expect(f[2]?.message).toBe('value 3 is bad');
  });

  it('turns a throw or an undeclared messageId into an unknown rule-error finding naming the rule', () => {
    const thrower = rule('SYS-101', 'system', () => {
      throw new Error('boom');
    });
    const liar = rule('SYS-102', 'system', () => [
      { status: 'fail', subject: { kind: 'cluster', name: '' }, messageId: 'nope' },
    ]);
    const f = runRules([thrower, liar], snap);
    expect(f.map((x) => [x.ruleId, x.status, x.messageId])).toEqual([
      ['SYS-101', 'unknown', 'rule-error'],
      ['SYS-102', 'unknown', 'rule-error'],
    ]);
    expect(f[0]?.data?.error).toBe('boom');
    expect(() => runRules([liar], snap, {}, { strict: true })).toThrow(/unknown messageId "nope"/);
  });

  it('accepts the engine message missing-inputs and a message placeholder without data is a contract break', () => {
    const r = rule('SYS-101', 'system', () => [
      {
        status: 'unknown',
        subject: { kind: 'node', name: 'a' },
        messageId: 'missing-inputs',
        missing: ['host.sysctl'],
      },
    ]);
    expect(runRules([r], snap)[0]?.message).toContain('host.sysctl');
    const noData = rule('SYS-102', 'system', () => [
      { status: 'fail', subject: { kind: 'node', name: 'a' }, messageId: 'bad', basis: [sysctl] },
    ]);
    expect(runRules([noData], snap)[0]?.messageId).toBe('rule-error');
  });

  it('passes ctx.now from the snapshot', () => {
    let seen: string | undefined;
    runRules([rule('SYS-101', 'system', (_s, ctx) => ((seen = ctx.now), []))], snap);
    expect(seen).toBe('2024-05-01T00:00:00Z');
  });
});
