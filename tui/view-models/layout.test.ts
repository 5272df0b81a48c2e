// The pure pieces behind the 80x24 layout and the fix file: they are what the tmux tests see.
import { describe, expect, it } from 'vitest';
import { demoLoadResult } from '../testing/demo-analysis.js';
import { crumbLine } from '../state/breadcrumb.js';
import { columnsFor } from '../components/FindingsList.js';
import { tooSmallLines } from '../components/App.js';
import { buildModel } from './model.js';
import { fixFile, fixGroups } from './fixes.js';
import { helpDoc } from './help.js';
import { lineText } from './doc.js';
import { cellWidth, hardWrap, wrapKeep } from './text.js';

const demo = demoLoadResult();
const m = buildModel(demo);

describe('text helpers', () => {
  it('hardWrap keeps every character of a long line over rows of the width', () => {
    const line = '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns" -j X';
    const rows = hardWrap(line, 30, 10);
    expect(rows.join('')).toBe(line);
    expect(rows.every((r) => r.length <= 30)).toBe(true);
    expect(hardWrap(line, 30, 2)).toHaveLength(2);
    expect(hardWrap(line, 30, 2)[1]).toMatch(/…$/);
  });

  it('hardWrap makes bundle text inert and counts wide characters as two cells', () => {
    const rows = hardWrap('\u001b[31m红色红色红色红色', 6, 10);
    expect(rows.join('')).not.toContain('\u001b');
    expect(rows.every((r) => cellWidth(r) <= 6)).toBe(true);
  });

  it('wrapKeep breaks a command at spaces and keeps its exact spacing', () => {
    const cmd = "kubectl -n kube-system edit configmap coredns   # forward . 223.5.5.5 {.spec.x}='a  b'";
    const rows = wrapKeep(cmd, 40);
    expect(rows.every((r) => r.length <= 40)).toBe(true);
    expect(rows.join(' ').replace(/\s+/g, ' ')).toBe(cmd.replace(/\s+/g, ' '));
    expect(wrapKeep('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});

describe('80 columns', () => {
  it('the findings message gets more than the subject, and the layer column only from 100', () => {
    const c80 = columnsFor(80);
    expect(c80.layer).toBe(0);
    expect(c80.message).toBeGreaterThanOrEqual(30);
    expect(c80.message).toBeGreaterThan(c80.subject);
    expect(columnsFor(120).layer).toBe(8);
    expect(2 + 7 + 2 + 5 + 9 + c80.subject + 1 + 1 + c80.message).toBeLessThanOrEqual(80);
  });

  it('the breadcrumb always ends with the current screen', () => {
    const crumbs = [
      'overview',
      'trace: source?',
      'trace default/notify-hq499wfsqh-b2nvw → ?',
      'trace default/notify-hq499wfsqh-b2nvw → 8.8.8.8:53',
      'findings',
    ];
    const line = crumbLine(crumbs, 80);
    expect(line).toMatch(/ › findings$/);
    expect(cellWidth(line)).toBeLessThanOrEqual(80);
    expect(crumbLine(['overview', 'findings'], 80)).toBe('overview › findings');
    expect(crumbLine(['overview', 'x'.repeat(100)], 40)).toHaveLength(40);
  });

  it('help names keys, never command ids, and wraps sentences instead of cutting them', () => {
    const text = helpDoc(78).lines.map(lineText);
    expect(text.join('\n')).not.toMatch(/nav\.up|pane\.next|fix\.write/);
    expect(text.some((l) => /^↑ k +move up$/.test(l))).toBe(true);
    expect(text.every((l) => cellWidth(l) <= 78 && !l.endsWith('…'))).toBe(true);
  });

  it('the too-small notice fits the terminal it is shown in', () => {
    for (const [c, r] of [
      [39, 7],
      [30, 6],
      [20, 3],
      [12, 2],
    ] as const) {
      const lines = tooSmallLines(c, r);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(Math.max(1, r - 1));
      expect(lines.every((l) => cellWidth(l) <= c)).toBe(true);
    }
    expect(tooSmallLines(30, 6).join(' ')).toContain('at least 40x8; this one is 30x6');
  });
});

describe('fix file', () => {
  it('groups by place: node commands under a hostname guard, kubectl apart, nothing mixed', () => {
    const groups = fixGroups(m);
    expect(groups.map((g) => g.place.kind)).toEqual(['node', 'kubectl']);
    const md = fixFile(m, groups);
    expect(md).not.toMatch(/^#!/);
    const [, node, kubectl] = md.split(/^## /m);
    expect(node).toMatch(/^On node `worker-1`/);
    expect(node).toContain('[ "$(hostname)" = worker-1 ] || exit 1');
    expect(node).not.toMatch(/^kubectl /m);
    expect(kubectl).not.toMatch(/^iptables /m);
  });

  it('on a finding: only its commands, under its stable id', () => {
    const i = demo.at['DNS-402'] ?? -1;
    const groups = fixGroups(m, [i]);
    const ids = new Set(groups.flatMap((g) => g.items.map((it) => it.findingId)));
    expect([...ids]).toEqual(['DNS-402/configmap:kube-system/coredns']);
    expect(m.ids[i]).toBe('DNS-402/configmap:kube-system/coredns');
  });
});
