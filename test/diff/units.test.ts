// The pieces of netsnap diff on small inputs: the category table, the Corefile line diff and its
// bound, the iptables change bound, and every renderer against hostile bundle text.
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../analyzer/model/testing.js';
import { kubeList, podJson } from '../../analyzer/model/testing-objects.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { diffSides } from '../../analyzer/diff/diff.js';
import { lineEdits } from '../../analyzer/diff/lines.js';
import { categoryOf } from '../../analyzer/diff/match.js';
import { renderDiffHtml } from '../../analyzer/diff/render-html.js';
import { renderDiffJson } from '../../analyzer/diff/render-json.js';
import { renderDiffMarkdown } from '../../analyzer/diff/render-markdown.js';
import { renderDiffText } from '../../analyzer/diff/render-text.js';
import { MAX_PER_KIND, sourceChanges } from '../../analyzer/diff/sources.js';
import type { DiffResult } from '../../analyzer/diff/types.js';
import type { Finding, Status } from '../../analyzer/rules/types.js';

const f = (status: Status): Finding => ({
  ruleId: 'SYS-104',
  status,
  severity: 'critical',
  layer: 'system',
  subject: { kind: 'node', name: 'w1' },
  messageId: 'x',
  message: 'm',
  evidence: [],
  basis: [],
});

describe('categoryOf', () => {
  const rows: [Status | undefined, Status | undefined, string][] = [
    ['fail', 'pass', 'fixed'],
    ['warn', 'pass', 'fixed'],
    ['fail', undefined, 'fixed'],
    ['fail', 'fail', 'still-failing'],
    ['warn', 'warn', 'still-failing'],
    ['fail', 'warn', 'changed-status'],
    ['warn', 'fail', 'changed-status'],
    ['fail', 'unknown', 'changed-status'],
    ['pass', 'fail', 'new'],
    ['unknown', 'warn', 'new'],
    [undefined, 'fail', 'new'],
    ['pass', 'pass', 'unchanged'],
    ['unknown', 'unknown', 'unchanged'],
    ['unknown', 'pass', 'changed-status'],
    ['pass', undefined, 'unchanged'],
  ];
  for (const [b, a, want] of rows)
    it(`${b ?? 'absent'} -> ${a ?? 'absent'} is ${want}`, () => expect(categoryOf(b && f(b), a && f(a))).toBe(want));
});

