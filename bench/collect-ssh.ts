// Scale of `netsnap collect --ssh` on the laptop's side (issue 14 item 3): N nodes at -j J, served
// by a few real sshd instances on 127.0.0.1 whose ForceCommand returns a recorded bundle (the
// article's worker-1), so what is measured is the fan-out: ssh processes, handshakes, streaming
// to disk, collection.json rewrites. Wall time and peak RSS from GNU time -v: its maximum RSS is
// that of the largest process (the node process; an ssh client is ~10 MB), its CPU includes the
// ssh children. Root only (sshd).
//
//   npx tsc -p tsconfig.json && node dist/bench/collect-ssh.js [--nodes 500] [--jobs 50] [--sshd 4]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const cli = join(root, 'dist', 'analyzer', 'cli.js');

const { values } = parseArgs({
  options: { nodes: { type: 'string' }, jobs: { type: 'string' }, sshd: { type: 'string' } },
});
const NODES = Number(values.nodes ?? 500);
const JOBS = Number(values.jobs ?? 50);
const SSHD = Number(values.sshd ?? 4);
const TARGET_WALL_S = 120;
const TARGET_RSS_MB = 200;

if (process.getuid?.() !== 0) {
  console.log('collect-ssh bench skipped: not root (sshd needs root)');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'netsnap-bench-collect-'));
const procs: ReturnType<typeof spawn>[] = [];
try {
  const bundle = join(dir, 'recorded.tar.gz');
  const scenario = join(root, 'fixtures', 'scenarios', 'article-full-story', 'netsnap-worker-1-20241120T093047Z');
  writeFileSync(bundle, spawnSync('tar', ['-C', scenario, '-czf', '-', '.']).stdout);
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
  mkdirSync(join(dir, 'auth'));
  writeFileSync(join(dir, 'auth', 'root'), readFileSync(join(dir, 'id.pub')));
  const known: string[] = [];
  const ports: number[] = [];
  for (let i = 0; i < SSHD; i++) {
    const port = 22200 + i;
    const key = join(dir, `host${i}`);
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const cfg = join(dir, `sshd${i}.conf`);
    writeFileSync(
      cfg,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${key}`,
        `PidFile ${dir}/sshd${i}.pid`,
        `AuthorizedKeysFile ${dir}/auth/%u`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'PermitRootLogin prohibit-password',
        'MaxStartups 500:30:1000',
        'LogLevel ERROR',
        `ForceCommand cat ${bundle}`,
        '',
      ].join('\n'),
    );
    mkdirSync('/run/sshd', { recursive: true });
    // root's login shell is bash, which sources ~/.bashrc for an ssh command; on this machine that
    // runs `pyenv init` (a rehash lock that 50 sessions wait on for up to 60 s). The sshd gets a
    // private mount namespace with an empty ~/.bashrc: the bench measures netsnap, not a dotfile.
    procs.push(
      spawn(
        'unshare',
        [
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          `mount --bind /dev/null /root/.bashrc 2>/dev/null; exec /usr/sbin/sshd -D -e -f ${cfg}`,
        ],
        { stdio: 'ignore' },
      ),
    );
    known.push(`[127.0.0.1]:${port} ${readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}`);
    ports.push(port);
  }
  writeFileSync(join(dir, 'known_hosts'), `${known.join('\n')}\n`);
  const sshConfig = join(dir, 'ssh_config');
  writeFileSync(
    sshConfig,
    `Host *\n  IdentityFile ${dir}/id\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile ${dir}/known_hosts\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n`,
  );
  await new Promise((r) => setTimeout(r, 500));
  const nodes = Array.from({ length: NODES }, (_, i) => `node-${i}=ssh://root@127.0.0.1:${ports[i % SSHD]}`);
  writeFileSync(join(dir, 'nodes.txt'), `${nodes.join('\n')}\n`);
  const out = join(dir, 'out');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-v',
      'node',
      cli,
      'collect',
      '--ssh',
      '-F',
      sshConfig,
      '--nodes-file',
      join(dir, 'nodes.txt'),
      '--no-cluster',
      '-j',
      String(JOBS),
      '--timeout',
      '60',
      '-o',
      out,
    ],
    { encoding: 'utf8', env: { ...process.env, HOME: dir }, maxBuffer: 64 << 20 },
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const cpu = /User time \(seconds\): ([\d.]+)[\s\S]*System time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const index = JSON.parse(readFileSync(join(out, 'collection.json'), 'utf8')) as { nodes: { outcome: string }[] };
  const ok = index.nodes.filter((n) => n.outcome === 'ok').length;
  const bundles = readdirSync(out).filter((f) => f.endsWith('.tar.gz')).length;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    [
      `netsnap collect --ssh: ${NODES} nodes, -j ${JOBS}, ${SSHD} sshd on 127.0.0.1, bundle ${readFileSync(bundle).length} bytes`,
      `  wall ${wall.toFixed(1)} s (target <= ${TARGET_WALL_S} s)`,
      `  netsnap process peak RSS ${(rssKb / 1024).toFixed(0)} MB (target <= ${TARGET_RSS_MB} MB)`,
      `  CPU of netsnap and its ssh children: user ${cpu?.[1] ?? '?'} s, system ${cpu?.[2] ?? '?'} s`,
      `  ok ${ok}/${NODES}, bundles on disk ${bundles}, exit ${r.status}, load average after ${load}`,
    ].join('\n'),
  );
  if (ok !== NODES)
    console.log(
      r.stdout
        .split('\n')
        .filter((l) => !/ ok /.test(l))
        .slice(0, 20)
        .join('\n'),
    );
  process.exitCode = wall <= TARGET_WALL_S && rssKb / 1024 <= TARGET_RSS_MB && ok === NODES ? 0 : 1;
} finally {
  for (const p of procs) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
