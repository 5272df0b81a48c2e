// netsnap collect --ssh for real (root only): three sshd "nodes" in network namespaces shaped like
// the article scenario (worker-1 without its MASQUERADE rule), plus a node that accepts TCP and
// never answers. The collector runs inside each namespace over real OpenSSH (sudo -n, a jump host,
// a refused key, a user without sudo); the cluster objects come from the fake API server serving
// the scenario's cluster files. Then `netsnap analyze` on the folder finds the article's faults and
// BND-905 reports the node that timed out.
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCollectionIndex, type CollectionIndex } from '../../analyzer/bundle/collection-index.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { run as analyzeCommand } from '../../analyzer/commands/analyze.js';
import { run as collect } from '../../analyzer/commands/collect.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { subjectKey } from '../../analyzer/rules/types.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/apiserver.js';
import { unpack } from '../collector/bundle.js';
import { SCENARIO, createSshLab, sshLabUnavailable, type SshLab } from './ssh-nodes.js';
import { scenarioCluster } from './scenario-cluster.js';

const skip = await sshLabUnavailable();
if (skip) console.log(`netsnap collect --ssh test skipped: ${skip}`);

const CP = 'netsnap-control-plane-20241120T093000Z';
const W1 = 'netsnap-worker-1-20241120T093047Z';
const W2 = 'netsnap-worker-2-20241120T093054Z';

function indexOf(dir: string): CollectionIndex {
  const parsed = parseCollectionIndex(readFileSync(join(dir, 'collection.json')));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.index;
}

const outcomes = (ix: CollectionIndex) => Object.fromEntries(ix.nodes.map((n) => [n.node, n.outcome]));

