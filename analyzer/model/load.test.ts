import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleArchive, writeBundleDir } from '../bundle/write.js';
import { loadSnapshot, uniqueIds } from './load.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { bundleEntries, kubeList, nodeJson, podJson, rawBundle } from './testing.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netsnap-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const worker = (node: string, createdAt: string) =>
  rawBundle({
    node,
    createdAt,
    files: {
      'cluster/nodes.json': kubeList([nodeJson({ name: 'w1' }), nodeJson({ name: 'w2', podCIDR: '10.244.2.0/24' })]),
      'cluster/pods.json': kubeList([podJson({ name: 'web-1', node: 'w1', ip: '10.244.0.5' })]),
      'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n',
      'host/iptables-save.txt': '*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -s\nCOMMIT\n',
    },
  });

describe('loadSnapshot', () => {
  it('one bundle: lists loaded while it is read give the same snapshot and problems, once', async () => {
    const raw = rawBundle({
      node: 'w1',
      files: {
        'cluster/pods.json': kubeList([
          podJson({ name: 'web-1', node: 'w1', ip: '10.244.0.5' }),
          { metadata: { namespace: 'x' } },
        ]),
        'cluster/services.json': '{"items": [',
        'host/sysctl.txt': 'net.ipv4.ip_forward = 1\n',
      },
    });
    await writeBundleDir(join(dir, 'netsnap-one'), bundleEntries(raw));
    const { snapshot } = await loadSnapshot([join(dir, 'netsnap-one')]);
    const { buildSnapshot } = await import('./build.js');
    const direct = buildSnapshot([{ ...raw, id: 'netsnap-one', origin: join(dir, 'netsnap-one') }]);
    expect(snapshot.cluster.pods?.map((p) => [p.obj.metadata.name, p.ref])).toEqual(
      direct.cluster.pods?.map((p) => [p.obj.metadata.name, p.ref]),
    );
    expect(snapshot.cluster.services).toBeUndefined();
    const listProblems = (ps: typeof snapshot.problems) =>
      ps.filter((p) => p.file.startsWith('cluster/')).map((p) => [p.bundle, p.file, p.pointer, p.code]);
    expect(listProblems(snapshot.problems)).toEqual([
      ['netsnap-one', 'cluster/pods.json', '/items/1', LOAD_PROBLEM_CODES.schema],
      ['netsnap-one', 'cluster/services.json', undefined, LOAD_PROBLEM_CODES.badJson],
    ]);
    expect(listProblems(snapshot.problems)).toEqual(listProblems(direct.problems));
  });

  it('reads a directory bundle and a .tar.gz bundle into one snapshot', async () => {
    await writeBundleDir(join(dir, 'netsnap-w1'), bundleEntries(worker('w1', '2025-01-15T10:00:00Z')));
    await writeBundleArchive(join(dir, 'netsnap-w2.tar.gz'), bundleEntries(worker('w2', '2025-01-15T10:02:00Z')));
    const { snapshot, raws, unreadable } = await loadSnapshot([
      join(dir, 'netsnap-w1'),
      join(dir, 'netsnap-w2.tar.gz'),
    ]);
    expect(unreadable).toEqual([]);
    expect(raws.map((r) => r.id)).toEqual(['netsnap-w1', 'netsnap-w2']);
    expect([...snapshot.hosts.keys()].sort()).toEqual(['w1', 'w2']);
    expect(snapshot.cluster.bundle).toBe('netsnap-w2');
    expect(snapshot.index.podByIP.get('10.244.0.5')?.obj.metadata.name).toBe('web-1');
    expect(snapshot.hosts.get('w1')?.sysctl?.value.get('net.ipv4.ip_forward')?.value).toBe('1');
    // the broken rule line of each bundle, with file and line
    expect(
      snapshot.problems
        .filter((p) => p.code === LOAD_PROBLEM_CODES.parse)
        .map((p) => `${p.bundle}:${p.file}:${p.line}`),
    ).toEqual(['netsnap-w1:host/iptables-save.txt:3', 'netsnap-w2:host/iptables-save.txt:3']);
    expect(snapshot.files.lines({ bundle: 'netsnap-w2', path: 'host/iptables-save.txt' }, 3, 3)).toEqual([
      '-A FORWARD -s',
    ]);
  });

  it('a path that does not exist is an unreadable problem, and the others still load', async () => {
    await writeBundleDir(join(dir, 'only'), bundleEntries(worker('w1', '2025-01-15T10:00:00Z')));
    const missing = join(dir, 'nope.tar.gz');
    const { snapshot, raws, unreadable } = await loadSnapshot([missing, join(dir, 'only')]);
    expect(raws.map((r) => r.id)).toEqual(['only']);
    expect(unreadable).toEqual([
      expect.objectContaining({ file: missing, code: LOAD_PROBLEM_CODES.unreadable, severity: 'error' }),
    ]);
    expect(snapshot.problems[0]?.code).toBe(LOAD_PROBLEM_CODES.unreadable);
  });

  it('gives bundles with the same file name distinct ids', () => {
    expect(uniqueIds(['a/netsnap-w1.tar.gz', 'b/netsnap-w1.tgz', 'c/netsnap-w1/'])).toEqual([
      'netsnap-w1',
      'netsnap-w1~2',
      'netsnap-w1~3',
    ]);
  });
});
