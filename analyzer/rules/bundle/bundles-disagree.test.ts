import { describe, expect, it } from 'vitest';
import { runRules } from '../engine.js';
import { ruleTester } from '../testing.js';
import { bundlesDisagree } from './bundles-disagree.js';
import { kubeList, nodeJson, snapshotOf } from '../../model/testing.js';

const SYSCTL = 'net.ipv4.ip_forward = 1\n';
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
    {
      name: 'two bundles of one node collected 45 minutes apart: a timeline, one info note naming both, the newest used',
      snapshot: () =>
        snapshotOf(
          { id: 'w1-new', node: 'w1', createdAt: '2025-01-15T10:45:00Z', files: { 'host/sysctl.txt': SYSCTL } },
          { id: 'w1-old', node: 'w1', createdAt: '2025-01-15T10:00:00Z', files: { 'host/sysctl.txt': SYSCTL } },
          { id: 'w2', node: 'w2', createdAt: '2025-01-15T10:44:00Z', files: { 'host/sysctl.txt': SYSCTL } },
        ),
      findings: [
        { status: 'pass', subject: 'cluster', messageId: 'ok' },
        {
          status: 'warn',
          subject: 'node:w1',
          messageId: 'timeline',
          data: { used: 'w1-new', older: 'w1-old', count: 2, first: '2025-01-15T10:00:00Z' },
          cites: ['manifest.json:1'],
        },
      ],
    },
  ],
});

describe('BND-903 timeline', () => {
  it('is an info note (never a warning at --fail-on warning) and never a disagreement', () => {
    const s = snapshotOf(
      { id: 'a', node: 'w1', createdAt: '2025-01-15T09:00:00Z', files: { 'host/sysctl.txt': SYSCTL } },
      { id: 'b', node: 'w1', createdAt: '2025-01-15T12:00:00Z', files: { 'host/sysctl.txt': SYSCTL } },
    );
    const f = runRules([bundlesDisagree], s);
    expect(f.map((x) => [x.status, x.severity, x.messageId])).toEqual([
      ['pass', 'warning', 'ok'],
      ['warn', 'info', 'timeline'],
    ]);
  });
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
