// netsnap collect --via-pod against the test API server (real kubectl): the exact pod created per
// node (pinned nodeName, the kube-proxy DaemonSet's image, host root read-only, no `privileged`),
// the bundle fetched from the pod log (a recorded bundle, base64 as the node's base64 prints it),
// the pod deleted on success, on failure, on an RBAC 403, on a timeout and on Ctrl-C.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCollectionIndex, type CollectionIndex } from '../../analyzer/bundle/collection-index.js';
import { run as collect } from '../../analyzer/commands/collect.js';
import { POD_WRAPPER, chooseImage, podRunner, podSpec } from '../../analyzer/collect/pod.js';
import { runCollection } from '../../analyzer/collect/run.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/apiserver.js';
import { hasCommand } from '../collector/bundle.js';
import { fakeCluster } from '../collector/fake-cluster.js';
import { SCENARIO } from './ssh-nodes.js';
import { startFakePodApi, type FakePodApi, type PodBehaviour } from './fake-pod-api.js';

const skip = (await hasCommand('kubectl')) ? undefined : 'kubectl is not installed';
if (skip) console.log(`netsnap collect --via-pod test skipped: ${skip}`);

const SCRIPT = readFileSync(new URL('../../collector/netsnap-collect.sh', import.meta.url), 'utf8');
const KUBE_PROXY_IMAGE = 'registry.k8s.io/kube-proxy:v1.31.2';
const FLANNEL_IMAGE = 'ghcr.io/flannel-io/flannel:v0.26.1';

const ds = (ns: string, name: string, container: string, image: string) => ({
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: container, image }] } },
  },
});

function indexOf(dir: string): CollectionIndex {
  const parsed = parseCollectionIndex(readFileSync(join(dir, 'collection.json')));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.index;
}

