// `netsnap-collect.sh --probe` for real (root): the lab of test/helpers/probe-lab.ts, the fake API
// server on the lab LAN, the collector run inside each node's network namespace under dash and
// busybox sh. Broken as the scenarios are: worker-1 has no MASQUERADE (pod → external fails there
// only), then the upstream DNS stops answering (cluster DNS queries time out), once with
// --air-gapped (external names are expected to fail; nothing else changes).
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from '../helpers/apiserver.js';
import { run } from '../helpers/netns.js';
import { ProbesSchema } from '../../analyzer/zod/probes.js';
import { run as analyzeCommand } from '../../analyzer/commands/analyze.js';
import {
  BAD_UPSTREAM_DNS,
  createProbeLab,
  EXTERNAL_IP,
  EXTERNAL_NAME,
  probeLabUnavailable,
  SERVICE_CIDR_API,
  SERVICE_CIDR_DNS,
  SERVICE_CIDR_WEB,
  UPSTREAM_DNS,
  type ProbeLab,
} from '../helpers/probe-lab.js';
import { makeShimDir, readShimLog } from '../helpers/shims.js';
import { SCRIPT, allowList, availableShells, tempDir, unpack, type Unpacked } from './bundle.js';
import { probeCluster } from './probe-cluster.js';

interface ProbeRow {
  vantage: string;
  check: string;
  target: { ip?: string; port?: number; proto?: string; name?: string; service?: string; pod?: string; node?: string };
  tool: string | null;
  command: string;
  timeoutMs: number;
  attempts: number;
  successes: number;
  outcome: string;
  latencyMs: number | null;
  detail: string | null;
}
interface ProbesDoc {
  schema: string;
  node: string;
  airGapped: boolean;
  airGappedReason: string | null;
  tools: Record<string, string>;
  vantages: {
    id: string;
    kind: string;
    namespace?: string;
    name?: string;
    ip?: string;
    pid?: number;
    matchedBy?: string;
  }[];
  skippedVantages: { kind: string; why: string }[];
  probes: ProbeRow[];
}

const skip = await probeLabUnavailable();
if (skip) console.log(`collector --probe test skipped: ${skip}`);
const shells = skip ? [] : await availableShells();
const dash = shells.find((s) => s.name === 'dash') ?? shells[0];
const busybox = shells.find((s) => s.name === 'busybox') ?? dash;

// what the probe part runs (the host part's commands are checked by read-only.test.ts)
const SHIMMED = [
  'kubectl',
  'nsenter',
  'timeout',
  'busybox',
  'bash',
  'nc',
  'ping',
  'nslookup',
  'dig',
  'cat',
  'head',
  'tail',
];

/** `<vantage kind> <check> <target ip>` → outcome, the matrix the assertions read */
function matrix(doc: ProbesDoc): Record<string, string> {
  const kind = (v: string) => (v === 'host' ? 'host' : 'pod');
  return Object.fromEntries(
    doc.probes.map((p) => [`${kind(p.vantage)} ${p.check} ${p.target.ip ?? '-'}:${p.target.port ?? ''}`, p.outcome]),
  );
}

