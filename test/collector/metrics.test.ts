// The collector's metrics snapshot (docs/metrics.md): kube-proxy's /metrics read with curl, else wget,
// else bash's /dev/tcp, and each CoreDNS pod's :9153/metrics through the API server's pod proxy (real
// kubectl against the fake API server). Real metrics text (fixtures/reference/metrics) is served and
// must arrive byte for byte; a port nobody listens on is a failed source with the tool's error.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from '../helpers/apiserver.js';
import { run } from '../helpers/netns.js';
import { parsePromText } from '../../analyzer/parse/prom-text.js';
import { REFERENCE, SCRIPT, hasCommand, tempDir, unpack, type Unpacked } from './bundle.js';
import { fakeCluster } from './fake-cluster.js';

const KP_TEXT = readFileSync(join(REFERENCE, '../metrics/kube-proxy-1.13.4.prom'), 'utf8');
const DNS_TEXT = readFileSync(join(REFERENCE, '../metrics/coredns-1.7.0-some-load.prom'), 'utf8');

/** a PATH of symlinks to everything on PATH but `without` */
function pathWithout(dir: string, without: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const d of (process.env.PATH ?? '').split(':')) {
    if (!d || !existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (without.includes(name) || existsSync(join(dir, name))) continue;
      try {
        symlinkSync(join(d, name), join(dir, name));
      } catch {
        // a name seen twice on PATH: the first wins, as for the shell
      }
    }
  }
  return dir;
}

const skipDash = (await hasCommand('dash')) ? undefined : 'dash is not installed';
if (skipDash) console.log(`collector metrics tests skipped: ${skipDash}`);
const tools = { curl: await hasCommand('curl'), wget: await hasCommand('wget'), bash: await hasCommand('bash') };

describe.skipIf(skipDash !== undefined)('collector: kube-proxy metrics', () => {
  let server: Server;
  let port = 0;
  const got = new Map<string, Unpacked>();
  const variants = [
    { name: 'curl', without: [] as string[], need: tools.curl },
    { name: 'wget', without: ['curl'], need: tools.wget },
    { name: 'bash /dev/tcp', without: ['curl', 'wget'], need: tools.bash },
  ];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        res.end(KP_TEXT);
      } else {
        res.writeHead(404);
        res.end('404 page not found\n');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const dir = tempDir('netsnap-metrics-');
    await Promise.all(
      [...variants.filter((v) => v.need), { name: 'refused', without: [] as string[], need: true }].map(
        async (v, i) => {
          const out = join(dir, `${i}.tar.gz`);
          const PATH = v.without.length ? pathWithout(join(dir, `path${i}`), v.without) : process.env.PATH;
          const target = v.name === 'refused' ? '127.0.0.1:1' : `127.0.0.1:${port}`;
          const r = await run(
            ['dash', SCRIPT, '--no-cluster', '--kube-proxy-metrics', target, '--timeout', '5', '-o', out],
            {
              env: { ...process.env, PATH },
            },
          );
          if (r.code !== 0) throw new Error(`collector (${v.name}) exited ${r.code}: ${r.stderr}`);
          got.set(v.name, await unpack(out));
        },
      ),
    );
  });
  afterAll(() => server?.close());

  for (const v of variants)
    it.skipIf(!v.need)(
      `reads it with ${v.name}${v.without.length ? ` (no ${v.without.join(', no ')} on PATH)` : ''}`,
      () => {
        const b = got.get(v.name)!;
        const rec = b.record('host.kube-proxy-metrics');
        expect(rec).toMatchObject({ status: 'ok', path: 'host/metrics/kube-proxy.prom', bytes: KP_TEXT.length });
        expect(rec.command).toBe(`GET http://127.0.0.1:${port}/metrics (${v.name})`);
        expect(b.text('host/metrics/kube-proxy.prom')).toBe(KP_TEXT);
        expect(parsePromText(b.text('host/metrics/kube-proxy.prom')).problems).toEqual([]);
      },
    );

  it('nothing listening: failed, with the reason, and no file', () => {
    const b = got.get('refused')!;
    const rec = b.record('host.kube-proxy-metrics');
    expect(rec.status).toBe('failed');
    expect(rec.stderrTail).toMatch(/refused|connect/i);
    expect(b.files).not.toContain('host/metrics/kube-proxy.prom');
  });
});

