import { describe, expect, it } from 'vitest';
import { buildSnapshot } from './build.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { PARSERS } from './parsers.js';
import {
  configMapJson,
  endpointsJson,
  kubeList,
  nodeJson,
  podJson,
  rawBundle,
  serviceJson,
  snapshotOf,
} from './testing.js';

describe('buildSnapshot: cluster lists', () => {
  it('loads the good items of a list and reports the bad one with its pointer and zod path', () => {
    const bad = { metadata: { namespace: 'default' }, spec: { containers: [] } }; // no name
    const s = snapshotOf({
      files: {
        'cluster/pods.json': kubeList([
          podJson({ name: 'a', ip: '10.244.1.2' }),
          bad,
          podJson({ name: 'c', ip: '10.244.1.4' }),
        ]),
      },
    });
    expect(s.cluster.pods?.map((p) => p.obj.metadata.name)).toEqual(['a', 'c']);
    expect(s.cluster.pods?.map((p) => p.ref.pointer)).toEqual(['/items/0', '/items/2']);
    const p = s.problems.filter((x) => x.code === LOAD_PROBLEM_CODES.schema);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({
      bundle: 'netsnap-node-1',
      file: 'cluster/pods.json',
      pointer: '/items/1',
      severity: 'error',
    });
    expect(p[0]?.message).toContain('metadata.name');
  });

  it('reports JSON that does not parse with the line, and leaves the list undefined', () => {
    const s = snapshotOf({ files: { 'cluster/services.json': '{\n  "items": [\n    {"metadata": \n' } });
    expect(s.cluster.services).toBeUndefined();
    const p = s.problems.find((x) => x.code === LOAD_PROBLEM_CODES.badJson);
    expect(p).toMatchObject({ file: 'cluster/services.json', severity: 'error' });
    expect(p?.line).toBeGreaterThanOrEqual(3);
  });

  it('a list of the wrong shape is one schema problem at the root pointer', () => {
    const s = snapshotOf({ files: { 'cluster/nodes.json': { kind: 'List', items: 'nope' } } });
    expect(s.cluster.nodes).toBeUndefined();
    expect(s.problems).toEqual([expect.objectContaining({ file: 'cluster/nodes.json', pointer: '', code: 'schema' })]);
  });
});

