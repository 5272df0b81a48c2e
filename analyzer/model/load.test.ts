import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleArchive, writeBundleDir } from '../bundle/write.js';
import { loadSnapshot, uniqueIds } from './load.js';
import { setLeanObjects } from './lists.js';
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

  it('lists over the lean threshold are kept lean; smaller ones and fullObjects (rule packs) keep everything', async () => {
    const raw = rawBundle({
      node: 'w1',
      files: {
        'cluster/pods.json': kubeList([
          {
            ...podJson({ name: 'web-1', node: 'w1' }),
            spec: { nodeName: 'w1', containers: [], volumes: [{ name: 'v' }] },
          },
        ]),
      },
    });
    const size = (raw.files.get('cluster/pods.json') as Buffer).length;
    const path = join(dir, 'netsnap-full.tar.gz');
    await writeBundleArchive(path, bundleEntries(raw));
    const specWith = async (minBytes: number | undefined, opts: { fullObjects?: boolean } = {}) => {
      try {
        setLeanObjects(minBytes === undefined ? {} : { minBytes });
        return (await loadSnapshot([path], opts)).snapshot.cluster.pods?.[0]?.obj.spec;
      } finally {
        setLeanObjects();
      }
    };
    const leanSpec = { nodeName: 'w1', containers: [] };
    const fullSpec = { nodeName: 'w1', containers: [], volumes: [{ name: 'v' }] };
    // the default threshold is largeJsonBytes (256 MiB): a small list stays whole
    expect(await specWith(undefined)).toEqual(fullSpec);
    // lean only when the list is larger than the threshold: at exactly its size it stays whole
    expect(await specWith(size)).toEqual(fullSpec);
    expect(await specWith(size - 1)).toEqual(leanSpec);
    expect(await specWith(0, { fullObjects: true })).toEqual(fullSpec);
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

describe('loadSnapshot inputs: a bundle, or a folder of bundles (issue 20)', () => {
  const bundle = (node: string) => bundleEntries(worker(node, '2025-01-15T10:00:00Z'));
  const folder = (name: string): string => {
    const p = join(dir, 'inputs', name);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const unreadable = LOAD_PROBLEM_CODES.unreadable;

  it('a folder without manifest.json reads each archive and bundle folder in it, one level', async () => {
    const f = folder('bundles');
    await writeBundleArchive(join(f, 'netsnap-w1.tar.gz'), bundle('w1'));
    await writeBundleArchive(join(f, 'netsnap-w2.tar'), bundle('w2'), { gzip: false });
    await writeBundleDir(join(f, 'netsnap-w3'), bundle('w3'));
    writeFileSync(join(f, 'collection.json'), '{"not": "checked here"}');
    writeFileSync(join(f, 'notes.txt'), 'see ticket 42\n');
    const { raws, unreadable: skipped, snapshot } = await loadSnapshot([f]);
    expect(raws.map((r) => r.id)).toEqual(['netsnap-w1', 'netsnap-w2', 'netsnap-w3']);
    expect([...snapshot.hosts.keys()].sort()).toEqual(['w1', 'w2', 'w3']);
    // the other file is named and skipped; collection.json is not a problem
    expect(skipped).toEqual([
      expect.objectContaining({ file: join(f, 'notes.txt'), severity: 'warning', code: unreadable }),
    ]);
    // (its contents are model/collection.ts's to check)
    expect(snapshot.problems.filter((p) => p.file.includes('collection.json') && p.code === unreadable)).toEqual([]);
  });

  it('a folder with manifest.json, or with host/ and cluster/ but no manifest, is one bundle', async () => {
    const whole = folder('netsnap-whole');
    await writeBundleDir(whole, bundle('w1'));
    const partial = folder('pasted');
    mkdirSync(join(partial, 'host'));
    mkdirSync(join(partial, 'cluster'));
    writeFileSync(join(partial, 'host', 'sysctl.txt'), 'net.ipv4.ip_forward = 0\n');
    writeFileSync(join(partial, 'cluster', 'nodes.json'), JSON.stringify(kubeList([nodeJson({ name: 'w9' })])));
    const a = await loadSnapshot([whole]);
    expect(a.raws.map((r) => r.id)).toEqual(['netsnap-whole']);
    const b = await loadSnapshot([partial]);
    expect(b.raws.map((r) => [r.id, r.manifest, [...r.files.keys()].sort()])).toEqual([
      ['pasted', undefined, ['cluster/nodes.json', 'host/sysctl.txt']],
    ]);
    expect(b.unreadable).toEqual([]);
  });

  it('whatever yields no bundle: no raws, one unreadable error per input naming the path', async () => {
    const empty = folder('empty');
    const junk = folder('junk');
    writeFileSync(join(junk, 'a.txt'), 'a');
    writeFileSync(join(junk, 'b.jpg'), 'b');
    const random = join(folder('files'), 'random.bin');
    writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 251)));
    const unrelated = join(dir, 'inputs', 'files', 'unrelated.tar.gz');
    await writeBundleArchive(unrelated, [{ path: 'notes.txt', data: Buffer.from('hi') }]);
    const onlyBadManifest = join(dir, 'inputs', 'files', 'bad-manifest.tar.gz');
    await writeBundleArchive(onlyBadManifest, [{ path: 'manifest.json', data: Buffer.from('{"formatVersion": 9') }]);
    const junkBundles = folder('junk-bundles');
    await writeBundleArchive(join(junkBundles, 'x.tar.gz'), [{ path: 'notes.txt', data: Buffer.from('hi') }]);
    const inputs = [empty, junk, random, unrelated, onlyBadManifest, junkBundles, join(dir, 'nope.tgz')];
    const hostname = '/etc/hostname';
    const { existsSync } = await import('node:fs');
    if (existsSync(hostname)) inputs.push(hostname);
    else console.log('skipped the /etc/hostname case: no such file here');
    for (const input of inputs) {
      const { raws, unreadable: skipped, snapshot } = await loadSnapshot([input]);
      expect(raws, input).toEqual([]);
      expect(skipped, input).toEqual([expect.objectContaining({ file: input, severity: 'error', code: unreadable })]);
      expect(skipped[0]!.message.startsWith(`${input}: `)).toBe(true);
      expect(snapshot.hosts.size).toBe(0);
    }
    const why = async (input: string) => (await loadSnapshot([input])).unreadable[0]!.message.slice(input.length + 2);
    expect(await why(empty)).toMatch(/empty/);
    expect(await why(junk)).toMatch(/none of its 2 file/);
    expect(await why(random)).toMatch(/neither gzip nor tar/);
    expect(await why(unrelated)).toMatch(/none of its 1 file/);
    expect(await why(onlyBadManifest)).toMatch(/^manifest\.json: /);
    expect(await why(junkBundles)).toMatch(/no readable bundle in this folder \(x\.tar\.gz: /);
  });

  it('a partly readable set loads the bundles and lists what it skipped', async () => {
    const f = folder('mixed');
    await writeBundleArchive(join(f, 'netsnap-w1.tgz'), bundle('w1'));
    await writeBundleArchive(join(f, 'junk.tar.gz'), [{ path: 'notes.txt', data: Buffer.from('hi') }]);
    const random = join(dir, 'inputs', 'random2.bin');
    writeFileSync(random, 'not a bundle at all\n');
    const { raws, unreadable: skipped } = await loadSnapshot([f, random]);
    expect(raws.map((r) => r.id)).toEqual(['netsnap-w1']);
    expect(skipped.map((p) => [p.file, p.severity])).toEqual([
      [join(f, 'junk.tar.gz'), 'warning'],
      [random, 'error'],
    ]);
  });
});