const skipKube = skipDash ?? ((await hasCommand('kubectl')) ? undefined : 'kubectl is not installed');
if (skipKube && !skipDash) console.log(`collector CoreDNS metrics test skipped: ${skipKube}`);

describe.skipIf(skipKube !== undefined)('collector: CoreDNS metrics through the pod proxy', () => {
  let api: FakeApiServer;
  let bundle: Unpacked;

  beforeAll(async () => {
    api = await startFakeApiServer({
      ...fakeCluster(),
      podMetrics: { 'kube-system/coredns-668d6bf9bc-s2444': DNS_TEXT },
    });
    const dir = tempDir('netsnap-dnsmetrics-');
    const kubeconfig = api.writeKubeconfig(join(dir, 'kubeconfig'));
    const out = join(dir, 'b.tar.gz');
    const r = await run(['dash', SCRIPT, '--no-host', '--kubeconfig', kubeconfig, '--timeout', '5', '-o', out], {
      env: { ...process.env, HOME: dir },
    });
    if (r.code !== 0) throw new Error(`collector exited ${r.code}: ${r.stderr}`);
    bundle = await unpack(out);
  });
  afterAll(async () => api?.close());

  it('reads kube-proxy at the metricsBindAddress of the kube-proxy ConfigMap (0.0.0.0:<port> read on 127.0.0.1)', async () => {
    const srv = createServer((_req, res) => res.end(KP_TEXT));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const port = (srv.address() as AddressInfo).port;
    const base = fakeCluster();
    const configmaps = (base.objects?.configmaps as readonly { metadata: { name: string } }[]).map((cm) =>
      cm.metadata.name === 'kube-proxy'
        ? {
            ...cm,
            data: {
              'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmetricsBindAddress: 0.0.0.0:${port}\nmode: ""\n`,
            },
          }
        : cm,
    );
    const api2 = await startFakeApiServer({ ...base, objects: { ...base.objects, configmaps } });
    try {
      const dir = tempDir('netsnap-kpaddr-');
      const out = join(dir, 'b.tar.gz');
      const r = await run(
        ['dash', SCRIPT, '--kubeconfig', api2.writeKubeconfig(join(dir, 'kubeconfig')), '--timeout', '5', '-o', out],
        { env: { ...process.env, HOME: dir } },
      );
      expect(r.code, r.stderr).toBe(0);
      const b = await unpack(out);
      expect(b.record('host.kube-proxy-metrics')).toMatchObject({ status: 'ok' });
      expect(b.record('host.kube-proxy-metrics').command).toContain(`http://127.0.0.1:${port}/metrics`);
      expect(b.text('host/metrics/kube-proxy.prom')).toBe(KP_TEXT);
    } finally {
      await api2.close();
      srv.close();
    }
  });

  it('a pod that serves metrics: ok, byte for byte, via GET only', () => {
    const rec = bundle.record('cluster.metrics.coredns.coredns-668d6bf9bc-s2444');
    expect(rec).toMatchObject({ status: 'ok', path: 'cluster/metrics/coredns/coredns-668d6bf9bc-s2444.prom' });
    expect(bundle.text('cluster/metrics/coredns/coredns-668d6bf9bc-s2444.prom')).toBe(DNS_TEXT);
    expect(api.requests.filter((q) => q.path.includes('/proxy/'))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          method: 'GET',
          path: '/api/v1/namespaces/kube-system/pods/coredns-668d6bf9bc-s2444:9153/proxy/metrics',
        }),
      ]),
    );
  });

  it('a pod that does not answer: failed with the API server message, no file', () => {
    const rec = bundle.record('cluster.metrics.coredns.coredns-668d6bf9bc-m9wgw');
    expect(rec.status).toBe('failed');
    expect(rec.stderrTail).toMatch(/connection refused|ServiceUnavailable|unable/i);
    expect(bundle.files).not.toContain('cluster/metrics/coredns/coredns-668d6bf9bc-m9wgw.prom');
  });
});
