// A flannel VXLAN worker node built for real inside a network namespace (root only): veth as
// eth0 192.168.56.11/24 with its host-side peer, bridge cni0 10.244.1.1/24, vxlan flannel.1
// 10.244.1.0/32 with onlink routes to two peer /24s, and an iptables ruleset restored with
// iptables-restore. Node files (/etc/cni/net.d, /run/flannel/subnet.env, kubelet config...) are
// placed in a private mount namespace per run, so the machine's own files are never touched.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run argv asynchronously (an in-process fake API server must keep answering meanwhile). */
export function run(
  argv: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      argv[0]!,
      argv.slice(1),
      { env: opts.env ?? process.env, cwd: opts.cwd, maxBuffer: 64 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

async function must(argv: readonly string[], input?: string): Promise<void> {
  const r = await run(argv, { input });
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr}`);
}

/** Why a netns test cannot run here, or undefined when it can. */
export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root: ip netns needs root';
  for (const tool of ['ip', 'iptables-restore', 'unshare', 'bridge']) {
    if ((await run(['sh', '-c', `command -v ${tool}`])).code !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

export interface FlannelNodeOptions {
  /** netns name; unique per test run */
  readonly name: string;
  /** host-side veth address with prefix, e.g. 192.168.56.1/24; a fake API server can listen on it */
  readonly hostAddress?: string;
  /** iptables-restore input (e.g. captured-here/kp.rules) */
  readonly iptablesRules?: string;
  /** sysctls to set inside the namespace (netns-local ones only), e.g. net.ipv4.ip_forward=1 */
  readonly sysctls?: Readonly<Record<string, string>>;
}

export interface FlannelNode {
  readonly name: string;
  readonly hostIp: string;
  /** run argv inside the netns with `files` (absolute paths under /etc, /run, /var/lib) in place */
  runWithFiles(
    files: Readonly<Record<string, string>>,
    argv: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): Promise<RunResult>;
  destroy(): Promise<void>;
}

export async function createFlannelNode(opts: FlannelNodeOptions): Promise<FlannelNode> {
  const ns = opts.name;
  const hostAddress = opts.hostAddress ?? '192.168.56.1/24';
  const hostVeth = `${ns}`.slice(0, 11) + '-h';
  await run(['ip', 'netns', 'del', ns]);
  await must(['ip', 'netns', 'add', ns]);
  const inNs = (args: string[]) => must(['ip', '-n', ns, ...args]);
  await must(['ip', 'link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await must(['ip', 'addr', 'add', hostAddress, 'dev', hostVeth]);
  await must(['ip', 'link', 'set', hostVeth, 'up']);
  await inNs(['link', 'set', 'lo', 'up']);
  await inNs(['addr', 'add', '192.168.56.11/24', 'dev', 'eth0']);
  await inNs(['link', 'set', 'eth0', 'up']);
  await inNs(['link', 'add', 'cni0', 'type', 'bridge']);
  await inNs(['addr', 'add', '10.244.1.1/24', 'dev', 'cni0']);
  await inNs(['link', 'set', 'cni0', 'up']);
  await inNs([
    'link',
    'add',
    'flannel.1',
    'type',
    'vxlan',
    'id',
    '1',
    'local',
    '192.168.56.11',
    'dev',
    'eth0',
    'dstport',
    '8472',
    'nolearning',
  ]);
  await inNs(['addr', 'add', '10.244.1.0/32', 'dev', 'flannel.1']);
  await inNs(['link', 'set', 'flannel.1', 'up']);
  await inNs(['route', 'add', '10.244.0.0/24', 'via', '10.244.0.0', 'dev', 'flannel.1', 'onlink']);
  await inNs(['route', 'add', '10.244.2.0/24', 'via', '10.244.2.0', 'dev', 'flannel.1', 'onlink']);
  await must(['bridge', '-n', ns, 'fdb', 'append', '5e:3f:2a:11:22:33', 'dev', 'flannel.1', 'dst', '192.168.56.12']);
  if (opts.iptablesRules) await must(['ip', 'netns', 'exec', ns, 'iptables-restore'], opts.iptablesRules);
  for (const [key, value] of Object.entries(opts.sysctls ?? {})) {
    await must(['ip', 'netns', 'exec', ns, 'sh', '-c', `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`]);
  }
  const work = mkdtempSync(join(tmpdir(), `${ns}-`));
  return {
    name: ns,
    hostIp: hostAddress.split('/')[0]!,
    async runWithFiles(files, argv, env) {
      const root = mkdtempSync(join(work, 'run-'));
      const setup = ['set -e'];
      let n = 0;
      const bases = { '/etc/': 'etc', '/run/': 'run', '/var/lib/': 'varlib' } as const;
      // /etc gets an overlay (the tools still need the real /etc); /run and /var/lib fresh tmpfs.
      mkdirSync(join(root, 'etc-up'));
      mkdirSync(join(root, 'etc-work'));
      setup.push(`mount -t overlay overlay -o lowerdir=/etc,upperdir=${root}/etc-up,workdir=${root}/etc-work /etc`);
      setup.push('mount -t tmpfs tmpfs /run', 'mount -t tmpfs tmpfs /var/lib');
      for (const [path, content] of Object.entries(files)) {
        if (!Object.keys(bases).some((b) => path.startsWith(b)))
          throw new Error(`runWithFiles: ${path} is not under /etc, /run or /var/lib`);
        const src = join(root, `f${n++}`);
        writeFileSync(src, content);
        setup.push(`mkdir -p '${dirname(path)}'`, `rm -f '${path}'`, `cp '${src}' '${path}'`, `chmod 644 '${path}'`);
      }
      setup.push('exec "$@"');
      return run(
        [
          'ip',
          'netns',
          'exec',
          ns,
          'unshare',
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          setup.join('\n'),
          'sh',
          ...argv,
        ],
        { env },
      );
    },
    async destroy() {
      await run(['ip', 'link', 'del', hostVeth]);
      await run(['ip', 'netns', 'del', ns]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
