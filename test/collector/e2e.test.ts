// End to end: the real script under dash, bash and busybox sh, real kubectl against the fake API
// server, real ip/iptables/bridge inside a network namespace shaped like a flannel worker node.
// Then the tarball is unpacked with tar and checked source by source, and loaded by loadSnapshot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISTRO_SOURCES, FIXED_SOURCES, PATTERN_SOURCES } from '../../analyzer/bundle/sources.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/apiserver.js';
import { createFlannelNode, netnsUnavailable, type FlannelNode, type RunResult } from '../helpers/netns.js';
import { REFERENCE, SCRIPT, availableShells, hasCommand, statusOf, tempDir, unpack, type Unpacked } from './bundle.js';
import { CNI_CONFLIST, NET_CONF, NODE, PODS, fakeCluster } from './fake-cluster.js';

const SUBNET_ENV =
  'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n';
const KUBELET_CONFIG =
  'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\nresolvConf: /run/systemd/resolve/resolv.conf\n';
const NODE_FILES = {
  '/etc/cni/net.d/10-flannel.conflist': CNI_CONFLIST,
  '/etc/resolv.conf': 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n',
  '/run/systemd/resolve/resolv.conf': 'nameserver 192.168.56.2\nsearch .\n',
  '/run/flannel/subnet.env': SUBNET_ENV,
  '/var/lib/kubelet/config.yaml': KUBELET_CONFIG,
  '/var/lib/kubelet/kubeadm-flags.env':
    'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"\n',
};

const skip = (await netnsUnavailable()) ?? ((await hasCommand('kubectl')) ? undefined : 'kubectl is not installed');
if (skip) console.log(`collector e2e skipped: ${skip}`);
const shells = skip ? [] : await availableShells();

