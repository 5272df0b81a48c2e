// The collector on k3s / RKE2 / kubeadm / microk8s / Charmed nodes: each distribution's own config,
// static pods, args files, unit list, journald and /var/log/pods logs, under dash, bash and
// busybox sh. The node's files live in a private mount namespace (/etc overlaid, /var, /run and the
// unit directory on tmpfs), so the machine's own files are never read or touched. Planted secrets
// (one per form the scrubber knows) must not appear anywhere in the bundle.
import { chmodSync, existsSync, mkdirSync, realpathSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../analyzer/model/load.js';
import type { Snapshot } from '../../analyzer/model/types.js';
import { run, type RunResult } from '../helpers/netns.js';
import { SCRIPT, availableShells, hasCommand, statusOf, tempDir, unpack, type Unpacked } from './bundle.js';

/** one planted secret per form; none may reach the bundle */
const SECRETS = {
  token: 'K10f00dfeedserver0token',
  agentToken: 'agentTOKENquoted42',
  datastorePassword: 'pgPassw0rdInUrl',
  s3Key: 'S3SECRETKEYVALUE',
  flagEq: 'flagEqualsSecret',
  flagSpace: 'flagSpaceSecret',
  listItem: 'listUnderSecretKey',
  envValue: 'envPasswordValue',
  urlCreds: 'urlCredentialPw',
  pem: 'MIIEpemBodySecret',
  kubeconfig: 'calicoSaTokenInKubeconfig',
  unitFlag: 'K10unitExecStartToken',
  envFile: 'K10envFileToken',
} as const;

const K3S_CONFIG = `write-kubeconfig-mode: "0644"
token: ${SECRETS.token}
agent-token: "${SECRETS.agentToken}"
datastore-endpoint: postgres://k3s:${SECRETS.datastorePassword}@db.example:5432/k3s
"etcd-s3-secret-key": '${SECRETS.s3Key}'
cluster-cidr: 10.42.0.0/16
service-cidr: 10.43.0.0/16
flannel-backend: vxlan
kubelet-arg:
  - "--bootstrap-token=${SECRETS.flagEq}"
  - "max-pods=110"
`;
const K3S_DROPIN = `node-label:
  - "zone=a"
secrets-list:
  - ${SECRETS.listItem}
`;
const RKE2_KUBE_PROXY = `apiVersion: v1
kind: Pod
metadata:
  name: kube-proxy
  namespace: kube-system
  labels:
    component: kube-proxy
    tier: control-plane
spec:
  containers:
  - name: kube-proxy
    image: index.docker.io/rancher/hardened-kubernetes:v1.28.5-rke2r1-build20231219
    command:
    - kube-proxy
    args:
    - --cluster-cidr=10.42.0.0/16
    - --conntrack-max-per-core=0
    - --hostname-override=n1
    - --kubeconfig=/var/lib/rancher/rke2/agent/kubeproxy.kubeconfig
    - --proxy-mode=iptables
    - --token ${SECRETS.flagSpace}
`;
const KUBEADM_APISERVER = `apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-apiserver
    tier: control-plane
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --service-cluster-ip-range=10.96.0.0/12
    - --etcd-servers=https://user:${SECRETS.urlCreds}@127.0.0.1:2379
    env:
    - name: ETCD_PASSWORD
      value: ${SECRETS.envValue}
    image: registry.k8s.io/kube-apiserver:v1.29.0
    name: kube-apiserver
  extra: |
    -----BEGIN RSA PRIVATE KEY-----
    ${SECRETS.pem}
    -----END RSA PRIVATE KEY-----
`;
/** /lib comes first in the collector's unit directories; where it is /usr/lib, that is the path found */
const LIB = existsSync('/lib') && realpathSync('/lib') === '/usr/lib' ? '/lib' : '/usr/lib';
const CRI = (ts: string, msg: string) => `2024-01-15T10:00:${ts}.123456789Z stdout F ${msg}\n`;

/** path -> content of the fake node; directories end in / */
const NODE_FILES: Record<string, string> = {
  '/etc/rancher/k3s/config.yaml': K3S_CONFIG,
  '/etc/rancher/k3s/config.yaml.d/10-zone.yaml': K3S_DROPIN,
  '/etc/rancher/rke2/config.yaml': 'cni: canal\n',
  '/var/lib/rancher/k3s/agent/etc/flannel/net-conf.json':
    '{\n  "Network": "10.42.0.0/16",\n  "EnableIPv6": false,\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n',
  '/var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist':
    '{"name":"cbr0","cniVersion":"1.0.0","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"forceAddress":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}\n',
  '/var/lib/rancher/rke2/agent/pod-manifests/kube-proxy.yaml': RKE2_KUBE_PROXY,
  '/etc/kubernetes/manifests/kube-apiserver.yaml': KUBEADM_APISERVER,
  '/etc/cni/net.d/10-calico.conflist':
    '{"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[{"type":"calico"}]}\n',
  '/etc/cni/net.d/calico-kubeconfig': `apiVersion: v1\nusers:\n- name: calico\n  user:\n    token: ${SECRETS.kubeconfig}\n`,
  '/var/snap/microk8s/current/args/kube-proxy':
    '--kubeconfig=${SNAP_DATA}/credentials/proxy.config\n--cluster-cidr=10.1.0.0/16\n--healthz-bind-address=127.0.0.1\n',
  '/var/snap/microk8s/current/args/kubelet':
    '--kubeconfig=${SNAP_DATA}/credentials/kubelet.config\n--cluster-domain=cluster.local\n--cluster-dns=10.152.183.10\n',
  '/var/snap/microk8s/current/args/cni-network/calico-kubeconfig': `token: ${SECRETS.kubeconfig}\n`,
  '/var/snap/microk8s/current/args/cni-network/cni.yaml': 'kind: DaemonSet\nmetadata:\n  name: calico-node\n',
  '/var/snap/kube-proxy/current/args':
    '--cluster-cidr="10.1.0.0/16"\n--kubeconfig="/root/cdk/kubeproxyconfig"\n--v="0"\n',
  '/etc/rancher/rke2/config.yaml.d/99-huge.yaml': `# ${'x'.repeat(100)}\n`.repeat(10_500),
  '/etc/init.d/k3s': '#!/sbin/openrc-run\ncommand="/usr/local/bin/k3s"\n',
  '/var/log/k3s.log': 'time="2024-01-15T10:00:00Z" level=info msg="Starting k3s v1.28.5+k3s1 (5b2d1271)"\n',
  // what the k3s install script writes for INSTALL_K3S_EXEC (k3s-io/k3s#3932 shows this ExecStart)
  '/etc/systemd/system/k3s.service': `[Unit]\nDescription=Lightweight Kubernetes\n\n[Service]\nEnvironmentFile=-/etc/systemd/system/k3s.service.env\nExecStart=/usr/local/bin/k3s \\\n    server \\\n        '--disable=traefik' \\\n        '--flannel-backend=none' \\\n        '--token=${SECRETS.unitFlag}' \\\n        '--node-ip=10.169.72.127' \\\n\n`,
  '/etc/systemd/system/k3s.service.env': `K3S_TOKEN=${SECRETS.envFile}\n`,
  '/etc/systemd/system/snap.kube-proxy.daemon.service': '[Service]\nExecStart=/usr/bin/snap run kube-proxy.daemon\n',
  '/usr/lib/systemd/system/containerd.service': '[Service]\nExecStart=/usr/bin/containerd\n',
  '/var/log/pods/kube-system_coredns-6799fbcd5-x7k2p_0b1c2d3e-0000-4000-8000-000000000001/coredns/0.log':
    CRI('00', '[INFO] plugin/reload: Running configuration SHA512 = 591cf3') +
    CRI('01', '[ERROR] plugin/errors: 2 example.com. A: read udp 10.42.0.5:45678->8.8.8.8:53: i/o timeout'),
  '/var/log/pods/kube-system_coredns-6799fbcd5-x7k2p_0b1c2d3e-0000-4000-8000-000000000001/coredns/1.log':
    CRI('02', '[INFO] CoreDNS-1.10.1') +
    CRI('03', '[FATAL] plugin/loop: Loop (127.0.0.1:53 -> :53) detected for zone "."'),
  '/var/log/pods/kube-system_coredns-6799fbcd5-x7k2p_0b1c2d3e-0000-4000-8000-000000000001/coredns/10.log': CRI(
    '04',
    '[INFO] newest',
  ),
  '/var/log/pods/kube-flannel_kube-flannel-ds-9xq2z_1b1c2d3e-0000-4000-8000-000000000002/kube-flannel/0.log': CRI(
    '05',
    'I0115 10:00:05.000000       1 main.go:212] CLI flags config: {etcdEndpoints:http://127.0.0.1:4001}',
  ),
  '/var/log/pods/default_web-1_2b1c2d3e-0000-4000-8000-000000000003/web/0.log': CRI('06', 'not a networking pod'),
};

const FAKE_JOURNALCTL = `#!/bin/sh
printf '%s\\n' "$*" >>"\${JOURNAL_LOG:-/dev/null}"
u=$2
if [ "$(id -u)" != 0 ]; then
  # what journalctl 249+ prints outside the systemd-journal group
  echo 'Hint: You are currently not seeing messages from other users and the system.' >&2
  echo '      Users in groups '"'"'adm'"'"', '"'"'systemd-journal'"'"' can see all messages.' >&2
  echo '-- No entries --'; exit 0
fi
printf '%s\\n' "2024-01-15T10:00:00+0000 n1 $u[812]: I0115 10:00:00.000000     812 server.go:1] started $u"
`;

const skip =
  process.getuid?.() !== 0
    ? 'not root: the fake node needs a mount namespace'
    : (await hasCommand('unshare'))
      ? undefined
      : 'unshare is not installed';
if (skip) console.log(`collector distro-sources test skipped: ${skip}`);
const shells = skip ? [] : await availableShells();

/** run the collector with `files` in place (private mount namespace); `mode` per path (default 644) */
async function collectOnFakeNode(
  dir: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  files: Record<string, string> = NODE_FILES,
  modes: Record<string, string> = {},
  extra: readonly string[] = [],
): Promise<RunResult> {
  const setup = ['set -e'];
  mkdirSync(join(dir, 'etc-up'));
  mkdirSync(join(dir, 'etc-work'));
  setup.push(`mount -t overlay overlay -o lowerdir=/etc,upperdir=${dir}/etc-up,workdir=${dir}/etc-work /etc`);
  // the machine's own units must not show: hide /usr/lib/systemd/system where it exists
  setup.push(
    'mount -t tmpfs tmpfs /var',
    'mount -t tmpfs tmpfs /run',
    'if [ -d /usr/lib/systemd/system ]; then mount -t tmpfs tmpfs /usr/lib/systemd/system; fi',
  );
  Object.entries(files).forEach(([path, content], n) => {
    const src = join(dir, `f${n}`);
    writeFileSync(src, content);
    setup.push(
      `mkdir -p '${path.slice(0, path.lastIndexOf('/'))}'`,
      `cp '${src}' '${path}'`,
      `chmod ${modes[path] ?? '644'} '${path}'`,
    );
  });
  setup.push(...extra, 'exec "$@"');
  return run(['unshare', '-m', '--propagation', 'private', 'sh', '-c', setup.join('\n'), 'sh', ...argv], { env });
}

describe.skipIf(skip !== undefined)('collector: distribution sources on a fake node', () => {
  const results = new Map<string, { run: RunResult; bundle: Unpacked; path: string; journal: string }>();

  beforeAll(async () => {
    await Promise.all(
      shells.map(async (sh) => {
        const dir = mkdtempSync(join(tempDir('netsnap-distro-'), `${sh.name}-`));
        const bin = join(dir, 'bin');
        mkdirSync(bin);
        writeFileSync(join(bin, 'journalctl'), FAKE_JOURNALCTL);
        chmodSync(join(bin, 'journalctl'), 0o755);
        const out = join(dir, 'b.tar.gz');
        const journal = join(dir, 'journal.argv');
        writeFileSync(journal, '');
        const r = await collectOnFakeNode(
          dir,
          [...sh.argv, SCRIPT, '--no-cluster', '--node', 'n1', '--timeout', '5', '--log-lines', '50', '-o', out],
          { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: dir, TMPDIR: dir, JOURNAL_LOG: journal },
        );
        results.set(sh.name, { run: r, bundle: await unpack(out), path: out, journal });
      }),
    );
  }, 120_000);

  describe.each(shells.map((s) => s.name))('under %s', (shell) => {
    const get = () => results.get(shell)!;

    it('exits 0 and collects every distribution source that exists', () => {
      const { run: r, bundle } = get();
      expect(r.code, r.stderr).toBe(0);
      const s = statusOf(bundle);
      for (const id of [
        'host.k3s-config',
        'host.rke2-config',
        'host.k3s-flannel-net-conf',
        'host.microk8s-kube-proxy-args',
        'host.microk8s-kubelet-args',
        'host.snap-kube-proxy-args',
        'host.systemd-units',
        'host.k3s-service',
        'host.k3s-config-d.10-zone.yaml',
        'host.k3s-cni.10-flannel.conflist',
        'host.rke2-static-pod.kube-proxy.yaml',
        'host.static-pod.kube-apiserver.yaml',
        'host.microk8s-cni.cni.yaml',
      ])
        expect(s[id], id).toBe('ok');
      // distribution sources are recorded only where they exist
      expect(s['host.snap-kubelet-args']).toBeUndefined();
      expect(bundle.text('host/k3s/flannel-net-conf.json')).toBe(
        NODE_FILES['/var/lib/rancher/k3s/agent/etc/flannel/net-conf.json'],
      );
      expect(bundle.text('host/microk8s/args/kube-proxy')).toBe(
        NODE_FILES['/var/snap/microk8s/current/args/kube-proxy'],
      );
    });

    it('a file to scrub over 1 MiB is skipped with the reason, not read line by line', () => {
      const rec = get().bundle.record('host.rke2-config-d.99-huge.yaml');
      expect(rec).toMatchObject({ status: 'skipped', bytes: 0 });
      expect(rec.stderrTail).toContain('larger than 1048576 bytes');
    });

    it('never reads a kubeconfig, in /etc/cni/net.d or the microk8s CNI dir: recorded as skipped with the reason', () => {
      const { bundle } = get();
      for (const id of ['host.cni.calico-kubeconfig', 'host.microk8s-cni.calico-kubeconfig']) {
        expect(bundle.record(id).status, id).toBe('skipped');
        expect(bundle.record(id).stderrTail).toContain('a kubeconfig holds credentials');
      }
      expect(bundle.files.filter((f) => f.includes('kubeconfig'))).toEqual([]);
    });

    it('scrubs every planted secret form and keeps the rest of each file as written', () => {
      const { bundle } = get();
      const everything = bundle.files.map((f) => bundle.text(f)).join('\n');
      for (const [form, secret] of Object.entries(SECRETS))
        expect(everything.includes(secret), `${form} leaked`).toBe(false);
      expect(bundle.text('host/k3s/config.yaml').split('\n')).toEqual([
        'write-kubeconfig-mode: "0644"',
        'token: "netsnap-scrubbed"',
        'agent-token: "netsnap-scrubbed"',
        'datastore-endpoint: "netsnap-scrubbed"',
        '"etcd-s3-secret-key": "netsnap-scrubbed"',
        'cluster-cidr: 10.42.0.0/16',
        'service-cidr: 10.43.0.0/16',
        'flannel-backend: vxlan',
        'kubelet-arg:',
        '  - "--bootstrap-token=netsnap-scrubbed"',
        '  - "max-pods=110"',
        '',
      ]);
      expect(bundle.record('host.k3s-config').stderrTail).toContain('scrubbed 5 secret value(s)');
      expect(bundle.text('host/k3s/config.yaml.d/10-zone.yaml')).toBe(
        'node-label:\n  - "zone=a"\nsecrets-list:\n  - netsnap-scrubbed\n',
      );
      const rke2 = bundle.text('host/rke2/pod-manifests/kube-proxy.yaml');
      expect(rke2).toContain('    - --token netsnap-scrubbed\n');
      expect(rke2).toContain('    - --cluster-cidr=10.42.0.0/16\n');
      const api = bundle.text('host/static-pods/kube-apiserver.yaml');
      expect(api).toContain('    - --etcd-servers=https://netsnap-scrubbed@127.0.0.1:2379\n');
      expect(api).toContain('      value: "netsnap-scrubbed"\n');
      expect(api).toContain('    - --service-cluster-ip-range=10.96.0.0/12\n');
    });

    it('lists the known units that have a unit file and reads the journal of exactly those', () => {
      const { bundle, journal } = get();
      expect(bundle.text('host/systemd-units.txt')).toBe(
        `/etc/systemd/system/k3s.service\n/etc/systemd/system/snap.kube-proxy.daemon.service\n${LIB}/systemd/system/containerd.service\n/etc/init.d/k3s\n`,
      );
      expect(bundle.record('host.k3s-log')).toMatchObject({ status: 'ok', command: 'tail -n 50 /var/log/k3s.log' });
      const journals = bundle.manifest.sources
        .filter((r) => r.id.startsWith('host.journal.'))
        .map((r) => [r.id, r.status, r.path]);
      expect(journals).toEqual([
        ['host.journal.k3s', 'ok', 'host/journal/k3s.log'],
        ['host.journal.snap.kube-proxy.daemon', 'ok', 'host/journal/snap.kube-proxy.daemon.log'],
        ['host.journal.containerd', 'ok', 'host/journal/containerd.log'],
      ]);
      expect(readFileSync(journal, 'utf8').split('\n').filter(Boolean).sort()).toEqual([
        '-u containerd --no-pager -n 50 -o short-iso',
        '-u k3s --no-pager -n 50 -o short-iso',
        '-u snap.kube-proxy.daemon --no-pager -n 50 -o short-iso',
      ]);
    });

    it('reads the newest and the previous log of networking containers from /var/log/pods, and nothing else', () => {
      const { bundle } = get();
      const logs = bundle.manifest.sources
        .filter((r) => r.id.startsWith('host.pod-log.'))
        .map((r) => [r.id, r.status, r.command]);
      const base = '/var/log/pods/kube-system_coredns-6799fbcd5-x7k2p_0b1c2d3e-0000-4000-8000-000000000001/coredns';
      expect(logs).toEqual([
        ['host.pod-log.kube-system.coredns-6799fbcd5-x7k2p.coredns', 'ok', `tail -n 50 ${base}/10.log`],
        ['host.pod-log.kube-system.coredns-6799fbcd5-x7k2p.coredns.previous', 'ok', `tail -n 50 ${base}/1.log`],
        [
          'host.pod-log.kube-flannel.kube-flannel-ds-9xq2z.kube-flannel',
          'ok',
          'tail -n 50 /var/log/pods/kube-flannel_kube-flannel-ds-9xq2z_1b1c2d3e-0000-4000-8000-000000000002/kube-flannel/0.log',
        ],
      ]);
      expect(bundle.text('host/pod-logs/kube-system/coredns-6799fbcd5-x7k2p/coredns.previous.log')).toContain(
        '[FATAL] plugin/loop: Loop',
      );
    });

    it('loads into HostState and merges the host pod logs under cluster logs', async () => {
      const { snapshot } = await loadSnapshot([get().path]);
      const s: Snapshot = snapshot;
      const h = s.hosts.get('n1')!;
      expect(h.distroConfigs.map((c) => [c.ref.path, c.value.distro])).toEqual([
        ['host/k3s/k3s.service', 'k3s'],
        ['host/k3s/config.yaml', 'k3s'],
        ['host/k3s/config.yaml.d/10-zone.yaml', 'k3s'],
        ['host/rke2/config.yaml', 'rke2'],
      ]);
      expect(h.distroConfigs[0]!.value.values).toEqual({
        disable: 'traefik',
        'flannel-backend': 'none',
        token: 'netsnap-scrubbed',
        'node-ip': '10.169.72.127',
      });
      expect(h.distroConfigs[0]!.value.lines.get('flannel-backend')).toBe(9);
      expect(s.derived.components.get('flannel')).toMatchObject({
        value: 'absent',
        at: { path: 'host/k3s/k3s.service', line: 9 },
      });
      expect(h.distroConfigs[1]!.value.values['cluster-cidr']).toBe('10.42.0.0/16');
      expect(h.distroConfigs[1]!.value.lines.get('cluster-cidr')).toBe(6);
      expect(h.staticPods.get('host/rke2/pod-manifests/kube-proxy.yaml')?.value.flags.get('cluster-cidr')).toEqual({
        value: '10.42.0.0/16',
        line: 16,
      });
      expect(h.componentArgs.get('snap/kube-proxy')?.value.flags.get('cluster-cidr')).toEqual({
        value: '10.1.0.0/16',
        line: 1,
      });
      expect(h.systemdUnits?.value.map((u) => u.unit)).toEqual(['k3s', 'snap.kube-proxy.daemon', 'containerd', 'k3s']);
      expect(h.journal.get('k3s')?.value[0]).toMatchObject({ line: 1, level: 'info', message: 'started k3s' });
      expect(h.k3sFlannelNetConf?.value.Network).toBe('10.42.0.0/16');
      expect(h.distroCni.map((c) => c.ref.path)).toEqual(['host/k3s/cni/10-flannel.conflist']);
      const prev = s.cluster.logs.get('kube-system/coredns-6799fbcd5-x7k2p/coredns.previous');
      expect(prev?.ref.path).toBe('host/pod-logs/kube-system/coredns-6799fbcd5-x7k2p/coredns.previous.log');
      expect(prev?.value[1]).toMatchObject({ line: 2, level: 'fatal', time: '2024-01-15T10:00:03.123456789Z' });
      expect(prev?.value[1]?.raw).toBe(
        CRI('03', '[FATAL] plugin/loop: Loop (127.0.0.1:53 -> :53) detected for zone "."').trimEnd(),
      );
      expect(s.problems.filter((p) => p.severity === 'error')).toEqual([]);
    });
  });
});

describe.skipIf(skip !== undefined)('collector: distribution sources, other nodes', () => {
  it('a node without any distribution file records none of them (no absent noise)', async () => {
    const dir = mkdtempSync(join(tempDir('netsnap-distro-'), 'plain-'));
    const out = join(dir, 'b.tar.gz');
    const r = await collectOnFakeNode(
      dir,
      ['dash', SCRIPT, '--no-cluster', '--node', 'n1', '--timeout', '5', '-o', out],
      { PATH: process.env.PATH, HOME: dir, TMPDIR: dir },
      { '/etc/cni/net.d/10-flannel.conflist': '{"name":"cbr0","plugins":[{"type":"flannel"}]}\n' },
    );
    expect(r.code, r.stderr).toBe(0);
    const ids = (await unpack(out)).manifest.sources.map((x) => x.id);
    expect(ids.filter((id) => /^host\.(k3s|rke2|microk8s|snap|static-pod|pod-log)/.test(id))).toEqual([]);
    expect(ids).toContain('host.cni.10-flannel.conflist');
  });

  it('Kubernetes < 1.14 log layout: pod logs found through /var/log/containers links, newest by mtime', async () => {
    const dir = tempDir('netsnap-distro-oldlogs-');
    const out = join(dir, 'b.tar.gz');
    const uid = '7a4c1e5e-2d35-11e9-9a4b-000c29d3c7a1';
    const docker = (msg: string) => `{"log":"${msg}\\n","stream":"stdout","time":"2019-02-10T10:00:00.000000000Z"}\n`;
    const pods = `/var/log/pods/${uid}`;
    const links = '/var/log/containers';
    const r = await collectOnFakeNode(
      dir,
      ['busybox', 'sh', SCRIPT, '--no-cluster', '--node', 'n1', '--timeout', '5', '--log-lines', '10', '-o', out],
      { PATH: process.env.PATH, HOME: dir, TMPDIR: dir },
      {
        [`${pods}/coredns_0.log`]: docker('.:53 on 10.244.0.5'),
        [`${pods}/coredns_1.log`]: docker('[FATAL] plugin/loop: Forwarding loop detected in \\".\\" zone.'),
      },
      {},
      [
        `mkdir -p ${links}`,
        `touch -d '2019-02-10 10:00:00' ${pods}/coredns_0.log`,
        `touch -d '2019-02-10 11:00:00' ${pods}/coredns_1.log`,
        `ln -s ${pods}/coredns_1.log ${links}/coredns-86c58d9df4-x2m9q_kube-system_coredns-bbbb.log`,
        `ln -s ${pods}/coredns_0.log ${links}/coredns-86c58d9df4-x2m9q_kube-system_coredns-aaaa.log`,
        `ln -s ${pods}/coredns_0.log ${links}/web-1_default_web-cccc.log`,
      ],
    );
    expect(r.code, r.stderr).toBe(0);
    const b = await unpack(out);
    const logs = b.manifest.sources.filter((x) => x.id.startsWith('host.pod-log.')).map((x) => [x.id, x.command]);
    expect(logs).toEqual([
      [
        'host.pod-log.kube-system.coredns-86c58d9df4-x2m9q.coredns',
        `tail -n 10 ${links}/coredns-86c58d9df4-x2m9q_kube-system_coredns-bbbb.log`,
      ],
      [
        'host.pod-log.kube-system.coredns-86c58d9df4-x2m9q.coredns.previous',
        `tail -n 10 ${links}/coredns-86c58d9df4-x2m9q_kube-system_coredns-aaaa.log`,
      ],
    ]);
    const { snapshot } = await loadSnapshot([out]);
    expect(snapshot.cluster.logs.get('kube-system/coredns-86c58d9df4-x2m9q/coredns')?.value[0]).toMatchObject({
      level: 'fatal',
      time: '2019-02-10T10:00:00.000000000Z',
    });
  });

  it('as nobody: a root-only k3s config is recorded denied, never read', async () => {
    const hasSetpriv = await hasCommand('setpriv');
    if (!hasSetpriv) return;
    const dir = tempDir('netsnap-distro-nobody-');
    chmodSync(dir, 0o777);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'journalctl'), FAKE_JOURNALCTL);
    chmodSync(join(bin, 'journalctl'), 0o755);
    const out = join(dir, 'b.tar.gz');
    const r = await collectOnFakeNode(
      dir,
      [
        'setpriv',
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        'dash',
        SCRIPT,
        '--no-cluster',
        '--node',
        'n1',
        '--timeout',
        '5',
        '-o',
        out,
      ],
      { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: dir, TMPDIR: dir },
      { '/etc/rancher/k3s/config.yaml': K3S_CONFIG, '/etc/systemd/system/k3s.service': '[Service]\n' },
      { '/etc/rancher/k3s/config.yaml': '600' },
    );
    expect(r.code, r.stderr).toBe(0);
    const b = await unpack(out);
    expect(b.record('host.k3s-config')).toMatchObject({ status: 'denied', bytes: 0 });
    expect(b.record('host.k3s-config').stderrTail).toContain(
      '/etc/rancher/k3s/config.yaml: Permission denied (uid 65534)',
    );
    expect(b.files).not.toContain('host/k3s/config.yaml');
    // journalctl outside the journal groups: exit 0, "-- No entries --", a hint: that is denied, not an empty log
    expect(b.record('host.journal.k3s')).toMatchObject({ status: 'denied', bytes: 0 });
    expect(b.record('host.journal.k3s').stderrTail).toContain('not seeing messages from other users');
    expect(b.files).not.toContain('host/journal/k3s.log');
  });
});