describe.skipIf(skip !== undefined)('netsnap collect --via-pod', () => {
  let backend: FakeApiServer;
  let api: FakePodApi;
  let work: string;
  let kubeconfig: string;
  let bundle: Buffer;
  const behaviour = new Map<string, PodBehaviour>();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'netsnap-collect-pod-'));
    // the recorded collector run the pod log serves: the article's worker-1 bundle as a tarball
    bundle = execFileSync('tar', ['-C', join(SCENARIO, 'netsnap-worker-1-20241120T093047Z'), '-czf', '-', '.']);
    const cluster = fakeCluster();
    backend = await startFakeApiServer({
      ...cluster,
      objects: {
        ...cluster.objects,
        // flannel listed first: the kube-proxy image is still preferred
        daemonsets: [
          ds('kube-flannel', 'kube-flannel-ds', 'kube-flannel', FLANNEL_IMAGE),
          ds('kube-system', 'kube-proxy', 'kube-proxy', KUBE_PROXY_IMAGE),
        ],
      },
    });
    api = await startFakePodApi(backend, { bundle, behaviour: (n) => behaviour.get(n) ?? 'succeed' });
    kubeconfig = api.writeKubeconfig(join(work, 'kubeconfig'));
  }, 30_000);

  afterAll(async () => {
    await api?.close();
    await backend?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('chooses the kube-proxy image, else kube-flannel, never an image that reads as an option', () => {
    const list = (...items: object[]) => JSON.stringify({ items });
    expect(
      chooseImage(list(ds('a', 'f', 'kube-flannel', FLANNEL_IMAGE), ds('b', 'p', 'kube-proxy', KUBE_PROXY_IMAGE))),
    ).toBe(KUBE_PROXY_IMAGE);
    expect(chooseImage(list(ds('a', 'f', 'kube-flannel', FLANNEL_IMAGE)))).toBe(FLANNEL_IMAGE);
    expect(chooseImage(list(ds('a', 'p', 'kube-proxy', '--privileged')))).toBeUndefined();
    expect(chooseImage(list())).toBeUndefined();
  });

  it('creates exactly the pinned, read-only pod per node, fetches the bundle, deletes every pod', async () => {
    behaviour.set('worker-1', 'succeed');
    behaviour.set('worker-2', 'image-pull-backoff');
    behaviour.set('control-plane', 'forbid-log');
    const before = api.created.length;
    const out = join(work, 'pods');
    const code = await collect([
      '--via-pod',
      '--nodes',
      'worker-1,worker-2,control-plane',
      '--kubeconfig',
      kubeconfig,
      '--no-cluster',
      '--timeout',
      '20',
      '--command-timeout',
      '7',
      '-o',
      out,
    ]);
    expect(code).toBe(1);
    const created = api.created.slice(before) as { metadata: { name: string }; spec: { nodeName: string } }[];
    expect(created.map((p) => p.spec.nodeName).sort()).toEqual(['control-plane', 'worker-1', 'worker-2']);
    const w1 = created.find((p) => p.spec.nodeName === 'worker-1')!;
    expect(w1).toEqual(
      podSpec({
        name: w1.metadata.name,
        namespace: 'kube-system',
        node: 'worker-1',
        image: KUBE_PROXY_IMAGE,
        script: SCRIPT,
        collectorArgs: ['--no-cluster', '-o', '-', '--timeout', '7'],
        timeoutSeconds: 20,
      }),
    );
    // the properties that matter, spelled out (podSpec could be wrong too)
    const spec = (w1 as unknown as { spec: Record<string, unknown> }).spec;
    const c = (spec.containers as Record<string, unknown>[])[0]!;
    expect([spec.nodeName, spec.hostNetwork, spec.hostPID, spec.restartPolicy]).toEqual([
      'worker-1',
      true,
      true,
      'Never',
    ]);
    expect(c.image).toBe(KUBE_PROXY_IMAGE);
    expect(c.command).toEqual([
      'sh',
      '-c',
      POD_WRAPPER,
      'netsnap-collect-wrapper',
      '--no-cluster',
      '-o',
      '-',
      '--timeout',
      '7',
    ]);
    expect((c.securityContext as { privileged: boolean }).privileged).toBe(false);
    expect(c.volumeMounts).toContainEqual({
      name: 'host',
      mountPath: '/host',
      readOnly: true,
      mountPropagation: 'None',
    });
    expect(spec.volumes).toContainEqual({ name: 'host', hostPath: { path: '/', type: 'Directory' } });
    expect((c.env as { name: string; value: string }[])[0]).toEqual({ name: 'NETSNAP_SCRIPT', value: SCRIPT });
    expect(spec.automountServiceAccountToken).toBe(false);

    // deleted: every pod created, whatever its outcome
    expect(api.deleted.filter((k) => created.some((p) => k === `kube-system/${p.metadata.name}`)).sort()).toEqual(
      created.map((p) => `kube-system/${p.metadata.name}`).sort(),
    );
    const ix = indexOf(out);
    const by = Object.fromEntries(ix.nodes.map((n) => [n.node, n]));
    expect([by['worker-1']?.outcome, by['worker-1']?.privilege, by['worker-1']?.via]).toEqual(['ok', 'pod', 'pod']);
    expect(readFileSync(join(out, 'netsnap-worker-1.tar.gz')).equals(bundle)).toBe(true);
    expect(by['worker-2']?.outcome).toBe('failed');
    expect(by['worker-2']?.error).toContain('ErrImagePull');
    expect(by['worker-2']?.error).toContain('--image');
    expect(by['control-plane']?.outcome).toBe('denied');
    expect(by['control-plane']?.error).toContain('RBAC: get pods/log');
    expect(readdirSync(out).sort()).toEqual(['collection.json', 'netsnap-worker-1.tar.gz']);
  }, 60_000);

  it('without --nodes: one pod per Node of the cluster (kubectl get nodes), named by metadata.name', async () => {
    const before = api.created.length;
    const out = join(work, 'all-nodes');
    for (const n of ['control-plane', 'worker-1', 'worker-2']) behaviour.set(n, 'succeed');
    const code = await collect(['--via-pod', '--kubeconfig', kubeconfig, '--no-cluster', '-o', out]);
    const pods = api.created.slice(before) as { spec: { nodeName: string } }[];
    const names = indexOf(out).nodes.map((n) => n.node);
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual([...names].sort());
    expect(names).toEqual(['control-plane', 'worker-1']);
    expect(code).toBe(0);
  }, 60_000);

  it('RBAC denial on create is reported plainly and nothing is left to delete', async () => {
    behaviour.set('worker-9', 'forbid-create');
    const before = api.created.length;
    const out = join(work, 'rbac');
    const code = await collect([
      '--via-pod',
      '--image',
      'busybox:1.36',
      '--nodes',
      'worker-9',
      '--kubeconfig',
      kubeconfig,
      '--no-cluster',
      '-o',
      out,
    ]);
    expect(code).toBe(1);
    expect(api.created.length).toBe(before);
    const n = indexOf(out).nodes[0]!;
    expect(n.outcome).toBe('denied');
    expect(n.error).toMatch(
      /^RBAC: create pods in namespace kube-system was refused \(netsnap collect --via-pod needs create, get, delete on pods and get on pods\/log there\)/,
    );
    expect(n.error).toContain('cannot create resource "pods"');
  }, 30_000);

  it('Ctrl-C while a pod is running: the pod is still deleted and the index says interrupted', async () => {
    behaviour.set('worker-7', 'pending');
    const out = join(work, 'abort');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(out);
    const ac = new AbortController();
    const before = api.created.length;
    const poll = setInterval(() => {
      if (api.created.length > before) ac.abort();
    }, 50);
    const kubectl = ['kubectl', '--kubeconfig', kubeconfig];
    const ix = await runCollection({
      outDir: out,
      mode: 'pod',
      nodes: [{ node: 'worker-7', target: 'worker-7', named: true }],
      concurrency: 2,
      timeoutSeconds: 60,
      tool: 'netsnap test',
      runner: podRunner(
        { namespace: 'kube-system', image: 'busybox:1.36', kubectl, timeoutSeconds: 60 },
        SCRIPT,
        () => ['--no-cluster', '-o', '-'],
      ),
      cluster: { skipped: 'test' },
      signal: ac.signal,
    });
    clearInterval(poll);
    const name = (api.created[before] as { metadata: { name: string } }).metadata.name;
    expect(api.deleted).toContain(`kube-system/${name}`);
    expect(ix.complete).toBe(false);
    expect(ix.nodes.map((n) => n.outcome)).toEqual(['interrupted']);
    expect(indexOf(out).nodes.map((n) => n.outcome)).toEqual(['interrupted']);
  }, 30_000);

  it('a pod that never finishes is given up at the node time limit, and deleted', async () => {
    behaviour.set('worker-8', 'pending');
    const before = api.created.length;
    const out = join(work, 'slow');
    const t0 = Date.now();
    const code = await collect([
      '--via-pod',
      '--image',
      'busybox:1.36',
      '--nodes',
      'worker-8',
      '--kubeconfig',
      kubeconfig,
      '--no-cluster',
      '--timeout',
      '2',
      '-o',
      out,
    ]);
    expect(code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(indexOf(out).nodes.map((n) => n.outcome)).toEqual(['timeout']);
    const name = (api.created[before] as { metadata: { name: string } }).metadata.name;
    expect(api.deleted).toContain(`kube-system/${name}`);
  }, 30_000);
});