describe.skipIf(skip !== undefined)('collector end to end in a flannel-node netns', () => {
  let node: FlannelNode;
  let server: FakeApiServer;
  const results = new Map<string, { run: RunResult; bundle: Unpacked; path: string }>();

  beforeAll(async () => {
    node = await createFlannelNode({
      name: `nscol${process.pid}`,
      iptablesRules: readFileSync(join(REFERENCE, 'kp.rules'), 'utf8'),
      sysctls: { 'net.ipv4.ip_forward': '1' },
    });
    server = await startFakeApiServer({ ...fakeCluster(), host: node.hostIp });
    const dir = tempDir('netsnap-e2e-');
    const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
    // All shells at once: the server answers them concurrently and the suite stays short.
    await Promise.all(
      shells.map(async (sh) => {
        const out = join(dir, `${sh.name}.tar.gz`);
        const argv = [
          ...sh.argv,
          SCRIPT,
          '--kubeconfig',
          kubeconfig,
          '--node',
          NODE,
          '--timeout',
          '3',
          '--log-lines',
          '50',
          '-o',
          out,
        ];
        const r = await node.runWithFiles(NODE_FILES, argv, { ...process.env, HOME: dir });
        results.set(sh.name, { run: r, bundle: await unpack(out), path: out });
      }),
    );
  });

  afterAll(async () => {
    await server?.close();
    await node?.destroy();
  });

  it('never requested a Secret, a service-account token or anything but GET', () => {
    expect(server.requests.length).toBeGreaterThan(20);
    expect(server.requests.filter((r) => /\/secrets|\/serviceaccounts|\/token/.test(r.path))).toEqual([]);
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  describe.each(shells.map((s) => s.name))('under %s', (shell) => {
    const get = () => results.get(shell)!;

    it('exits 0 and names every fixed source exactly once', () => {
      const { run, bundle } = get();
      expect(run.code, run.stderr).toBe(0);
      for (const spec of FIXED_SOURCES) {
        expect(
          bundle.manifest.sources.filter((s) => s.id === spec.id).map((s) => s.path),
          spec.id,
        ).toEqual([spec.path]);
      }
      const patterns = PATTERN_SOURCES.map(
        (p) => new RegExp(`^${p.id.replace(/\./g, '\\.').replace(/<[a-z]+>/g, '[^/]+')}$`),
      );
      for (const rec of bundle.manifest.sources) {
        expect(
          [...FIXED_SOURCES, ...DISTRO_SOURCES].some((f) => f.id === rec.id) || patterns.some((re) => re.test(rec.id)),
          rec.id,
        ).toBe(true);
      }
      expect(bundle.manifest.node).toBe(NODE);
      expect(bundle.manifest.user).toMatchObject({ uid: 0, root: true });
      expect(bundle.manifest.notCollected).toEqual(['secrets', 'serviceaccount-tokens', 'kubeconfig', 'kubelet-pki']);
      expect(bundle.manifest.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(get().path).toMatch(/\.tar\.gz$/);
    });

    it('records ok, denied (403), timeout (hanging) and absent (404) statuses', () => {
      const s = statusOf(get().bundle);
      for (const id of [
        'cluster.version',
        'cluster.nodes',
        'cluster.pods',
        'cluster.services',
        'cluster.endpoints',
        'cluster.endpointslices',
        'cluster.daemonsets',
        'cluster.networkpolicies',
        'cluster.namespaces',
      ]) {
        expect(s[id], id).toBe('ok');
      }
      expect(s['cluster.events']).toBe('denied');
      expect(get().bundle.record('cluster.events').stderrTail).toContain('Forbidden');
      expect(s['cluster.deployments']).toBe('timeout');
      expect(get().bundle.record('cluster.deployments').exitCode).toBe(124);
      expect(s['cluster.configmap.kube-system.coredns']).toBe('ok');
      expect(s['cluster.configmap.kube-flannel.kube-flannel-cfg']).toBe('ok');
      expect(s['cluster.configmap.kube-system.kube-flannel-cfg']).toBe('absent');
      expect(s['cluster.configmap.kube-system.kubelet-config']).toBe('absent');
      // the k3s/AKS and RKE2 Corefile ConfigMaps are asked for too; this kubeadm cluster has neither
      expect([
        s['cluster.configmap.kube-system.coredns-custom'],
        s['cluster.configmap.kube-system.rke2-coredns-rke2-coredns'],
      ]).toEqual(['absent', 'absent']);
      // no Calico here: its CRD lists answer NotFound, recorded absent (never failed, never retried)
      expect(s['cluster.calico.ippools']).toBe('absent');
      expect(s['cluster.calico.networkpolicies']).toBe('absent');
      for (const id of [
        'host.iptables-save',
        'host.ip-addr',
        'host.ip-link',
        'host.ip-route',
        'host.ip-rule',
        'host.ip-neigh',
        'host.bridge-fdb',
        'host.sysctl',
        'host.resolv-conf',
        'host.resolved-resolv-conf',
        'host.kubelet-config',
        'host.kubelet-flags',
        'host.flannel-subnet-env',
        'host.os-release',
        'host.uname',
        'host.hostname',
        'host.cni.10-flannel.conflist',
      ]) {
        expect(s[id], id).toBe('ok');
      }
      expect(s['host.ipvsadm']).toBe('absent'); // IPVS is not loaded here; ipvsadm would load it
    });

    it('keeps a file exactly for each ok source, with the recorded size', () => {
      const { bundle } = get();
      for (const rec of bundle.manifest.sources) {
        if (rec.status === 'ok') {
          expect(bundle.files, rec.id).toContain(rec.path);
          expect(Buffer.byteLength(readFileSync(join(bundle.dir, rec.path))), rec.id).toBe(rec.bytes);
        } else {
          expect(bundle.files, rec.id).not.toContain(rec.path);
        }
      }
      expect(
        bundle.files.filter((f) => f !== 'manifest.json' && !bundle.manifest.sources.some((s) => s.path === f)),
      ).toEqual([]);
    });

    it('holds what the API server served', () => {
      const { bundle } = get();
      const pods = bundle.json('cluster/pods.json') as { kind: string; items: { metadata: { name: string } }[] };
      expect(pods.kind).toBe('PodList');
      expect(pods.items.map((p) => p.metadata.name).sort()).toEqual(PODS.map((p) => p.metadata.name).sort());
      const cm = bundle.json('cluster/configmaps/kube-flannel/kube-flannel-cfg.json') as {
        data: Record<string, string>;
      };
      expect(cm.data['net-conf.json']).toBe(NET_CONF);
      const policies = bundle.json('cluster/networkpolicies.json') as { items: { metadata: { name: string } }[] };
      expect(policies.items.map((p) => p.metadata.name)).toEqual(['default-deny-ingress']);
      expect(
        (bundle.json('cluster/version.json') as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion,
      ).toBe('v1.32.4');
    });

    it("collects logs of CoreDNS, this node's kube-proxy and flannel, and --previous where restarted", () => {
      const { bundle } = get();
      const logIds = bundle.manifest.sources
        .filter((s) => s.id.startsWith('cluster.log.'))
        .map((s) => s.id)
        .sort();
      expect(logIds).toEqual([
        'cluster.log.kube-flannel.kube-flannel-ds-bbbbb.kube-flannel',
        'cluster.log.kube-system.coredns-668d6bf9bc-m9wgw.coredns',
        'cluster.log.kube-system.coredns-668d6bf9bc-m9wgw.coredns.previous',
        'cluster.log.kube-system.coredns-668d6bf9bc-s2444.coredns',
        'cluster.log.kube-system.kube-proxy-fghij.kube-proxy',
      ]);
      const prev = bundle.text('cluster/logs/kube-system/coredns-668d6bf9bc-m9wgw/coredns.previous.log');
      expect(prev).toMatch(/^2025-11-27T10:00:00\.000000000Z CoreDNS-1\.11\.3$/m);
      expect(prev).toContain('[FATAL] plugin/loop: Loop detected');
    });

    it("holds the node's real network state and files", () => {
      const { bundle } = get();
      const addrs = bundle.json('host/ip-addr.json') as {
        ifname: string;
        addr_info: { local: string; prefixlen: number }[];
      }[];
      expect(addrs.find((l) => l.ifname === 'cni0')?.addr_info.map((a) => `${a.local}/${a.prefixlen}`)).toContain(
        '10.244.1.1/24',
      );
      expect(addrs.find((l) => l.ifname === 'flannel.1')?.addr_info.map((a) => `${a.local}/${a.prefixlen}`)).toContain(
        '10.244.1.0/32',
      );
      const routes = bundle.json('host/ip-route.json') as { dst: string; dev: string; flags: string[] }[];
      expect(routes.find((r) => r.dst === '10.244.2.0/24')).toMatchObject({ dev: 'flannel.1', flags: ['onlink'] });
      expect(bundle.json('host/bridge-fdb.json')).toEqual([
        expect.objectContaining({ mac: '5e:3f:2a:11:22:33', dst: '192.168.56.12' }),
      ]);
      const save = bundle.text('host/iptables-save.txt');
      expect(save).toContain(':KUBE-SERVICES - [0:0]');
      expect(save).toContain(
        '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      );
      expect(bundle.text('host/sysctl.txt')).toMatch(/^net\.ipv4\.ip_forward = 1$/m);
      expect(bundle.text('host/iptables-version.txt')).toMatch(/^iptables v\d/);
      expect(bundle.text('host/cni/10-flannel.conflist')).toBe(CNI_CONFLIST);
      expect(bundle.text('host/flannel-subnet.env')).toBe(SUBNET_ENV);
      expect(bundle.text('host/kubelet-config.yaml')).toBe(KUBELET_CONFIG);
      expect(bundle.text('host/resolv.conf')).toBe(NODE_FILES['/etc/resolv.conf']);
    });

    it('loads through loadSnapshot with what was served and collected', async () => {
      const { snapshot } = await loadSnapshot([get().path]);
      const errors = snapshot.problems.filter((p) => p.severity === 'error');
      // The collector's own gaps (403, timeout, 404) are BND rules' business; no file may fail to parse.
      expect(errors.map((p) => `${p.file}: ${p.message}`)).toEqual([]);
      expect(snapshot.cluster.pods?.map((p) => p.obj.metadata.name).sort()).toEqual(
        PODS.map((p) => p.metadata.name).sort(),
      );
      const host = snapshot.hosts.get(NODE);
      expect(host?.sources.get('host.iptables-save')?.status).toBe('ok');
      expect(host?.iptables).toBeDefined();
      expect(host?.subnetEnv).toBeDefined();
      expect(host?.cni.length).toBe(1);
      expect(snapshot.cluster.networkPolicies?.map((p) => p.obj.metadata.name)).toEqual(['default-deny-ingress']);
      expect(snapshot.cluster.namespaces?.map((n) => n.obj.metadata.name)).toEqual([
        'default',
        'kube-system',
        'kube-flannel',
      ]);
    });
  });
});
