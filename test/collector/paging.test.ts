// Lists fetched page by page with `kubectl get --raw` and spliced into one List in sh, under dash,
// bash and busybox, against the fake API server with a page size of 3: several pages, a list that
// ends with an empty page, an empty list, a body without its trailing newline, a 403 on the first
// page, a continue token that expires on the second page, and kubectl without --raw.
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions } from '../helpers/apiserver.js';
import { run } from '../helpers/netns.js';
import { realCommand } from '../helpers/shims.js';
import { SCRIPT, availableShells, hasCommand, statusOf, tempDir, unpack, type Unpacked } from './bundle.js';
import { NODE, PODS, fakeCluster } from './fake-cluster.js';

const PAGE = 3;
const withUid = <T extends { metadata: object }>(o: T, i: number, kind: string): T & { metadata: { uid: string } } => ({
  ...o,
  metadata: { ...o.metadata, uid: `00000000-0000-4000-8000-${kind}${String(i).padStart(12 - kind.length, '0')}` },
});
const svc = (i: number) =>
  withUid(
    {
      metadata: { name: `svc-${i}`, namespace: 'default' },
      spec: { type: 'ClusterIP', clusterIP: `10.96.1.${i}`, ports: [{ port: 80, protocol: 'TCP' }] },
    },
    i,
    'svc',
  );
const deploy = (i: number) => ({
  metadata: { name: `app-${i}`, namespace: 'default' },
  spec: { replicas: 1 },
  status: { replicas: 1 },
});
const slice = (i: number) => ({
  metadata: { name: `svc-${i}-abcde`, namespace: 'default', labels: { 'kubernetes.io/service-name': `svc-${i}` } },
  addressType: 'IPv4',
  endpoints: [{ addresses: [`10.244.1.${i}`], conditions: { ready: true } }],
  ports: [{ port: 80, protocol: 'TCP' }],
});

const base = fakeCluster();
export function pagingCluster(): FakeApiServerOptions {
  return {
    ...base,
    objects: {
      ...base.objects,
      pods: PODS.map((p, i) => withUid(p, i, 'pod')), // 8 pods: pages of 3, 3, 2
      services: [0, 1, 2, 3, 4, 5].map(svc), // 6: pages of 3, 3, then an empty page
      endpoints: [], // no items at all
      endpointslices: [0, 1, 2, 3].map(slice), // 4, bodies without a trailing newline
      deployments: [0, 1, 2, 3, 4].map(deploy), // the token for the second page has expired
      // a name with bytes outside ASCII and JSON escapes must pass through untouched
      events: [
        {
          metadata: { name: 'caf\u00e9.1', namespace: 'default' },
          message: 'say "hi"\\\n\u{1f600}',
          involvedObject: { kind: 'Pod', name: 'web-7d4b9c' },
        },
      ],
    },
    listQuirks: { services: ['empty-last-page'], endpointslices: ['no-trailing-newline'] },
    forbidden: ['daemonsets'],
    expireFrom: { deployments: PAGE },
    hang: [],
  };
}

