// Every external command the collector runs goes through a logging shim; each recorded
// invocation must match the read-only allow-list in the script header, and none may look like a
// change to the node or the cluster (checked independently of the header, so a careless header
// cannot allow it). The same run checks that hostile stderr bytes still give a valid manifest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from '../helpers/apiserver.js';
import { run } from '../helpers/netns.js';
import { makeShimDir, readShimLog } from '../helpers/shims.js';
import { SCRIPT, allowList, availableShells, hasCommand, statusOf, tempDir, unpack, type Unpacked } from './bundle.js';
import { NODE, fakeCluster } from './fake-cluster.js';

// Everything the script could plausibly call, plus what it must never call (so a call is seen).
const COMMANDS = [
  'kubectl',
  'iptables',
  'iptables-save',
  'iptables-legacy-save',
  'iptables-nft-save',
  'ip6tables-save',
  'nft',
  'ipvsadm',
  'ipset',
  'ip',
  'bridge',
  'conntrack',
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
  'sed',
  'awk',
  'grep',
  'head',
  'cp',
  'ln',
  'chmod',
  'chown',
  'sysctl',
  'modprobe',
  'insmod',
  'rmmod',
  'iptables-restore',
  'ip6tables',
  'ebtables',
  'tc',
  'ethtool',
  'find',
  'ls',
  'dd',
];

// Stderr a tool might print: quotes, backslashes, control bytes, NUL, invalid and valid UTF-8.
const HOSTILE = Buffer.concat([
  Buffer.from('say "hi" back\\slash\t\x01\x1b[0m\x00 '),
  Buffer.from([0xff, 0xfe]),
  Buffer.from(' caf\u00e9 \u{1f600} '),
  Buffer.from([0xe2, 0x82]),
  Buffer.from(' %s %d\n'),
]);
const HOSTILE_DECODED = 'say "hi" back\\slash\t\u0001\u001b[0m\u0000 \ufffd\ufffd caf\u00e9 \u{1f600} \ufffd %s %d\n';

const skip = (await hasCommand('kubectl')) ? undefined : 'kubectl is not installed';
if (skip) console.log(`collector read-only test skipped: ${skip}`);
const shells = await availableShells();

describe.skipIf(skip !== undefined)('collector runs only read-only commands', () => {
  let server: FakeApiServer;
  let calls: string[][] = [];
  let stagingRoot = '';
  const bundles = new Map<string, Unpacked>();

  beforeAll(async () => {
    server = await startFakeApiServer(fakeCluster());
    const dir = tempDir('netsnap-shims-');
    stagingRoot = join(dir, 'tmp');
    await run(['mkdir', stagingRoot]);
    const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
    await Promise.all(
      shells.map(async (sh) => {
        const log = join(dir, `${sh.name}.log`);
        const bin = join(dir, `bin-${sh.name}`);
        makeShimDir(bin, COMMANDS, { log, fakes: { 'ip6tables-save': { stderr: HOSTILE, code: 1 } } });
        const out = join(dir, `${sh.name}.tar.gz`);
        const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, TMPDIR: stagingRoot, HOME: dir };
        // The full cluster run is traced under the first shell; the others trace host commands only
        // (cheaper, and the cluster half is the same code under every shell in the e2e test).
        const cluster = sh === shells[0] ? ['--kubeconfig', kubeconfig] : ['--no-cluster'];
        const r = await run([...sh.argv, SCRIPT, ...cluster, '--node', NODE, '--timeout', '3', '-o', out], { env });
        expect(r.code, r.stderr).toBe(0);
        bundles.set(sh.name, await unpack(out));
        calls = calls.concat(readShimLog(log));
      }),
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  it('calls only commands on the header allow-list', () => {
    const allowed = allowList(readFileSync(SCRIPT, 'utf8'));
    expect(allowed.length).toBeGreaterThan(20);
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.filter(([cmd, verb]) => cmd === 'kubectl' && verb === 'logs').length).toBeGreaterThan(0);
    const offending = calls.map((argv) => argv.join(' ')).filter((line) => !allowed.some((re) => re.test(line)));
    expect([...new Set(offending)]).toEqual([]);
  });

  it('never changes the node or the cluster, and never asks for secrets', () => {
    const bad = calls.filter(([cmd = '', ...args]) => {
      if (
        [
          'sysctl',
          'modprobe',
          'insmod',
          'rmmod',
          'iptables-restore',
          'ip6tables',
          'ebtables',
          'tc',
          'ethtool',
          'cp',
          'ln',
          'chmod',
          'chown',
          'dd',
        ].includes(cmd)
      )
        return true;
      if (
        /^ip6?tables/.test(cmd) &&
        args.some((a) =>
          /^-[ADIRFZNXPE]$|^--(append|delete|insert|replace|flush|zero|new-chain|delete-chain|policy|rename-chain)$/.test(
            a,
          ),
        )
      )
        return true;
      if (cmd === 'ip' && args.some((a) => /^(add|del|delete|set|flush|change|replace|append)$/.test(a))) return true;
      if (cmd === 'nft' && !['list ruleset', '-j list ruleset'].includes(args.join(' '))) return true;
      if (cmd === 'kubectl' && !['get', 'version', 'logs'].includes(args[0] ?? '')) return true;
      if (cmd === 'kubectl' && args.some((a) => /^(secrets?|serviceaccounts?|sa)(\.|$)|token/.test(a))) return true;
      if (
        (cmd === 'rm' || cmd === 'mkdir' || cmd === 'mv') &&
        args.some((a) => a.startsWith('/') && !a.startsWith(`${stagingRoot}/netsnap.`))
      )
        return true;
      return false;
    });
    expect(bad.map((a) => a.join(' '))).toEqual([]);
    expect(server.requests.filter((r) => /\/secrets|\/serviceaccounts/.test(r.path))).toEqual([]);
  });

  it('leaves no staging directory behind', async () => {
    expect((await run(['ls', '-A', stagingRoot])).stdout).toBe('');
  });

  it.each(shells.map((s) => s.name))(
    'under %s, hostile stderr bytes still give a valid manifest with the exact text',
    (shell) => {
      const b = bundles.get(shell)!;
      expect(statusOf(b)['host.ip6tables-save']).toBe('failed');
      expect(b.record('host.ip6tables-save').exitCode).toBe(1);
      expect(b.record('host.ip6tables-save').stderrTail).toBe(HOSTILE_DECODED);
    },
  );
});
