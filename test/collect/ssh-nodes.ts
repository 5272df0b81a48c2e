// Real OpenSSH "nodes" for netsnap collect (root only): one network namespace per node shaped like
// a flannel node of the article scenario (eth0 with the node IP, cni0 with a port, flannel.1 with
// onlink routes to its peers, the node's own iptables-save restored), a management veth the laptop
// (the root namespace) reaches it on, and an sshd of its own running there in a private mount and
// UTS namespace: its own host key, /etc as an overlay holding test users (`ckadmin` with
// passwordless sudo, `ckuser` without) and the node's files (/etc/cni, /run/flannel,
// /var/lib/kubelet). Nothing of the machine's /etc, ~/.ssh or /etc/ssh is changed: the client
// side is a generated key, known_hosts and ssh_config in a temp dir, used with ssh -F.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../helpers/netns.js';

export const SCENARIO = new URL('../../fixtures/scenarios/article-full-story/', import.meta.url).pathname;

export interface NodeSpec {
  /** Kubernetes node name (also the UTS hostname) */
  readonly name: string;
  /** node IP on eth0, e.g. 192.168.56.11 */
  readonly ip: string;
  /** the node's pod /24 index: 10.244.<n>.0/24 */
  readonly podNet: number;
  /** the scenario bundle whose host files and iptables-save it gets */
  readonly bundle: string;
  /** users whose authorized_keys hold the client key (default ckadmin, ckuser, root) */
  readonly authorized?: readonly string[];
}

export interface SshNode {
  readonly spec: NodeSpec;
  /** the address the laptop connects to (management veth) */
  readonly mgmt: string;
}

export interface SshLab {
  readonly dir: string;
  /** ssh -F file: the generated key, known_hosts, no agent, no ~/.ssh */
  readonly sshConfig: string;
  readonly nodes: readonly SshNode[];
  /** a TCP port on 127.0.0.1 that accepts and never says a word (a hanging node) */
  readonly hangPort: number;
  destroy(): Promise<void>;
}

