// The collector on a bad day: no kubectl on PATH, not root, an output path it cannot write.
// Each time it must still say why (statuses + stderrTail), and fail only when no bundle can exist.
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXED_SOURCES } from '../../analyzer/bundle/sources.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/apiserver.js';
import { run } from '../helpers/netns.js';
import { makeShimDir, realCommand } from '../helpers/shims.js';
import { SCRIPT, hasCommand, statusOf, tempDir, unpack } from './bundle.js';
import { NODE, fakeCluster } from './fake-cluster.js';

const TOOLS = [
  'iptables',
  'iptables-save',
  'ip',
  'bridge',
  'uname',
  'hostname',
  'id',
  'date',
  'cat',
  'tail',
  'od',
  'tr',
  'mktemp',
  'mkdir',
  'mv',
  'rm',
  'timeout',
  'sleep',
  'tar',
  'gzip',
  'wc',
  'true',
];

describe('without kubectl on PATH', () => {
  it('writes a bundle whose cluster sources are absent and say why', async () => {
    const dir = tempDir('netsnap-nokubectl-');
    const bin = join(dir, 'bin');
    makeShimDir(bin, TOOLS); // kubectl left out on purpose
    const out = join(dir, 'b.tar.gz');
    const dash = realCommand('dash') ?? '/bin/sh';
    const r = await run([dash, SCRIPT, '--node', NODE, '--timeout', '5', '-o', out], { env: { PATH: bin, HOME: dir } });
    expect(r.code, r.stderr).toBe(0);
    const b = await unpack(out);
    const s = statusOf(b);
    for (const spec of FIXED_SOURCES.filter((f) => f.scope === 'cluster')) {
      expect(s[spec.id], spec.id).toBe('absent');
      expect(b.record(spec.id).stderrTail).toContain('kubectl: command not found');
    }
    expect(s['host.ip-addr']).toBe('ok');
    expect(s['host.nft-ruleset']).toBe('absent'); // not on this PATH either
    // this machine has no flannel.1: no fdb to show is a fact, not a failure
    expect([s['host.bridge-fdb'], b.record('host.bridge-fdb').stderrTail]).toEqual([
      'absent',
      expect.stringContaining('no flannel.1 device on this host'),
    ]);
    expect(b.record('host.nft-ruleset').stderrTail).toContain('nft: command not found');
    expect(b.files.some((f) => f.startsWith('cluster/'))).toBe(false);
  });
});

const notRoot =
  process.getuid?.() !== 0
    ? 'not running as root, cannot switch to nobody'
    : !(await hasCommand('setpriv'))
      ? 'setpriv is not installed'
      : !(await hasCommand('iptables-save'))
        ? 'iptables-save is not installed (the test checks that a non-root run records it as denied)'
        : undefined;
if (notRoot) console.log(`collector non-root test skipped: ${notRoot}`);

describe.skipIf(notRoot !== undefined)('as a non-root user (nobody)', () => {
  let server: FakeApiServer;
  let dir = '';
  const asNobody = (args: string[]) =>
    run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'dash', SCRIPT, ...args], {
      env: { PATH: process.env.PATH, HOME: dir, TMPDIR: join(dir, 'tmp') },
    });

  beforeAll(async () => {
    server = await startFakeApiServer({ ...fakeCluster(), hang: [] });
    dir = tempDir('netsnap-nobody-');
    chmodSync(dir, 0o777);
    await run(['mkdir', '-m', '1777', join(dir, 'tmp')]);
    server.writeKubeconfig(join(dir, 'kubeconfig'));
    chmodSync(join(dir, 'kubeconfig'), 0o644);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('still writes a bundle recording what was denied', async () => {
    const out = join(dir, 'nobody.tar.gz');
    const r = await asNobody(['--kubeconfig', join(dir, 'kubeconfig'), '--node', NODE, '--timeout', '5', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const b = await unpack(out);
    expect(b.manifest.user).toEqual({ uid: 65534, root: false });
    const s = statusOf(b);
    expect(s['cluster.pods']).toBe('ok'); // the API decides, not the local uid
    expect(s['host.iptables-save']).toBe('denied');
    expect(b.record('host.iptables-save').stderrTail).toMatch(/Permission denied|must be root/);
    expect(b.record('host.iptables-save').exitCode).not.toBe(0);
    expect(s['host.ip-addr']).toBe('ok');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]); // staging removed
  });

  it('exits non-zero with a clear message when -o cannot be written, before collecting', async () => {
    const r = await asNobody(['--no-cluster', '-o', '/root/netsnap.tar.gz']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /^netsnap: error: cannot write \/root\/netsnap\.tar\.gz: directory \/root is not writable by uid 65534 \(choose another path with -o\)$/m,
    );
    expect(r.stderr).not.toMatch(/netsnap: ok /);
    expect(existsSync('/root/netsnap.tar.gz')).toBe(false);
  });
});

describe('with an output directory that does not exist', () => {
  it('exits non-zero, names the path and what to do', async () => {
    const dir = tempDir('netsnap-badout-');
    const r = await run(['dash', SCRIPT, '--no-cluster', '--no-host', '-o', join(dir, 'missing', 'b.tar.gz')], {
      env: { ...process.env, TMPDIR: dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot write ${join(dir, 'missing', 'b.tar.gz')}: directory ${join(dir, 'missing')} does not exist`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects a bad flag value with a pointer to -h', async () => {
    const r = await run(['dash', SCRIPT, '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--timeout wants seconds > 0, got 'soon'");
  });
});