describe.skipIf(skip !== undefined)('collector --probe in a namespaced two-node cluster', () => {
  let lab: ProbeLab;
  let server: FakeApiServer;
  let badServer: FakeApiServer;
  let kubeconfig = '';
  let badKubeconfig = '';
  const dir = skip ? '' : tempDir('netsnap-probe-');
  const bundles: Record<string, Unpacked> = {};
  const shimLog = join(dir, 'calls.log');

  const collect = async (
    node: 'worker-1' | 'worker-2',
    shell: { argv: string[] },
    tag: string,
    extra: string[] = [],
    env?: NodeJS.ProcessEnv,
  ): Promise<void> => {
    const out = join(dir, `${tag}.tar.gz`);
    const r = await lab.inNode(
      node,
      [
        ...shell.argv,
        SCRIPT,
        '--kubeconfig',
        tag.includes('-down') || tag.includes('-air-gapped') ? badKubeconfig : kubeconfig,
        '--node',
        node,
        '--timeout',
        '10',
        '--probe',
        '--probe-external',
        EXTERNAL_IP,
        '--probe-name',
        EXTERNAL_NAME,
        '--probe-timeout',
        '1',
        ...extra,
        '-o',
        out,
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('--probe: SENDING PACKETS');
    bundles[tag] = await unpack(out);
  };
  const doc = (tag: string) => bundles[tag]!.json('host/probes.json') as ProbesDoc;

  beforeAll(async () => {
    lab = await createProbeLab({ noMasqueradeOn: 'worker-1' });
    server = await startFakeApiServer({ ...probeCluster(lab), host: lab.hostIp });
    kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
    // worker-1's first run goes through logging shims: every command a probe runs is on the allow-list
    const bin = join(dir, 'bin');
    makeShimDir(bin, SHIMMED, { log: shimLog });
    const shimEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    // a node without bash: TCP probes fall back to busybox nc (PATH = every tool here but bash)
    const noBash = join(dir, 'no-bash');
    mkdirSync(noBash);
    for (const d of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin'])
      for (const f of existsSync(d) ? readdirSync(d) : [])
        if (f !== 'bash' && !existsSync(join(noBash, f))) symlinkSync(join(d, f), join(noBash, f));
    await Promise.all([
      collect('worker-1', dash!, 'w1', [], shimEnv),
      collect('worker-2', busybox!, 'w2', []),
      collect('worker-2', dash!, 'w2-no-bash', [], { ...process.env, PATH: noBash }),
    ]);
    // the article's incident: the Corefile forwards to 233.5.5.5 (multicast), CoreDNS is NotReady
    badServer = await startFakeApiServer({ ...probeCluster(lab, 'bad-upstream'), host: lab.hostIp });
    badKubeconfig = badServer.writeKubeconfig(join(dir, 'kubeconfig-bad'));
    await lab.setClusterDnsUpstream(BAD_UPSTREAM_DNS);
    await Promise.all([
      collect('worker-1', dash!, 'w1-upstream-down'),
      collect('worker-2', dash!, 'w2-air-gapped', ['--air-gapped']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await badServer?.close();
    await lab?.destroy();
  });

  it('says in the manifest that it sent packets, and records host.probes', () => {
    const b = bundles.w1!;
    expect(b.manifest.flags).toContain('--probe');
    expect((b.manifest as Record<string, unknown>).sentPackets).toMatch(/--probe/);
    expect(b.record('host.probes')).toMatchObject({ status: 'ok', path: 'host/probes.json' });
    expect(b.record('host.probes').bytes).toBeGreaterThan(0);
  });

  it('runs only commands on the READ-ONLY allow-list', () => {
    const allowed = allowList(readFileSync(SCRIPT, 'utf8'));
    const calls = readShimLog(shimLog).map((argv) => argv.join(' '));
    expect(calls.filter((c) => c.startsWith('nsenter -t ')).length).toBeGreaterThan(5);
    expect(calls.filter((c) => c.startsWith('busybox nslookup ')).length).toBeGreaterThan(5);
    expect([...new Set(calls.filter((line) => !allowed.some((re) => re.test(line))))]).toEqual([]);
  });

  it('finds web-1 by its cgroup (or its IP) and enters its network namespace with nsenter', () => {
    const d = doc('w1');
    expect(d).toMatchObject({ schema: 'netsnap.probes/v1', node: 'worker-1', airGapped: false, airGappedReason: null });
    expect(d.vantages.map((v) => v.id)).toEqual(['host', 'pod:default/web-1']);
    const pod = d.vantages[1]!;
    expect(pod).toMatchObject({ kind: 'pod', namespace: 'default', name: 'web-1', ip: lab.pods['web-1'].ip });
    expect(pod.matchedBy).toMatch(lab.cgroupMade ? /^cgroup of pid \d+ names pod UID / : /holds pod IP/);
    expect(d.skippedVantages).toEqual([]);
    expect(
      d.probes
        .filter((p) => p.vantage === 'pod:default/web-1')
        .every((p) => p.command.includes(`nsenter -t ${pod.pid} -n `)),
    ).toBe(true);
    expect(d.tools).toEqual({ tcp: 'bash /dev/tcp', ping: 'busybox ping', dns: 'busybox nslookup' });
  });

  it('worker-1 without MASQUERADE: pod → outside (external IP, the upstream DNS) times out there only', () => {
    const w1 = lab.nodes['worker-1'].ip;
    const all = {
      [`node ${w1}:`]: 'ok',
      [`remote-pod ${lab.pods['web-2'].ip}:`]: 'ok',
      [`service ${SERVICE_CIDR_API}:443`]: 'ok',
      [`service ${SERVICE_CIDR_DNS}:53`]: 'ok',
      [`service ${SERVICE_CIDR_WEB}:80`]: 'ok',
      [`dns-cluster ${SERVICE_CIDR_DNS}:53`]: 'ok',
      [`dns-external ${SERVICE_CIDR_DNS}:53`]: 'ok',
      [`dns-upstream ${UPSTREAM_DNS}:53`]: 'ok',
      [`external-ip ${EXTERNAL_IP}:`]: 'ok',
    };
    const expected = (pod: Record<string, string>) =>
      Object.fromEntries([
        ...Object.entries(all).map(([k, v]) => [`host ${k}`, v]),
        ...Object.entries({ ...all, ...pod }).map(([k, v]) => [`pod ${k}`, v]),
      ]);
    // the upstream DNS is outside the pod network too: straight from the pod it needs the MASQUERADE
    expect(matrix(doc('w1'))).toEqual(
      expected({ [`external-ip ${EXTERNAL_IP}:`]: 'timeout', [`dns-upstream ${UPSTREAM_DNS}:53`]: 'timeout' }),
    );
    const w2 = lab.nodes['worker-2'].ip;
    expect(doc('w2').vantages[1]?.id).toBe('pod:default/web-2'); // an application pod before CoreDNS
    expect(doc('w2').vantages[1]?.matchedBy).toMatch(/^network namespace of pid \d+ holds pod IP 10\.244\.2\./);
    const m2 = matrix(doc('w2'));
    expect(Object.values(m2).every((o) => o === 'ok')).toBe(true);
    expect(m2[`pod node ${w2}:`]).toBe('ok');
    expect(m2[`pod remote-pod ${lab.pods['web-1'].ip}:`]).toBe('ok');
    expect(m2[`pod external-ip ${EXTERNAL_IP}:`]).toBe('ok');
  });

  it('records each probe with its target, tool, exact command, bounded attempts, and latency or the last error line', () => {
    const d = doc('w1');
    const cluster = d.probes.find((p) => p.vantage === 'host' && p.check === 'dns-cluster')!;
    expect(cluster).toMatchObject({
      target: {
        ip: SERVICE_CIDR_DNS,
        port: 53,
        proto: 'udp',
        name: 'kubernetes.default.svc.cluster.local',
        service: 'kube-system/kube-dns',
      },
      tool: 'busybox nslookup',
      command: `timeout -k 2 1 busybox nslookup kubernetes.default.svc.cluster.local ${SERVICE_CIDR_DNS}`,
      timeoutMs: 1000,
      attempts: 2,
      successes: 2,
      outcome: 'ok',
      detail: expect.stringContaining(SERVICE_CIDR_API),
    });
    expect(cluster.latencyMs).toBeGreaterThanOrEqual(0);
    const ext = d.probes.find((p) => p.vantage !== 'host' && p.check === 'external-ip')!;
    expect(ext).toMatchObject({
      target: { ip: EXTERNAL_IP, proto: 'icmp' },
      attempts: 2,
      successes: 0,
      latencyMs: null,
    });
    expect(ext.command).toMatch(
      new RegExp(`^timeout -k 2 1 nsenter -t \\d+ -n busybox ping -c 1 -W 1 ${EXTERNAL_IP.replaceAll('.', '\\.')}$`),
    );
    const svc = d.probes.find((p) => p.vantage === 'host' && p.check === 'service' && p.target.port === 443)!;
    expect(svc).toMatchObject({ target: { service: 'default/kubernetes', proto: 'tcp' }, tool: 'bash /dev/tcp' });
    expect(svc.command).toBe(`timeout -k 2 1 bash -c 'exec 3<>/dev/tcp/${SERVICE_CIDR_API}/443'`);
    const remote = d.probes.find((p) => p.check === 'remote-pod')!;
    expect(remote.target).toMatchObject({ pod: 'default/web-2', node: 'worker-2' });
  });

  it('without bash, TCP probes go through busybox nc and still answer', () => {
    const d = doc('w2-no-bash');
    expect(d.tools).toEqual({ tcp: 'busybox nc', ping: 'busybox ping', dns: 'busybox nslookup' });
    const svc = d.probes.filter((p) => p.check === 'service');
    expect(svc.map((p) => [p.vantage === 'host' ? 'host' : 'pod', p.target.ip, p.outcome])).toEqual([
      ['host', SERVICE_CIDR_API, 'ok'],
      ['host', SERVICE_CIDR_WEB, 'ok'],
      ['host', SERVICE_CIDR_DNS, 'ok'],
      ['pod', SERVICE_CIDR_API, 'ok'],
      ['pod', SERVICE_CIDR_WEB, 'ok'],
      ['pod', SERVICE_CIDR_DNS, 'ok'],
    ]);
    expect(svc[0]!.command).toBe(`timeout -k 2 1 busybox nc -w 1 ${SERVICE_CIDR_API} 443`);
  });

  it('every probes.json validates against ProbesSchema (the analysis side of the contract)', () => {
    for (const [tag, b] of Object.entries(bundles)) {
      const r = ProbesSchema.safeParse(b.json('host/probes.json'));
      expect(r.success, `${tag}: ${r.error?.message}`).toBe(true);
    }
  });

  it('upstream DNS unreachable: cluster and external names time out through kube-dns, and the upstream itself', () => {
    const m = matrix(doc('w1-upstream-down'));
    for (const v of ['host', 'pod']) {
      expect(m[`${v} dns-cluster ${SERVICE_CIDR_DNS}:53`], v).toBe('timeout');
      expect(m[`${v} dns-external ${SERVICE_CIDR_DNS}:53`], v).toBe('timeout');
      expect(m[`${v} dns-upstream ${BAD_UPSTREAM_DNS}:53`], v).toBe('timeout');
      expect(m[`${v} service ${SERVICE_CIDR_DNS}:53`], v).toBe('ok'); // the DNS pod still accepts TCP
    }
  });

  it('--air-gapped: external checks that fail are expected-fail, cluster DNS still a timeout', () => {
    const d = doc('w2-air-gapped');
    expect(d).toMatchObject({ airGapped: true, airGappedReason: 'flag' });
    expect(bundles['w2-air-gapped']!.manifest.flags).toContain('--air-gapped');
    const m = matrix(d);
    for (const v of ['host', 'pod']) {
      expect(m[`${v} dns-external ${SERVICE_CIDR_DNS}:53`], v).toBe('expected-fail');
      expect(m[`${v} dns-cluster ${SERVICE_CIDR_DNS}:53`], v).toBe('timeout');
      expect(m[`${v} dns-upstream ${BAD_UPSTREAM_DNS}:53`], v).toBe('timeout');
      expect(m[`${v} external-ip ${EXTERNAL_IP}:`], v).toBe('ok'); // answered: not hidden by the flag
    }
  });

  it('netsnap analyze --format json: pod → external on worker-1 is explained by SYS-104 on worker-1', async () => {
    const report = await analyzeJson([bundles.w1!, bundles.w2!]);
    expect(statusOf(report, 'PRB-507', 'pod:default/web-1@worker-1')).toBe('fail');
    expect(statusOf(report, 'PRB-507', 'pod:default/web-2@worker-2')).toBe('pass');
    expect(statusOf(report, 'PRB-507', 'node:worker-1')).toBe('pass');
    expect(chainsTo(report.roots, 'PRB-507/pod:default/web-1@worker-1')).toContainEqual([
      'SYS-104/node:worker-1',
      'PRB-507/pod:default/web-1@worker-1',
    ]);
  });

  it('netsnap analyze --format json: the cluster DNS timeouts sit under the DNS chain rooted at DNS-402', async () => {
    const report = await analyzeJson([bundles['w1-upstream-down']!, bundles['w2-air-gapped']!]);
    for (const subject of [
      'pod:default/web-1@worker-1',
      'node:worker-1',
      'pod:default/web-2@worker-2',
      'node:worker-2',
    ]) {
      expect(statusOf(report, 'PRB-504', subject), subject).toBe('fail');
      // the chain: cluster DNS query times out ← DNS-406 ← DNS-401 ← DNS-402
      expect(chainsTo(report.roots, `PRB-504/${subject}`), subject).toContainEqual([
        'DNS-402/configmap:kube-system/coredns',
        'DNS-401/deployment:kube-system/coredns',
        'DNS-406/service:kube-system/kube-dns',
        `PRB-504/${subject}`,
      ]);
    }
    // air-gapped worker-2: the external name through kube-dns was expected to fail, so it is no failure
    expect(statusOf(report, 'PRB-505', 'pod:default/web-2@worker-2')).not.toBe('fail');
  });
});

interface ReportJson {
  roots: ChainNode[];
  findings: { ruleId: string; status: string; subject: { key: string } }[];
}
interface ChainNode {
  finding: string;
  explains: ChainNode[];
}

/** `netsnap analyze <bundles> --format json`, in process */
async function analyzeJson(bundles: readonly Unpacked[]): Promise<ReportJson> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((x: string | Uint8Array) => ((out += String(x)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await analyzeCommand([...bundles.map((b) => b.dir), '--format', 'json']);
  } finally {
    vi.restoreAllMocks();
  }
  return JSON.parse(out) as ReportJson;
}

const statusOf = (r: ReportJson, ruleId: string, key: string): string | undefined =>
  r.findings.find((f) => f.ruleId === ruleId && f.subject.key === key)?.status;

/** every path of finding ids from a root down to `id` (a symptom may sit under several causes) */
function chainsTo(nodes: readonly ChainNode[], id: string): string[][] {
  return nodes.flatMap((n) =>
    n.finding === id ? [[id]] : chainsTo(n.explains, id).map((below) => [n.finding, ...below]),
  );
}

// No cluster, no default route, nothing else in sight: a private PID namespace (unshare -p
// --mount-proc) so /proc shows no other network namespace to enter on this shared machine.
describe.skipIf(skip !== undefined)('collector --probe --no-cluster on an isolated node', () => {
  it('detects air-gapped (no default route), skips what it has no target for and says why', async () => {
    const ns = `nsp${process.pid.toString(36)}iso`;
    const dir = tempDir('netsnap-probe-iso-');
    const out = join(dir, 'iso.tar.gz');
    await run(['ip', 'netns', 'add', ns]);
    try {
      await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      const r = await run([
        'ip',
        'netns',
        'exec',
        ns,
        'unshare',
        '-p',
        '-f',
        '--mount-proc',
        ...dash!.argv,
        SCRIPT,
        '--no-cluster',
        '--node',
        'island',
        '--probe',
        '--probe-timeout',
        '1',
        '-o',
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const d = (await unpack(out)).json('host/probes.json') as ProbesDoc;
      expect(d).toMatchObject({ node: 'island', airGapped: true, airGappedReason: 'no default route' });
      expect(d.vantages).toEqual([{ id: 'host', kind: 'host' }]);
      expect(d.skippedVantages).toEqual([{ kind: 'pod', why: expect.stringMatching(/^no other network namespace/) }]);
      expect(d.probes.map((p) => [p.check, p.outcome, p.attempts])).toEqual([
        ['node', 'skipped', 0],
        ['remote-pod', 'skipped', 0],
        ['service', 'skipped', 0],
        ['dns-cluster', 'skipped', 0],
        ['dns-external', 'skipped', 0],
        ['dns-upstream', 'skipped', 0],
        ['external-ip', 'expected-fail', 2],
      ]);
      expect(d.probes.find((p) => p.check === 'dns-cluster')?.detail).toMatch(/--no-cluster/);
      expect(ProbesSchema.safeParse(d).success).toBe(true);
    } finally {
      await run(['ip', 'netns', 'del', ns]);
    }
  }, 60_000);
});