async function must(argv: readonly string[], input?: string): Promise<string> {
  const r = await run(argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Why the ssh lab cannot run here, or undefined. */
export async function sshLabUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root: ip netns and sshd need root';
  for (const tool of ['ip', 'iptables-restore', 'unshare', 'ssh', 'ssh-keygen', 'sudo', 'kubectl']) {
    if ((await run(['sh', '-c', `command -v ${tool}`])).code !== 0) return `${tool} is not installed`;
  }
  if ((await run(['sh', '-c', 'test -x /usr/sbin/sshd'])).code !== 0) return '/usr/sbin/sshd is not installed';
  return undefined;
}

const host = (bundle: string, path: string): string => readFileSync(join(SCENARIO, bundle, 'host', path), 'utf8');

function nodeFiles(spec: NodeSpec): Record<string, string> {
  return {
    '/etc/cni/net.d/10-flannel.conflist': host(spec.bundle, 'cni/10-flannel.conflist'),
    '/run/flannel/subnet.env': host(spec.bundle, 'flannel-subnet.env'),
    '/var/lib/kubelet/config.yaml': host(spec.bundle, 'kubelet-config.yaml'),
    '/var/lib/kubelet/kubeadm-flags.env': host(spec.bundle, 'kubeadm-flags.env'),
    '/etc/resolv.conf': host(spec.bundle, 'resolv.conf'),
  };
}

async function buildNetns(ns: string, i: number, spec: NodeSpec, peers: readonly NodeSpec[], hostVeth: string) {
  await run(['ip', 'netns', 'del', ns]);
  await must(['ip', 'netns', 'add', ns]);
  const inNs = (args: string[]) => must(['ip', '-n', ns, ...args]);
  await must(['ip', 'link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', ns]);
  await must(['ip', 'addr', 'add', `10.88.${i}.1/24`, 'dev', hostVeth]);
  await must(['ip', 'link', 'set', hostVeth, 'up']);
  await inNs(['link', 'set', 'lo', 'up']);
  await inNs(['addr', 'add', `10.88.${i}.2/24`, 'dev', 'mgmt0']);
  await inNs(['link', 'set', 'mgmt0', 'up']);
  // eth0 holds the node IP; its peer (no dummy module on every kernel) stays in the namespace
  await inNs(['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p']);
  await inNs(['addr', 'add', `${spec.ip}/24`, 'dev', 'eth0']);
  await inNs(['link', 'set', 'eth0p', 'up']);
  await inNs(['link', 'set', 'eth0', 'up']);
  await inNs(['route', 'add', 'default', 'via', '192.168.56.1', 'dev', 'eth0']);
  await inNs(['link', 'add', 'cni0', 'type', 'bridge']);
  await inNs(['addr', 'add', `10.244.${spec.podNet}.1/24`, 'dev', 'cni0']);
  await inNs(['link', 'add', 'vethpod0', 'type', 'veth', 'peer', 'name', 'vethpod0b']);
  await inNs(['link', 'set', 'vethpod0', 'master', 'cni0']);
  for (const l of ['vethpod0', 'vethpod0b', 'cni0']) await inNs(['link', 'set', l, 'up']);
  await inNs([
    'link',
    'add',
    'flannel.1',
    'type',
    'vxlan',
    'id',
    '1',
    'local',
    spec.ip,
    'dev',
    'eth0',
    'dstport',
    '8472',
  ]);
  await inNs(['addr', 'add', `10.244.${spec.podNet}.0/32`, 'dev', 'flannel.1']);
  await inNs(['link', 'set', 'flannel.1', 'up']);
  for (const p of peers) {
    if (p.name === spec.name) continue;
    const via = `10.244.${p.podNet}.0`;
    await inNs(['route', 'add', `${via}/24`, 'via', via, 'dev', 'flannel.1', 'onlink']);
  }
  await must(['ip', 'netns', 'exec', ns, 'iptables-restore'], host(spec.bundle, 'iptables-save.txt'));
  await must(['ip', 'netns', 'exec', ns, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
}

const SSHD_CONFIG = (dir: string) => `Port 22
ListenAddress 0.0.0.0
HostKey ${dir}/host_ed25519
PidFile ${dir}/sshd.pid
AuthorizedKeysFile ${dir}/authorized/%u
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowTcpForwarding yes
LogLevel ERROR
`;

/** the node's private /etc (overlay), /run and /var/lib, users, sudoers, hostname; then sshd */
function sshdScript(dir: string, spec: NodeSpec, home: string): string {
  const files = nodeFiles(spec);
  const setup = [
    'set -e',
    `mount -t overlay overlay -o lowerdir=/etc,upperdir=${dir}/etc-up,workdir=${dir}/etc-work /etc`,
    'mount -t tmpfs tmpfs /run',
    'mount -t tmpfs tmpfs /var/lib',
    'mkdir -p /run/sshd && chmod 755 /run/sshd',
    `hostname ${spec.name}`,
    `echo '127.0.1.1 ${spec.name}' >> /etc/hosts`,
    `echo 'ckadmin:x:4201:4201::${home}:/bin/sh' >> /etc/passwd`,
    `echo 'ckuser:x:4202:4202::${home}:/bin/sh' >> /etc/passwd`,
    `echo 'ckstranger:x:4203:4203::${home}:/bin/sh' >> /etc/passwd`,
    "printf 'ckadmin:x:4201:\\nckuser:x:4202:\\nckstranger:x:4203:\\n' >> /etc/group",
    "printf 'ckadmin:*:19000:0:99999:7:::\\nckuser:*:19000:0:99999:7:::\\nckstranger:*:19000:0:99999:7:::\\n' >> /etc/shadow",
    'mkdir -p /etc/sudoers.d',
    "echo 'ckadmin ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/netsnap-test",
    'chmod 440 /etc/sudoers.d/netsnap-test',
  ];
  let n = 0;
  for (const [path, content] of Object.entries(files)) {
    const src = join(dir, `file${n++}`);
    writeFileSync(src, content);
    setup.push(`mkdir -p '${dirname(path)}'`, `rm -f '${path}'`, `cp '${src}' '${path}'`, `chmod 644 '${path}'`);
  }
  setup.push(`exec /usr/sbin/sshd -D -e -f ${dir}/sshd_config`);
  return setup.join('\n');
}

async function waitForPort(ns: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const r = await run(['ip', 'netns', 'exec', ns, 'sh', '-c', 'cat /proc/net/tcp | grep -q " 00000000:0016 "']);
    if (r.code === 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`sshd in ${ns} did not listen within ${timeoutMs} ms`);
}

export async function createSshLab(specs: readonly NodeSpec[]): Promise<SshLab> {
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-sshlab-'));
  chmodSync(dir, 0o755);
  const home = join(dir, 'home');
  mkdirSync(home, { mode: 0o755 });
  await must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'netsnap-test', '-f', join(dir, 'id_ed25519')]);
  const clientPub = readFileSync(join(dir, 'id_ed25519.pub'), 'utf8');
  const tag = `ck${process.pid % 100000}`;
  const procs: ChildProcess[] = [];
  const namespaces: string[] = [];
  const veths: string[] = [];
  const known: string[] = [];
  const nodes: SshNode[] = [];
  const sockets = new Set<Socket>();
  const hang: Server = createServer((s) => {
    sockets.add(s); // accept, then say nothing: ssh waits for the server's banner forever
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((res) => hang.listen(0, '127.0.0.1', res));
  const hangPort = (hang.address() as { port: number }).port;

  const destroy = async (): Promise<void> => {
    for (const p of procs) if (p.pid !== undefined) p.kill('SIGKILL');
    for (const s of sockets) s.destroy();
    await new Promise<void>((res) => hang.close(() => res()));
    for (const v of veths) await run(['ip', 'link', 'del', v]);
    for (const ns of namespaces) await run(['ip', 'netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const [k, spec] of specs.entries()) {
      const i = k + 1;
      const ns = `${tag}-${i}`;
      const hostVeth = `${tag}h${i}`.slice(0, 15);
      namespaces.push(ns);
      veths.push(hostVeth);
      await buildNetns(ns, i, spec, specs, hostVeth);
      const nd = join(dir, `node${i}`);
      for (const d of ['', 'etc-up', 'etc-work', 'authorized']) mkdirSync(join(nd, d), { recursive: true });
      await must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(nd, 'host_ed25519')]);
      const hostPub = readFileSync(join(nd, 'host_ed25519.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      known.push(`10.88.${i}.2 ${hostPub}`);
      if (i === 1) known.push(`127.0.0.1 ${hostPub}`); // the jump case: node 1 seen from itself
      for (const user of spec.authorized ?? ['ckadmin', 'ckuser', 'root'])
        writeFileSync(join(nd, 'authorized', user), clientPub, { mode: 0o644 });
      writeFileSync(join(nd, 'sshd_config'), SSHD_CONFIG(nd));
      const script = sshdScript(nd, spec, home);
      const child = spawn(
        'ip',
        ['netns', 'exec', ns, 'unshare', '-m', '-u', '--propagation', 'private', 'sh', '-c', script],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err = '';
      child.stderr?.on('data', (c: Buffer) => {
        err = (err + c.toString()).slice(-2000);
      });
      child.on('exit', (code) => {
        if (code && code !== 0 && code !== 137) process.stderr.write(`sshd ${ns} exited ${code}: ${err}\n`);
      });
      procs.push(child);
      await waitForPort(ns, 5000);
      nodes.push({ spec, mgmt: `10.88.${i}.2` });
    }
    writeFileSync(join(dir, 'known_hosts'), `${known.join('\n')}\n`);
    const sshConfig = join(dir, 'ssh_config');
    writeFileSync(
      sshConfig,
      [
        'Host *',
        `  IdentityFile ${join(dir, 'id_ed25519')}`,
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
        '  GlobalKnownHostsFile /dev/null',
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
    if (!existsSync(sshConfig)) throw new Error('no ssh config');
    return { dir, sshConfig, nodes, hangPort, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}
