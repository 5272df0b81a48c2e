import { describe, expect, it } from 'vitest';
import { runRules } from '../engine.js';
import { ruleTester } from '../testing.js';
import { bundlesDisagree } from './bundles-disagree.js';
import { kubeList, nodeJson, snapshotOf } from '../../model/testing.js';

const nodes = (uid: string) => kubeList([nodeJson({ name: 'w1', uid }), nodeJson({ name: 'w2' })]);

ruleTester(bundlesDisagree).run({
  valid: [
    {
      name: 'two nodes of one cluster collected together',
      snapshot: () =>
        snapshotOf(
          { id: 'b1', node: 'w1', files: { 'cluster/nodes.json': nodes('u1') } },
          { id: 'b2', node: 'w2', files: { 'cluster/nodes.json': nodes('u1') } },
        ),
    },
  ],
  invalid: [
    {
      name: 'a bundle without manifest (no collection time): whether the bundles agree is not known',
      snapshot: () =>
        snapshotOf(
          { id: 'b1', node: 'w1', files: { 'cluster/nodes.json': nodes('u1') } },
          { id: 'b2', node: 'w2', manifest: null, files: { 'cluster/nodes.json': nodes('u1') } },
        ),
      findings: [{ status: 'unknown', subject: 'cluster', missing: ['b2:manifest'] }],
    },
    {
      name: 'a bundle from another cluster',
      snapshot: () =>
        snapshotOf(
          { id: 'b1', node: 'w1', createdAt: '2025-01-15T10:00:00Z', files: { 'cluster/nodes.json': nodes('u1') } },
          { id: 'b2', node: 'w2', createdAt: '2025-01-15T09:59:00Z', files: { 'cluster/nodes.json': nodes('other') } },
        ),
      findings: [
        { status: 'warn', subject: 'cluster', messageId: 'disagree', data: { bundle: 'b2', code: 'cluster-conflict' } },
      ],
    },
  ],
});

describe('BND-903 basis', () => {
  it('bundles that agree: a pass resting on both manifests', () => {
    const s = snapshotOf(
      { id: 'b1', node: 'w1', files: { 'cluster/nodes.json': nodes('u1') } },
      { id: 'b2', node: 'w2', files: { 'cluster/nodes.json': nodes('u1') } },
    );
    const f = runRules([bundlesDisagree], s);
    expect(f.map((x) => [x.status, x.basis.map((b) => `${b.bundle}:${b.path}`)])).toEqual([
      ['pass', ['b1:manifest.json', 'b2:manifest.json']],
    ]);
  });
});