describe.skipIf(skip !== undefined)('netsnap collect --ssh against sshd nodes in network namespaces', () => {
  let lab: SshLab;
  let server: FakeApiServer;
  let work: string;
  let kubeconfig: string;
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'netsnap-collect-ssh-'));
    // ssh and kubectl never see the real home: no ~/.ssh, no ~/.kube, no agent
    process.env.HOME = work;
    delete process.env.SSH_AUTH_SOCK;
    lab = await createSshLab([
      { name: 'control-plane', ip: '192.168.56.10', podNet: 0, bundle: CP },
      { name: 'worker-1', ip: '192.168.56.11', podNet: 1, bundle: W1 },
      { name: 'worker-2', ip: '192.168.56.12', podNet: 2, bundle: W2, authorized: ['ckadmin', 'ckuser'] },
    ]);
    server = await startFakeApiServer(scenarioCluster(join(SCENARIO, CP)));
    kubeconfig = server.writeKubeconfig(join(work, 'kubeconfig'));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await lab?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
    process.env.HOME = saved.HOME;
    if (saved.SSH_AUTH_SOCK !== undefined) process.env.SSH_AUTH_SOCK = saved.SSH_AUTH_SOCK;
  });

  const base = () => ['--ssh', '-F', lab.sshConfig, '--command-timeout', '5'];

  it('three nodes and a hanging one: the folder analyzes like the article, the hanging node is BND-905', async () => {
    const out = join(work, 'article');
    const nodes = [
      'control-plane=10.88.1.2',
      'worker-1=10.88.2.2',
      'worker-2=10.88.3.2',
      `worker-3=ssh://127.0.0.1:${lab.hangPort}`,
    ].join(',');
    const t0 = Date.now();
    const code = await collect([
      ...base(),
      '--sudo',
      '-l',
      'ckadmin',
      '--nodes',
      nodes,
      '--timeout',
      '6',
      '--kubeconfig',
      kubeconfig,
      '-o',
      out,
    ]);
    const wall = Date.now() - t0;
    const ix = indexOf(out);
    expect(code).toBe(1);
    expect(outcomes(ix)).toEqual({
      'control-plane': 'ok',
      'worker-1': 'ok',
      'worker-2': 'ok',
      'worker-3': 'timeout',
    });
    expect(ix.complete).toBe(true);
    expect(ix.cluster).toMatchObject({ outcome: 'ok', bundle: 'netsnap-cluster.tar.gz' });
    expect(ix.nodes.filter((n) => n.outcome === 'ok').map((n) => n.privilege)).toEqual(['sudo', 'sudo', 'sudo']);
    expect(wall).toBeLessThan(40_000);
    // bundles on disk are exactly the ok ones, nothing half-written is left
    expect(readdirSync(out).sort()).toEqual([
      'collection.json',
      'netsnap-cluster.tar.gz',
      'netsnap-control-plane.tar.gz',
      'netsnap-worker-1.tar.gz',
      'netsnap-worker-2.tar.gz',
    ]);
    // the collector really ran as root inside worker-1's namespace: its own iptables, hostname and links
    const w1 = await unpack(join(out, 'netsnap-worker-1.tar.gz'));
    expect(w1.manifest.node).toBe('worker-1');
    expect(w1.manifest.user).toMatchObject({ uid: 0, root: true });
    expect(w1.text('host/hostname.txt').trim()).toBe('worker-1');
    expect(w1.text('host/iptables-save.txt')).toContain('KUBE-SERVICES');
    expect(w1.text('host/iptables-save.txt')).not.toContain('FLANNEL-POSTRTG -s 10.244.0.0/16');
    expect(w1.text('host/ip-addr.json')).toContain('192.168.56.11');

    // `netsnap analyze <folder>`: the folder of bundles, collection.json read beside them
    const { snapshot: s } = await loadSnapshot([out]);
    expect(s.collection?.index.nodes).toHaveLength(4);
    const a = analyze(s);
    const failing = a.findings.filter((f) => f.status === 'fail' || f.status === 'warn');
    const keys = new Set(failing.map((f) => `${f.ruleId} ${subjectKey(f.subject)}`));
    expect(keys).toContain('SYS-104 node:worker-1');
    expect(keys).toContain('DNS-402 configmap:kube-system/coredns');
    expect(keys).not.toContain('SYS-104 node:worker-2');
    const bnd = failing.filter((f) => f.ruleId === 'BND-905');
    expect(bnd.map((f) => [subjectKey(f.subject), f.data?.outcome])).toEqual([['node:worker-3', 'timeout']]);
    expect(bnd[0]?.evidence.map((e) => [e.path, e.pointer])).toEqual([
      ['collection.json', '/nodes/3/outcome'],
      ['collection.json', '/nodes/3/error'],
    ]);
    const roots = a.roots.map((r) => `${r.finding.ruleId} ${subjectKey(r.finding.subject)}`);
    expect(roots).toContain('SYS-104 node:worker-1');
    expect(roots).toContain('DNS-402 configmap:kube-system/coredns');
    // and through the command itself: the JSON report names the same findings
    const report = join(work, 'article.json');
    await analyzeCommand([out, '--format', 'json', '--fail-on', 'never', '-o', report]);
    const text = readFileSync(report, 'utf8');
    for (const id of ['SYS-104', 'DNS-402', 'BND-905']) expect(text).toContain(`"${id}"`);
    // bundles given one by one also find collection.json beside them
    const one = await loadSnapshot(
      readdirSync(out)
        .filter((n) => n.endsWith('.tar.gz'))
        .map((n) => join(out, n)),
    );
    expect(one.snapshot.collection?.index.nodes.map((n) => n.outcome)).toEqual(['ok', 'ok', 'ok', 'timeout']);
  }, 60_000);

  it('a refused key, sudo wanting a password, and a login without sudo: each recorded, none stops the others', async () => {
    const out = join(work, 'refusals');
    // worker-2 (10.88.3.2) holds no key for root; ckuser has no sudo rights anywhere
    const code = await collect([
      ...base(),
      '--sudo',
      '--nodes',
      'worker-2=root@10.88.3.2,worker-1=ckuser@10.88.2.2,control-plane=ckadmin@10.88.1.2',
      '--no-cluster',
      '--timeout',
      '20',
      '-o',
      out,
    ]);
    const ix = indexOf(out);
    expect(code).toBe(1);
    expect(outcomes(ix)).toEqual({ 'worker-2': 'denied', 'worker-1': 'denied', 'control-plane': 'ok' });
    const byNode = Object.fromEntries(ix.nodes.map((n) => [n.node, n]));
    expect(byNode['worker-2']?.error).toContain('Permission denied (publickey)');
    expect(byNode['worker-2']?.exitCode).toBe(255);
    expect(byNode['worker-1']?.error).toContain('sudo: a password is required');
    expect(ix.cluster.outcome).toBe('skipped');

    // the same user without --sudo: collected with its own rights, recorded as such
    const out2 = join(work, 'login');
    expect(await collect([...base(), '--nodes', 'worker-1=ckuser@10.88.2.2', '--no-cluster', '-o', out2])).toBe(0);
    const ix2 = indexOf(out2);
    expect(ix2.nodes.map((n) => [n.node, n.outcome, n.privilege])).toEqual([['worker-1', 'ok', 'login']]);
    const b = await unpack(join(out2, 'netsnap-worker-1.tar.gz'));
    expect(b.manifest.user).toMatchObject({ uid: 4202, root: false });
    // nothing was copied to the node: the login's home (shared by the test users) is still empty
    expect(readdirSync(join(lab.dir, 'home'))).toEqual([]);
  }, 60_000);

  it('a jump host (-J): the node is reached through another', async () => {
    const out = join(work, 'jump');
    // 127.0.0.1 seen from control-plane's namespace is control-plane itself; the laptop cannot reach it directly
    const code = await collect([
      ...base(),
      '--sudo',
      '-J',
      'ckadmin@10.88.1.2',
      '--nodes',
      'control-plane=ckadmin@127.0.0.1',
      '--no-cluster',
      '-o',
      out,
    ]);
    expect(code).toBe(0);
    const ix = indexOf(out);
    expect(ix.nodes.map((n) => [n.node, n.outcome])).toEqual([['control-plane', 'ok']]);
    const b = await unpack(join(out, 'netsnap-control-plane.tar.gz'));
    expect(b.text('host/hostname.txt').trim()).toBe('control-plane');
    expect(existsSync(join(out, 'netsnap-cluster.tar.gz'))).toBe(false);
  }, 30_000);
});