describe('buildSnapshot: bundles and nodes', () => {
  it('keys hosts by manifest node, else hostname.txt, else bundle id', () => {
    const a = rawBundle({ id: 'a', node: 'worker-1', files: { 'host/uname.txt': 'Linux\n' } });
    const b = rawBundle({ id: 'b', manifest: null, files: { 'host/hostname.txt': 'worker-2\n' } });
    const c = rawBundle({ id: 'c', manifest: null, files: { 'host/uname.txt': 'Linux\n' } });
    const s = buildSnapshot([a, b, c]);
    expect([...s.hosts.keys()].sort()).toEqual(['c', 'worker-1', 'worker-2']);
    expect(s.hosts.get('worker-2')?.bundle).toBe('b');
  });

  it('keeps the newest bundle of a node and reports the older one', () => {
    const older = rawBundle({
      id: 'old',
      node: 'w1',
      createdAt: '2025-01-15T09:00:00Z',
      files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 0\n' },
    });
    const newer = rawBundle({
      id: 'new',
      node: 'w1',
      createdAt: '2025-01-15T10:00:00Z',
      files: { 'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n' },
    });
    const s = buildSnapshot([newer, older]);
    expect(s.hosts.get('w1')?.bundle).toBe('new');
    expect(s.problems).toEqual([
      expect.objectContaining({ bundle: 'old', code: LOAD_PROBLEM_CODES.duplicateNode, severity: 'warning' }),
    ]);
    expect(s.now).toBe('2025-01-15T10:00:00Z');
  });

  it('takes cluster data from the newest bundle and reports a disagreeing older one', () => {
    const nodesA = kubeList([nodeJson({ name: 'w1' }), nodeJson({ name: 'w2' })]);
    const nodesB = kubeList([nodeJson({ name: 'w1' })]);
    const a = rawBundle({
      id: 'a',
      node: 'w1',
      createdAt: '2025-01-15T10:05:00Z',
      files: { 'cluster/nodes.json': nodesA },
    });
    const b = rawBundle({
      id: 'b',
      node: 'w2',
      createdAt: '2025-01-15T10:00:00Z',
      files: { 'cluster/nodes.json': nodesB },
    });
    const s = buildSnapshot([b, a]);
    expect(s.cluster.bundle).toBe('a');
    expect(s.cluster.nodes).toHaveLength(2);
    const conflict = s.problems.filter((p) => p.code === LOAD_PROBLEM_CODES.clusterConflict);
    expect(conflict).toHaveLength(1);
    expect(conflict[0]).toMatchObject({ bundle: 'b', severity: 'warning' });
    expect(conflict[0]?.message).toContain('a');
  });

  it('reports another cluster (same node name, other uid) and stale cluster data', () => {
    const a = rawBundle({
      id: 'a',
      node: 'w1',
      createdAt: '2025-01-15T12:00:00Z',
      files: { 'cluster/nodes.json': kubeList([nodeJson({ name: 'w1', uid: 'u-1' })]) },
    });
    const b = rawBundle({
      id: 'b',
      node: 'w2',
      createdAt: '2025-01-15T11:59:00Z',
      files: { 'cluster/nodes.json': kubeList([nodeJson({ name: 'w1', uid: 'u-2' })]) },
    });
    const c = rawBundle({
      id: 'c',
      node: 'w3',
      createdAt: '2025-01-15T09:00:00Z',
      files: { 'cluster/nodes.json': kubeList([nodeJson({ name: 'w1', uid: 'u-1' })]) },
    });
    const s = buildSnapshot([a, b, c]);
    expect(s.problems.filter((p) => p.code === LOAD_PROBLEM_CODES.clusterConflict).map((p) => p.bundle)).toEqual([
      'b',
      'c',
    ]);
  });

  it('fills files the newest bundle lacks from an older bundle of the same cluster, never from another cluster', () => {
    const nodes = kubeList([nodeJson({ name: 'w1' }), nodeJson({ name: 'w2' })]);
    const newest = rawBundle({
      id: 'n',
      node: 'w2',
      createdAt: '2025-01-15T10:05:00Z',
      files: { 'cluster/nodes.json': nodes },
    });
    const older = rawBundle({
      id: 'o',
      node: 'w1',
      createdAt: '2025-01-15T10:00:00Z',
      files: {
        'cluster/nodes.json': nodes,
        'cluster/pods.json': kubeList([podJson({ name: 'web', ip: '10.244.1.5' })]),
      },
    });
    const other = rawBundle({
      id: 'x',
      node: 'z1',
      createdAt: '2025-01-15T10:01:00Z',
      files: {
        'cluster/nodes.json': kubeList([nodeJson({ name: 'z1' })]),
        'cluster/services.json': kubeList([serviceJson({ name: 'web' })]),
      },
    });
    const s = buildSnapshot([older, other, newest]);
    expect(s.cluster.bundle).toBe('n');
    expect(s.cluster.nodes?.[0]?.ref.bundle).toBe('n');
    expect(s.cluster.pods?.map((p) => p.ref.bundle)).toEqual(['o']);
    expect(s.cluster.services).toBeUndefined();
    expect(s.cluster.fileOwners).toEqual(
      new Map([
        ['cluster/nodes.json', 'n'],
        ['cluster/pods.json', 'o'],
      ]),
    );
    expect(s.problems.map((p) => [p.bundle, p.code])).toEqual([['x', LOAD_PROBLEM_CODES.clusterConflict]]);
  });

  it('agreeing cluster data in several bundles is no problem', () => {
    const nodes = kubeList([nodeJson({ name: 'w1' }), nodeJson({ name: 'w2' })]);
    const s = snapshotOf(
      { id: 'a', node: 'w1', files: { 'cluster/nodes.json': nodes } },
      { id: 'b', node: 'w2', createdAt: '2025-01-15T10:01:00Z', files: { 'cluster/nodes.json': nodes } },
    );
    expect(s.cluster.bundle).toBe('b');
    expect(s.problems).toEqual([]);
    expect(s.bundles.map((b) => [b.id, b.node, b.hasCluster, b.hasHost])).toEqual([
      ['a', 'w1', true, false],
      ['b', 'w2', true, false],
    ]);
  });

  it('loads files that are not UTF-8 or hold NUL bytes, with a warning', () => {
    const raw = rawBundle({ files: { 'host/uname.txt': 'Linux\n' } });
    (raw.files as Map<string, Buffer>).set('host/conntrack-stats.txt', Buffer.from([0x61, 0x0a, 0xff, 0x00, 0x0a]));
    const s = buildSnapshot([raw]);
    expect(s.hosts.get('node-1')?.conntrackStats?.value).toContain('a\n');
    expect(s.problems.filter((p) => p.code === LOAD_PROBLEM_CODES.encoding).map((p) => [p.file, p.line])).toEqual([
      ['host/conntrack-stats.txt', 2],
      ['host/conntrack-stats.txt', 2],
    ]);
  });

  it('passes the reader problems through and marks redacted bundles', () => {
    const s = snapshotOf({
      files: {
        'cluster/services.json': kubeList([serviceJson({ name: 'web' })]),
        'cluster/endpoints.json': kubeList([endpointsJson({ name: 'web' })]),
      },
      manifest: { redaction: { tool: 'netsnap redact', at: '2025-01-15T11:00:00Z', pseudonymized: false, counts: {} } },
      problems: [{ bundle: 'netsnap-node-1', file: 'host/ipvsadm.txt', message: 'entry too large', severity: 'error' }],
    });
    expect(s.bundles[0]?.redacted).toBe(true);
    expect(s.problems.map((p) => p.file)).toEqual(['host/ipvsadm.txt']);
  });

  it('loads allow-listed ConfigMaps by ns/name', () => {
    const s = snapshotOf({
      files: {
        'cluster/configmaps/kube-system/kube-proxy.json': configMapJson({
          name: 'kube-proxy',
          data: { 'config.conf': 'mode: ""\n' },
        }),
      },
    });
    expect([...s.cluster.configMaps.keys()]).toEqual(['kube-system/kube-proxy']);
    expect(s.cluster.configMaps.get('kube-system/kube-proxy')?.ref).toEqual({
      bundle: 'netsnap-node-1',
      path: 'cluster/configmaps/kube-system/kube-proxy.json',
      pointer: '',
    });
  });

  it('parses a clean log when a rule first reads it, and a log with bad bytes at once with its problem', () => {
    let calls = 0;
    const log = (text: string) => {
      calls++;
      return PARSERS.log(text);
    };
    const raw = rawBundle({
      files: {
        'cluster/logs/kube-system/coredns-a/coredns.log': '[INFO] plugin/reload: Running configuration SHA512 = 1\n',
        'cluster/logs/kube-system/kube-proxy-b/kube-proxy.log':
          'I0115 10:00:00.000000       1 server.go:1] bad \u0001 byte\n',
        'cluster/logs/kube-system/kube-proxy-c/kube-proxy.log': Buffer.from([0x49, 0x20, 0xff, 0x0a]),
      },
    });
    const s = buildSnapshot([raw], { parsers: { ...PARSERS, log } });
    const parsedAtLoad = calls;
    expect(parsedAtLoad).toBe(2); // b (control byte) and c (not UTF-8); a waits
    expect(s.problems.map((p) => [p.file, p.code, p.severity])).toEqual([
      ['cluster/logs/kube-system/kube-proxy-b/kube-proxy.log', LOAD_PROBLEM_CODES.parse, 'warning'],
      ['cluster/logs/kube-system/kube-proxy-c/kube-proxy.log', LOAD_PROBLEM_CODES.encoding, 'warning'],
    ]);
    const a = s.cluster.logs.get('kube-system/coredns-a/coredns');
    expect(a?.ref).toEqual({ bundle: 'netsnap-node-1', path: 'cluster/logs/kube-system/coredns-a/coredns.log' });
    expect(a?.value).toEqual(PARSERS.log('[INFO] plugin/reload: Running configuration SHA512 = 1\n').value);
    expect(a?.value).toBe(a?.value); // parsed once
    expect(calls).toBe(parsedAtLoad + 1);
  });

  it('keys logs ns/pod/container and .previous', () => {
    const s = snapshotOf({
      files: {
        'cluster/logs/kube-system/coredns-abc/coredns.log':
          '2025-01-15T10:00:00.000000000Z [INFO] plugin/reload: Running configuration SHA512 = 1\n',
        'cluster/logs/kube-system/coredns-abc/coredns.previous.log': 'x\n',
      },
    });
    expect([...s.cluster.logs.keys()].sort()).toEqual([
      'kube-system/coredns-abc/coredns',
      'kube-system/coredns-abc/coredns.previous',
    ]);
  });
});
