// Issue 13 item 4: bundles of one node collected minutes apart are a timeline. `analyze` of the
// article's bundles before AND after the fixes judges by the newest of each node and says so once
// per node (BND-903 timeline, info); `netsnap diff --node N` takes N's oldest and newest as before
// and after, everything else on both sides.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../analyzer/causal/analyze.js';
import { LOAD_PROBLEM_CODES } from '../../analyzer/model/codes.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { kubeList, nodeJson, snapshotOf } from '../../analyzer/model/testing.js';
import { splitTimeline } from '../../analyzer/diff/timeline.js';
import { stableFindingIds } from '../../analyzer/report/ids.js';
import { after, before, byCategory, diffCli, type DiffJson } from './helpers.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netsnap-timeline-'));
  for (const p of [...before(), ...after()]) cpSync(p, join(dir, basename(p)), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const all = () =>
  readdirSync(dir)
    .sort()
    .map((n) => join(dir, n));

describe('analyze with two bundles of every node', () => {
  it('judges by the newest bundle of each node and notes each timeline once, as info', async () => {
    const { snapshot } = await loadSnapshot(all());
    const a = analyze(snapshot);
    const ids = stableFindingIds(a.findings);
    const byId = new Map(a.findings.map((f, i) => [ids[i], f]));
    const notes = a.findings.filter((f) => f.ruleId === 'BND-903' && f.messageId === 'timeline');
    expect(notes.map((f) => [f.subject.name, f.status, f.severity, f.data?.used, f.data?.count])).toEqual([
      ['control-plane', 'warn', 'info', 'netsnap-control-plane-20241120T101500Z', 2],
      ['worker-1', 'warn', 'info', 'netsnap-worker-1-20241120T101547Z', 2],
      ['worker-2', 'warn', 'info', 'netsnap-worker-2-20241120T101554Z', 2],
    ]);
    expect(a.findings.filter((f) => f.ruleId === 'BND-903' && f.messageId === 'disagree')).toEqual([]);
    expect(byId.get('SYS-104/node:worker-1')?.status).toBe('pass');
    expect(byId.get('DNS-402/configmap:kube-system/coredns')?.status).toBe('pass');
    expect(a.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId)).toEqual([]);
  });
});

describe('netsnap diff --node', () => {
  it('worker-1 of a folder where only it was collected again: its fix shows, the DNS fault is still failing', async () => {
    const only = mkdtempSync(join(tmpdir(), 'netsnap-timeline-w1-'));
    try {
      for (const p of [...before(), ...after().filter((x) => x.includes('netsnap-worker-1-'))])
        cpSync(p, join(only, basename(p)), { recursive: true });
      const r = await diffCli(['--node', 'worker-1', only, '--format', 'json']);
      expect(r.code, r.err).toBe(1);
      expect(r.err).toContain('before netsnap-worker-1-20241120T093047Z, after netsnap-worker-1-20241120T101547Z');
      const j = JSON.parse(r.out) as DiffJson;
      expect(j.node).toBe('worker-1');
      const cats = byCategory(j);
      expect(cats.fixed).toEqual(['SYS-104/node:worker-1', 'SYS-108/node:worker-1']);
      expect(cats.new).toEqual([]);
      expect(cats['still-failing']).toEqual([
        'DNS-401/deployment:kube-system/coredns',
        'DNS-402/configmap:kube-system/coredns',
        'DNS-406/service:kube-system/kube-dns',
      ]);
      expect(new Set(j.sources.map((s) => s.node))).toEqual(new Set(['worker-1']));
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
  });

  it("each side takes the other nodes' bundles nearest in time: the whole cluster before and after", async () => {
    const r = await diffCli(['--node', 'worker-1', ...all(), '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as DiffJson;
    expect(j.before.bundles.map((b) => b.id)).toEqual([
      'netsnap-control-plane-20241120T093000Z',
      'netsnap-worker-1-20241120T093047Z',
      'netsnap-worker-2-20241120T093054Z',
    ]);
    const cats = byCategory(j);
    expect(cats.fixed).toEqual(
      expect.arrayContaining(['SYS-104/node:worker-1', 'DNS-402/configmap:kube-system/coredns']),
    );
    expect(cats.new).toEqual([]);
  });

  it('a node without two bundles is a one-line error, exit 2', async () => {
    const none = await diffCli(['--node', 'worker-9', ...all()]);
    expect(none.code).toBe(2);
    expect(none.err).toBe('netsnap diff: no bundle of node worker-9 (nodes: control-plane, worker-1, worker-2)\n');
    const one = await diffCli(['--node', 'worker-1', ...before()]);
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/^netsnap diff: only one bundle of node worker-1 \(netsnap-worker-1-20241120T093047Z\)/);
  });

  it('splitTimeline orders by collection time, not by argument order', () => {
    const b = (id: string, node: string, createdAt?: string) => ({
      id,
      origin: id,
      node,
      hasCluster: false,
      hasHost: true,
      redacted: false,
      ...(createdAt ? { createdAt } : {}),
    });
    const split = splitTimeline(
      [
        b('late', 'w1', '2025-01-01T12:00:00Z'),
        b('x', 'w2', '2025-01-01T11:00:00Z'),
        b('early', 'w1', '2025-01-01T10:00:00Z'),
        b('mid', 'w1', '2025-01-01T11:00:00Z'),
      ],
      'w1',
    );
    expect(split).toEqual(expect.objectContaining({ before: ['x', 'early'], after: ['x', 'late'] }));
    // the other node's bundle nearest in time to each side
    const two = splitTimeline(
      [
        b('w1-a', 'w1', '2025-01-01T10:00:00Z'),
        b('w1-b', 'w1', '2025-01-01T12:00:00Z'),
        b('w2-a', 'w2', '2025-01-01T10:01:00Z'),
        b('w2-b', 'w2', '2025-01-01T11:58:00Z'),
      ],
      'w1',
    );
    expect(two).toEqual(expect.objectContaining({ before: ['w2-a', 'w1-a'], after: ['w2-b', 'w1-b'] }));
    expect(splitTimeline([b('a', 'w1', '2025-01-01T12:00:00Z'), b('b', 'w1')], 'w1')).toMatch(/has no collection time/);
  });
});

describe('cluster data of an older bundle of the same node (model/conflicts.ts)', () => {
  const nodes = kubeList([nodeJson({ name: 'cp', uid: 'u1' }), nodeJson({ name: 'w1', uid: 'u2' })]);
  it('is a timeline, not stale data; another node 3 hours older still is stale', () => {
    const s = snapshotOf(
      { id: 'cp-new', node: 'cp', createdAt: '2025-01-15T12:00:00Z', files: { 'cluster/nodes.json': nodes } },
      { id: 'cp-old', node: 'cp', createdAt: '2025-01-15T09:00:00Z', files: { 'cluster/nodes.json': nodes } },
      { id: 'w1-old', node: 'w1', createdAt: '2025-01-15T09:00:00Z', files: { 'cluster/nodes.json': nodes } },
    );
    expect(s.problems.filter((p) => p.code === LOAD_PROBLEM_CODES.clusterConflict).map((p) => p.bundle)).toEqual([
      'w1-old',
    ]);
  });
});