describe('lineEdits', () => {
  it('a changed line is removed and added at its place', () => {
    expect(lineEdits(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual([
      { op: 'added', line: 2, text: 'x', otherLine: 1 },
      { op: 'removed', line: 2, text: 'b', otherLine: 2 },
    ]);
  });
  it('past the table bound it still finds what was added and removed', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const b = [...a.slice(0, 1500), 'new line', ...a.slice(1501)];
    // no timing asserted here (speed belongs to the bench); this checks the result past the bound
    const e = lineEdits(a, b);
    expect(e.map((x) => [x.op, x.text])).toEqual([
      ['removed', 'line 1500'],
      ['added', 'new line'],
    ]);
  });
});

describe('iptables changes are bounded', () => {
  const dump = (prefix: string, n: number) =>
    `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n${Array.from({ length: n }, (_, i) => `-A FORWARD -s 10.${prefix}.${i >> 8}.${i & 255}/32 -j ACCEPT`).join('\n')}\nCOMMIT\n`;
  it(`lists ${MAX_PER_KIND} and counts the rest`, () => {
    const b = snapshotOf({ id: 'b', node: 'w1', files: { 'host/iptables-save.txt': dump('1', 300) } });
    const a = snapshotOf({ id: 'a', node: 'w1', files: { 'host/iptables-save.txt': dump('2', 300) } });
    const d = sourceChanges(b, a);
    expect(d.changes.filter((c) => c.kind === 'iptables')).toHaveLength(MAX_PER_KIND);
    expect(d.omitted.iptables).toBe(600 - MAX_PER_KIND);
    expect(d.changes[0]).toMatchObject({
      change: 'removed',
      node: 'w1',
      chain: 'FORWARD',
      beforeRef: { bundle: 'b', line: 4 },
    });
  });
  it('counters and a policy change: counters never count as a change, the policy does', () => {
    const b = snapshotOf({
      id: 'b',
      node: 'w1',
      files: { 'host/iptables-save.txt': '*filter\n:FORWARD ACCEPT [5:500]\n[3:120] -A FORWARD -j ACCEPT\nCOMMIT\n' },
    });
    const a = snapshotOf({
      id: 'a',
      node: 'w1',
      files: { 'host/iptables-save.txt': '*filter\n:FORWARD DROP [9:900]\n[7:999] -A FORWARD -j ACCEPT\nCOMMIT\n' },
    });
    expect(sourceChanges(b, a).changes.map((c) => [c.kind, c.change, c.before, c.after])).toEqual([
      ['iptables', 'changed', 'policy ACCEPT', 'policy DROP'],
    ]);
  });
});

describe('pods and sysctls', () => {
  const pods = (restarts: number, waitingReason?: string) =>
    kubeList([
      podJson({
        name: 'kube-flannel-ds-abcde',
        namespace: 'kube-flannel',
        node: 'w1',
        restarts,
        ...(waitingReason ? { waitingReason, ready: false } : {}),
      }),
      podJson({ name: 'web-1', node: 'w1' }),
    ]);
  it('a container that restarted and went into CrashLoopBackOff: one change citing its status on both sides', () => {
    const b = snapshotOf({ id: 'b', node: 'w1', files: { 'cluster/pods.json': pods(0) } });
    const a = snapshotOf({ id: 'a', node: 'w1', files: { 'cluster/pods.json': pods(3, 'CrashLoopBackOff') } });
    const changes = sourceChanges(b, a).changes;
    expect(changes.map((c) => [c.kind, c.change, c.node, c.where, c.before, c.after])).toEqual([
      [
        'pod',
        'changed',
        'w1',
        'kube-flannel/kube-flannel-ds-abcde/kube-flannel restarted 3x',
        'running, ready, restarts 0',
        'waiting (CrashLoopBackOff), not ready, restarts 3',
      ],
    ]);
    expect(changes[0]?.beforeRef).toMatchObject({
      bundle: 'b',
      path: 'cluster/pods.json',
      pointer: '/items/0/status/containerStatuses/0',
    });
    expect(changes[0]?.afterRef?.quote).toContain('CrashLoopBackOff');
  });
  it('a sysctl turned off cites its line on both sides', () => {
    const b = snapshotOf({
      id: 'b',
      node: 'w1',
      files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\nvm.swappiness = 60\n' },
    });
    const a = snapshotOf({
      id: 'a',
      node: 'w1',
      files: { 'host/sysctl.txt': 'vm.swappiness = 60\nnet.ipv4.ip_forward = 0\n' },
    });
    const c = sourceChanges(b, a).changes;
    expect(c.map((x) => [x.kind, x.change, x.before, x.after, x.beforeRef?.line, x.afterRef?.line])).toEqual([
      ['sysctl', 'changed', 'net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward = 0', 1, 2],
    ]);
  });
});

describe('renderers keep hostile bundle text inert', () => {
  const evil = '<script>alert(1)</script> `x` \u202e \u001b[31m | </textarea> javascript:alert(1)';
  const sb = snapshotOf({
    id: 'b',
    node: 'w1',
    files: { 'host/iptables-save.txt': `*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n` },
  });
  const sa = snapshotOf({
    id: 'a',
    node: 'w1',
    files: {
      'host/iptables-save.txt': `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -m comment --comment "${evil}" -j MASQUERADE\nCOMMIT\n`,
    },
  });
  const d: DiffResult = diffSides({ snapshot: sb, analysis: analyze(sb) }, { snapshot: sa, analysis: analyze(sa) });
  it('the hostile rule is a source change', () => {
    expect(d.sources.map((c) => [c.kind, c.change])).toEqual([['iptables', 'added']]);
  });
  it('html: escaped, no element or link from bundle text', () => {
    const html = renderDiffHtml(d);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('</textarea>');
    expect(html).not.toMatch(/href=/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('\u202e');
    expect(html).not.toContain('\u001b');
  });
  it('text, markdown and json: no control or bidi characters', () => {
    for (const out of [renderDiffText(d), renderDiffMarkdown(d), renderDiffJson(d)]) {
      expect(out).not.toContain('\u202e');
      expect(out).not.toContain('\u001b');
    }
    // markdown: bundle text only inside code spans (a fence longer than any backtick run inside)
    const outside = renderDiffMarkdown(d).replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
    expect(outside).not.toContain('<script>');
    expect(outside).not.toContain('</textarea>');
  });
});