/** items as `kubectl get -o json` prints them, minus the kind/apiVersion it adds to each */
async function kubectlItems(kubeconfig: string, resource: string): Promise<unknown[]> {
  const r = await run(['kubectl', 'get', resource, '-A', '-o', 'json', '--kubeconfig', kubeconfig]);
  if (r.code !== 0) throw new Error(`kubectl get ${resource}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { items: Record<string, unknown>[] }).items.map(
    ({ kind: _k, apiVersion: _a, ...rest }) => rest,
  );
}

const skip = (await hasCommand('kubectl')) ? undefined : 'kubectl is not installed';
if (skip) console.log(`collector paging test skipped: ${skip}`);
const shells = skip ? [] : await availableShells();

describe.skipIf(skip !== undefined)('lists fetched as raw pages', () => {
  let server: FakeApiServer;
  let kubeconfig = '';
  const bundles = new Map<string, { bundle: Unpacked; path: string }>();

  beforeAll(async () => {
    server = await startFakeApiServer(pagingCluster());
    const dir = tempDir('netsnap-paging-');
    kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
    await Promise.all(
      shells.map(async (sh) => {
        const out = join(dir, `${sh.name}.tar.gz`);
        const argv = [
          ...sh.argv,
          SCRIPT,
          '--kubeconfig',
          kubeconfig,
          '--no-host',
          '--node',
          NODE,
          '--timeout',
          '10',
          '--page-size',
          String(PAGE),
          '-o',
          out,
        ];
        const r = await run(argv, { env: { ...process.env, HOME: dir } });
        if (r.code !== 0) throw new Error(`${sh.name}: collector exited ${r.code}: ${r.stderr}`);
        bundles.set(sh.name, { bundle: await unpack(out), path: out });
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asks for pages of --page-size with the continue token the server gave', () => {
    const pods = server.requests.filter((r) => r.path === '/api/v1/pods' && !r.query.includes('labelSelector'));
    // items 0-2, then from item 3 ("Mw") and item 6 ("Ng"): the fake server's tokens
    const asked = pods.map((r) => {
      const q = new URLSearchParams(r.query);
      return `${q.get('limit')} ${q.get('continue') ?? '-'}`;
    });
    expect(asked.sort()).toEqual(shells.flatMap(() => ['3 -', '3 Mw', '3 Ng']).sort());
    // a 403 on the first page is final: no second try through kubectl get -o json
    expect(server.requests.filter((r) => r.path === '/apis/apps/v1/daemonsets').map((r) => r.query)).toEqual(
      shells.map(() => '?limit=3'),
    );
  });

  describe.each(shells.map((s) => s.name))('under %s', (shell) => {
    const get = () => bundles.get(shell)!;

    it('records each list with its status, the command that produced it and its size', () => {
      const { bundle } = get();
      const s = statusOf(bundle);
      for (const id of [
        'cluster.nodes',
        'cluster.pods',
        'cluster.services',
        'cluster.endpoints',
        'cluster.endpointslices',
        'cluster.events',
      ])
        expect(s[id], id).toBe('ok');
      expect(bundle.record('cluster.pods').command).toBe('kubectl get --raw /api/v1/pods?limit=3 (+continue, 3 pages)');
      expect(bundle.record('cluster.services').command).toBe(
        'kubectl get --raw /api/v1/services?limit=3 (+continue, 3 pages)',
      );
      expect(bundle.record('cluster.endpoints').command).toBe('kubectl get --raw /api/v1/endpoints?limit=3');
      expect(bundle.record('cluster.endpointslices').command).toBe(
        'kubectl get --raw /apis/discovery.k8s.io/v1/endpointslices?limit=3 (+continue, 2 pages)',
      );
      for (const id of ['cluster.pods', 'cluster.services', 'cluster.endpoints']) {
        expect(bundle.record(id).bytes, id).toBe(Buffer.byteLength(bundle.text(bundle.record(id).path)));
      }
    });

    it('splices the pages into one List that JSON.parse reads, with the API list kind', () => {
      const { bundle } = get();
      const pods = bundle.json('cluster/pods.json') as {
        kind: string;
        apiVersion: string;
        metadata: object;
        items: { metadata: { uid: string } }[];
      };
      expect(pods.kind).toBe('PodList');
      expect(pods.apiVersion).toBe('v1');
      expect(pods.metadata).toEqual({ resourceVersion: '4242' });
      expect(pods.items.map((p) => p.metadata.uid)).toEqual(PODS.map((p, i) => withUid(p, i, 'pod').metadata.uid));
      expect((bundle.json('cluster/services.json') as { items: unknown[] }).items).toHaveLength(6);
      expect(bundle.json('cluster/endpoints.json')).toEqual({
        kind: 'EndpointsList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '4242' },
        items: [],
      });
      const slices = bundle.json('cluster/endpointslices.json') as {
        kind: string;
        apiVersion: string;
        items: unknown[];
      };
      expect([slices.kind, slices.apiVersion, slices.items.length]).toEqual([
        'EndpointSliceList',
        'discovery.k8s.io/v1',
        4,
      ]);
      expect(bundle.text('cluster/pods.json').endsWith(']}\n')).toBe(true);
    });

    it('holds the same items kubectl get -o json gives, apart from the kind/apiVersion kubectl adds', async () => {
      const { bundle } = get();
      for (const [file, resource] of [
        ['pods', 'pods'],
        ['services', 'services'],
        ['endpointslices', 'endpointslices.discovery.k8s.io'],
        ['events', 'events'],
      ] as const) {
        const ours = (bundle.json(`cluster/${file}.json`) as { items: unknown[] }).items;
        expect(ours, file).toEqual(await kubectlItems(kubeconfig, resource));
      }
    });

    it('records a 403 on the first page as denied and a failure on a later page as failed, with no file', () => {
      const { bundle } = get();
      const s = statusOf(bundle);
      expect(s['cluster.daemonsets']).toBe('denied');
      expect(bundle.record('cluster.daemonsets').stderrTail).toContain('(Forbidden)');
      expect(s['cluster.deployments']).toBe('failed');
      const dep = bundle.record('cluster.deployments');
      expect(dep.command).toBe('kubectl get --raw /apis/apps/v1/deployments?limit=3 (page 2 with continue)');
      expect(dep.exitCode).not.toBe(0);
      expect(dep.stderrTail).toContain('Expired');
      expect(dep.stderrTail).toContain('page 2 failed after 1 pages');
      expect(dep.bytes).toBe(0);
      expect(bundle.files).not.toContain('cluster/deployments.json');
      expect(bundle.files).not.toContain('cluster/daemonsets.json');
    });

    it('loads in the analyzer, through JSON.parse and through the large-list item scanner', async () => {
      for (const largeJsonBytes of [undefined, 1]) {
        const { snapshot } = await loadSnapshot([get().path], { largeJsonBytes });
        expect(snapshot.problems.filter((p) => p.severity === 'error').map((p) => `${p.file}: ${p.message}`)).toEqual(
          [],
        );
        expect(snapshot.cluster.pods?.map((p) => p.obj.metadata.name)).toEqual(PODS.map((p) => p.metadata.name));
        expect(snapshot.cluster.services?.length).toBe(6);
        expect(snapshot.cluster.endpoints).toEqual([]);
      }
    });
  });
});

describe.skipIf(skip !== undefined)('when a later page never answers', () => {
  it('records the list as timed out on that page, with no file', async () => {
    const server = await startFakeApiServer({ ...pagingCluster(), hangFrom: { pods: PAGE } });
    try {
      const dir = tempDir('netsnap-pagehang-');
      const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
      const out = join(dir, 'b.tar.gz');
      const r = await run(
        [
          'dash',
          SCRIPT,
          '--kubeconfig',
          kubeconfig,
          '--no-host',
          '--node',
          NODE,
          '--timeout',
          '2',
          '--page-size',
          String(PAGE),
          '-o',
          out,
        ],
        { env: { ...process.env, HOME: dir } },
      );
      expect(r.code, r.stderr).toBe(0);
      const b = await unpack(out);
      const pods = b.record('cluster.pods');
      expect([pods.status, pods.exitCode, pods.bytes]).toEqual(['timeout', 124, 0]);
      expect(pods.command).toBe('kubectl get --raw /api/v1/pods?limit=3 (page 2 with continue)');
      expect(pods.stderrTail).toContain('page 2 failed after 1 pages');
      expect(b.files).not.toContain('cluster/pods.json');
      expect(statusOf(b)['cluster.services']).toBe('ok');
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(skip !== undefined)('with a kubectl that has no --raw', () => {
  it('falls back to kubectl get -o json --chunk-size=500 and says so', async () => {
    const server = await startFakeApiServer(pagingCluster());
    try {
      const dir = tempDir('netsnap-noraw-');
      const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
      const bin = join(dir, 'bin');
      await run(['mkdir', bin]);
      // what an old kubectl answers to an unknown flag
      writeFileSync(
        join(bin, 'kubectl'),
        `#!/bin/sh\nfor a in "$@"; do [ "$a" = --raw ] && { echo 'error: unknown flag: --raw' >&2; exit 1; }; done\nexec ${realCommand('kubectl')} "$@"\n`,
      );
      chmodSync(join(bin, 'kubectl'), 0o755);
      const out = join(dir, 'b.tar.gz');
      const r = await run(
        ['dash', SCRIPT, '--kubeconfig', kubeconfig, '--no-host', '--node', NODE, '--timeout', '10', '-o', out],
        { env: { ...process.env, HOME: dir, PATH: `${bin}:${process.env.PATH}` } },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        'netsnap: note: kubectl get --raw /api/v1/pods?limit=5000: error: unknown flag: --raw; trying kubectl get -o json',
      );
      const b = await unpack(out);
      expect(statusOf(b)['cluster.pods']).toBe('ok');
      expect(b.record('cluster.pods').command).toMatch(/^kubectl get pods -A -o json --chunk-size=500 --kubeconfig /);
      const pods = b.json('cluster/pods.json') as { kind: string; items: { metadata: { name: string } }[] };
      expect(pods.kind).toBe('List');
      expect(pods.items.map((p) => p.metadata.name)).toEqual(PODS.map((p) => p.metadata.name));
      expect(statusOf(b)['cluster.daemonsets']).toBe('denied');
    } finally {
      await server.close();
    }
  });
});
