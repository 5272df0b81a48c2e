import { describe, expect, it } from 'vitest';
import type { Finding, Subject } from '../rules/types.js';
import { stableFindingIds } from './ids.js';

function f(ruleId: string, subject: Subject, over: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    status: 'fail',
    severity: 'critical',
    layer: 'system',
    subject,
    messageId: 'bad',
    message: 'something is bad',
    evidence: [],
    basis: [],
    ...over,
  };
}

const node = (name: string): Subject => ({ kind: 'node', name });
const pod = (ns: string, name: string, n?: string): Subject => ({ kind: 'pod', namespace: ns, name, node: n });

describe('stableFindingIds', () => {
  it('is rule id plus subject key, in input order', () => {
    const list = [f('SYS-104', node('worker-1')), f('DNS-402', pod('kube-system', 'coredns-1', 'cp-1'))];
    expect(stableFindingIds(list)).toEqual(['SYS-104/node:worker-1', 'DNS-402/pod:kube-system/coredns-1@cp-1']);
  });

  it('adds the message id when a rule reports one subject twice, and a number when that ties too', () => {
    const a = f('NET-301', node('w1'), { messageId: 'no-route' });
    const b = f('NET-301', node('w1'), { messageId: 'no-arp' });
    const c1 = f('NET-301', node('w2'), { messageId: 'x', status: 'warn', message: 'a' });
    const c2 = f('NET-301', node('w2'), { messageId: 'x', status: 'fail', message: 'z' });
    const ids = stableFindingIds([a, b, c1, c2]);
    expect(ids).toEqual([
      'NET-301/node:w1/no-route',
      'NET-301/node:w1/no-arp',
      'NET-301/node:w2/x/2',
      'NET-301/node:w2/x/1',
    ]);
  });

  it('does not depend on input order or on the other findings of other subjects', () => {
    const list = [
      f('NET-301', node('w2'), { messageId: 'x', message: 'b' }),
      f('NET-301', node('w2'), { messageId: 'x', message: 'a' }),
      f('SYS-104', node('w1')),
      f('DNS-402', pod('kube-system', 'c', 'w1')),
    ];
    const ids = stableFindingIds(list);
    const rev = [...list].reverse();
    expect(stableFindingIds(rev)).toEqual([...ids].reverse());
    expect(ids[1]).toBe('NET-301/node:w2/x/1');
  });

  it('is safe ASCII, cuts long hostile subjects and keeps them unique', () => {
    const evil = `"><script>alert(1)</script> \u202e\n#x${'a'.repeat(500)}`;
    const evil2 = `"><script>alert(1)</script> \u202e\n#x${'a'.repeat(499)}b`;
    const ids = stableFindingIds([f('SYS-104', node(evil)), f('SYS-104', node(evil2))]);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9._:/@%~-]+$/);
      expect(id.length).toBeLessThan(120);
    }
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[0]).toMatch(/^SYS-104\/node:%22%3E%3Cscript%3E.*~[0-9a-f]{12}$/);
  });

  it('settles a hostile subject that spells another finding suffixed id', () => {
    const list = [
      f('R-1', { kind: 'service', namespace: 'ns', name: 'a' }, { messageId: 'm' }),
      f('R-1', { kind: 'service', namespace: 'ns', name: 'a' }, { messageId: 'n' }),
      f('R-1', { kind: 'service', namespace: 'ns', name: 'a/m' }),
    ];
    const ids = stableFindingIds(list);
    expect(new Set(ids).size).toBe(3);
    expect(stableFindingIds([...list].reverse())).toEqual([...ids].reverse());
  });
});
