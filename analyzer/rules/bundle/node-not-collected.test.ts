import { describe, expect, it } from 'vitest';
import type { CollectionIndex, NodeAttempt } from '../../bundle/collection-index.js';
import { COLLECTION_BUNDLE, withCollection } from '../../model/collection.js';
import { snapshotOf } from '../../model/testing.js';
import type { Snapshot } from '../../model/types.js';
import { runRules } from '../engine.js';
import { subjectKey } from '../types.js';
import { nodeNotCollected } from './node-not-collected.js';

const attempt = (node: string, outcome: NodeAttempt['outcome'], extra: Partial<NodeAttempt> = {}): NodeAttempt => ({
  node,
  target: node,
  via: 'ssh',
  privilege: 'sudo',
  outcome,
  bundle: outcome === 'ok' ? `netsnap-${node}.tar.gz` : null,
  bytes: outcome === 'ok' ? 1000 : 0,
  exitCode: outcome === 'ok' ? 0 : outcome === 'timeout' ? null : 255,
  startedAt: '2026-12-06T10:00:00Z',
  durationMs: 1200,
  error: outcome === 'ok' ? '' : 'ssh: connect to host w3 port 22: Connection refused',
  ...extra,
});

const index = (nodes: NodeAttempt[], extra: Partial<CollectionIndex> = {}): CollectionIndex => ({
  formatVersion: 1,
  tool: 'netsnap 0.1.0',
  mode: 'ssh',
  startedAt: '2026-12-06T10:00:00Z',
  finishedAt: '2026-12-06T10:01:00Z',
  complete: true,
  timeoutSeconds: 30,
  concurrency: 10,
  cluster: { outcome: 'ok', bundle: 'netsnap-cluster.tar.gz', durationMs: 900, error: '' },
  nodes,
  ...extra,
});

const hostBundle = (node: string) => ({ id: `netsnap-${node}`, node, files: { 'host/ip-addr.json': '[]\n' } });

function collected(ix: CollectionIndex | string, ...hosts: string[]): Snapshot {
  const bytes = Buffer.from(typeof ix === 'string' ? ix : JSON.stringify(ix, null, 2));
  return withCollection(snapshotOf(...hosts.map(hostBundle)), { origin: '/tmp/out', bytes });
}

const verdicts = (s: Snapshot) =>
  runRules([nodeNotCollected], s).map((f) => [f.status, subjectKey(f.subject), f.messageId, f.data?.outcome]);

describe('BND-905 node-not-collected', () => {
  it('no collection.json: no verdict at all (bundles collected by hand)', () => {
    expect(runRules([nodeNotCollected], snapshotOf(hostBundle('w1')))).toEqual([]);
  });

  it('every node collected and analyzed: a pass per node resting on collection.json', () => {
    const f = runRules([nodeNotCollected], collected(index([attempt('w1', 'ok'), attempt('w2', 'ok')]), 'w1', 'w2'));
    expect(f.map((x) => [x.status, subjectKey(x.subject)])).toEqual([
      ['pass', 'node:w1'],
      ['pass', 'node:w2'],
    ]);
    expect(f[0]?.basis).toEqual([{ bundle: COLLECTION_BUNDLE, path: 'collection.json' }]);
  });

  it('a timed-out, a refused and an unreachable node are warned about, with collection.json evidence', () => {
    const s = collected(
      index([
        attempt('w1', 'ok'),
        attempt('w2', 'timeout', { error: 'no answer within 30 s; ssh was killed' }),
        attempt('w3', 'denied', { error: 'Permission denied (publickey).' }),
        attempt('w4', 'unreachable'),
      ]),
      'w1',
    );
    expect(verdicts(s)).toEqual([
      ['pass', 'node:w1', 'collected', undefined],
      ['warn', 'node:w2', 'not-collected', 'timeout'],
      ['warn', 'node:w3', 'not-collected', 'denied'],
      ['warn', 'node:w4', 'not-collected', 'unreachable'],
    ]);
    const w2 = runRules([nodeNotCollected], s)[1]!;
    expect(w2.evidence.map((e) => [e.bundle, e.path, e.pointer, e.quote])).toEqual([
      [COLLECTION_BUNDLE, 'collection.json', '/nodes/1/outcome', '"timeout"'],
      [COLLECTION_BUNDLE, 'collection.json', '/nodes/1/error', '"no answer within 30 s; ssh was killed"'],
    ]);
    expect(w2.remediation?.commands).toEqual(['netsnap collect --ssh --sudo --nodes w2 -o <dir>']);
    const named = collected(index([attempt('worker-2', 'timeout', { target: '10.0.0.12', privilege: 'login' })]));
    expect(runRules([nodeNotCollected], named)[0]?.remediation?.commands).toEqual([
      'netsnap collect --ssh --nodes worker-2=10.0.0.12 -o <dir>',
    ]);
  });

  it('a node name that is shell code never reaches the retry command', () => {
    const s = collected(index([attempt('w$(reboot)', 'timeout', { target: 'w$(reboot)' })]));
    const f = runRules([nodeNotCollected], s)[0]!;
    expect(f.remediation?.commands).toEqual(['netsnap collect --ssh --sudo --nodes <node> -o <dir>']);
  });

  it('ok in the index but its bundle was not analyzed; an interrupted collection; cluster objects failed', () => {
    const s = collected(
      index([attempt('w1', 'ok'), attempt('w2', 'pending', { startedAt: null, durationMs: null })], {
        complete: false,
        finishedAt: null,
        cluster: { outcome: 'failed', bundle: null, durationMs: 100, error: 'kubectl: connection refused' },
      }),
    );
    expect(verdicts(s)).toEqual([
      ['warn', 'cluster', 'cluster-not-collected', 'failed'],
      ['warn', 'cluster', 'incomplete', undefined],
      ['warn', 'node:w1', 'bundle-not-loaded', undefined],
      ['warn', 'node:w2', 'not-collected', 'pending'],
    ]);
  });

  it('a collection.json that does not fit the schema is a load problem, and no finding', () => {
    const s = collected('{"formatVersion": 2}', 'w1');
    expect(s.collection).toBeUndefined();
    expect(s.problems.map((p) => [p.file, p.severity])).toEqual([['/tmp/out/collection.json', 'warning']]);
    expect(runRules([nodeNotCollected], s)).toEqual([]);
  });
});
