// The namespaced "article" cluster for the collector's --probe mode (root only): two nodes and an
// external router as network namespaces, one pod netns per node plus a CoreDNS pod on worker-2,
// kube-proxy-style DNAT for two ClusterIPs (kube-dns 10.96.0.10:53 udp+tcp, kubernetes
// 10.96.0.1:443 → a TCP listener on worker-2), dnsmasq as the cluster DNS (in the CoreDNS pod) and
// as its upstream (on the router), flannel's MASQUERADE for pod → outside traffic, and a veth from
// the test's own namespace so an in-process fake API server is reachable from the nodes.
//
//   test process ── 198.18.<s>.100 ─┐
//                                   br0 (router "ext", 198.18.<s>.1; the "internet": 8.8.8.8 and the
//   worker-1 eth0 198.18.<s>.11 ────┤     upstream DNS 9.9.9.9 on lo; no route to the pod network
//                                   │     and no way out of the lab)
//   worker-2 eth0 198.18.<s>.12 ────┘
//   worker-1 cni0 10.244.1.1/24: pod web-1 10.244.1.57
//   worker-2 cni0 10.244.2.1/24: pod web-2 10.244.2.57, CoreDNS pod 10.244.2.53
//
// Pod routes between nodes are host-gw style (the probe mode does not care how packets cross).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { run, type RunResult } from './netns.js';

export const SERVICE_CIDR_DNS = '10.96.0.10';
export const SERVICE_CIDR_API = '10.96.0.1';
/** default/web: port 80 → web-2:8080 */
export const SERVICE_CIDR_WEB = '10.96.0.20';
// public addresses, served inside the lab by the router namespace (which has no way out)
export const EXTERNAL_IP = '8.8.8.8';
export const UPSTREAM_DNS = '9.9.9.9';
/** the article's typo of AliDNS 223.5.5.5: a multicast address, so every forwarded query times out */
export const BAD_UPSTREAM_DNS = '233.5.5.5';
export const EXTERNAL_NAME = 'kubernetes.io';
export const EXTERNAL_NAME_IP = '203.0.113.80';
export const POD_UID = {
  'web-1': '7a1c2e9d-5b3f-4c2a-9e8d-0f1a2b3c4d57',
  'web-2': '8b2d3f0e-6c4a-4d3b-8f9e-1a2b3c4d5e57',
  coredns: '9c3e4a1f-7d5b-4e4c-9a0f-2b3c4d5e6f57',
} as const;

export interface LabOptions {
  /** leave worker-1 without flannel's MASQUERADE rule (pod → outside gets no answer) */
  readonly noMasqueradeOn?: 'worker-1' | 'worker-2';
}

export interface ProbeLab {
  readonly id: string;
  /** 198.18.<s> */
  readonly lan: string;
  /** the test namespace's address on the lab LAN (the fake API server listens here) */
  readonly hostIp: string;
  readonly nodes: Readonly<Record<'worker-1' | 'worker-2', { ns: string; ip: string }>>;
  readonly pods: Readonly<Record<'web-1' | 'web-2' | 'coredns', { ns: string; ip: string; node: string }>>;
  /** the cgroup (v1 pids) that names web-1's UID, when one could be made */
  readonly cgroupMade: boolean;
  /** run argv inside a node's network namespace */
  inNode(node: 'worker-1' | 'worker-2', argv: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** restart the cluster DNS (the CoreDNS pod's dnsmasq) forwarding to `upstream` */
  setClusterDnsUpstream(upstream: string): Promise<void>;
  destroy(): Promise<void>;
}

async function must(argv: readonly string[], input?: string): Promise<void> {
  const r = await run(argv, { input });
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr}`);
}

/** Why the lab cannot be built here, or undefined when it can. */
export async function probeLabUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need root';
  for (const tool of ['ip', 'bridge', 'iptables-restore', 'dnsmasq', 'busybox', 'nsenter', 'kubectl', 'unshare']) {
    if ((await run(['sh', '-c', `command -v ${tool}`])).code !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

const natRules = (lan: string, masquerade: boolean): string =>
  [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]',
    ':KUBE-SVC-ERIFXISQEP7F7OF4 - [0:0]',
    ':KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]',
    ':KUBE-SVC-LOLE4ISW44XBNF3G - [0:0]',
    ':FLANNEL-POSTRTG - [0:0]',
    ':KUBE-POSTROUTING - [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
    '-A KUBE-POSTROUTING -j MASQUERADE --random-fully',
    `-A KUBE-SERVICES -d ${SERVICE_CIDR_DNS}/32 -p udp -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU`,
    `-A KUBE-SERVICES -d ${SERVICE_CIDR_DNS}/32 -p tcp -m tcp --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4`,
    `-A KUBE-SERVICES -d ${SERVICE_CIDR_API}/32 -p tcp -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y`,
    `-A KUBE-SERVICES -d ${SERVICE_CIDR_WEB}/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-LOLE4ISW44XBNF3G`,
    '-A KUBE-SVC-TCOU7JCQXEZGVUNU -p udp -j DNAT --to-destination 10.244.2.53:53',
    '-A KUBE-SVC-ERIFXISQEP7F7OF4 -p tcp -j DNAT --to-destination 10.244.2.53:53',
    `-A KUBE-SVC-NPX46M4PTMTKRN6Y -p tcp -j DNAT --to-destination ${lan}.12:6443`,
    // web-2 calling its own Service: kube-proxy's hairpin masquerade (the bridge port has hairpin on)
    '-A KUBE-SVC-LOLE4ISW44XBNF3G -s 10.244.2.57/32 -j KUBE-MARK-MASQ',
    '-A KUBE-SVC-LOLE4ISW44XBNF3G -p tcp -j DNAT --to-destination 10.244.2.57:8080',
    '-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN',
    ...(masquerade ? ['-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully'] : []),
    'COMMIT',
    '',
  ].join('\n');

export async function createProbeLab(opts: LabOptions = {}): Promise<ProbeLab> {
  const id = process.pid.toString(36);
  const lan = `198.18.${process.pid % 200}`;
  const ns = (n: string) => `nsp${id}${n}`;
  const names = { ext: ns('ext'), n1: ns('n1'), n2: ns('n2'), p1: ns('p1'), p2: ns('p2'), d2: ns('d2') };
  const hostVeth = `pl${id}h`.slice(0, 15);
  const children: ChildProcess[] = [];
  let daemonErrors = '';
  const cgroupRoot = `/sys/fs/cgroup/pids/netsnap-probe-${process.pid}`;
  let cgroupMade = false;
  const ipn = (n: string, args: string[]) => must(['ip', '-n', n, ...args]);
  const exec = (n: string, args: string[]) => must(['ip', 'netns', 'exec', n, ...args]);
  const sysctl = (n: string, key: string, v: string) =>
    exec(n, ['sh', '-c', `echo ${v} > /proc/sys/${key.replaceAll('.', '/')}`]);
  /** a long-running process inside netns `n` (a pod's "pause" process, a server) */
  const daemon = (n: string, argv: string[]): ChildProcess => {
    const c = spawn('ip', ['netns', 'exec', n, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr?.on('data', (d: Buffer) => (daemonErrors += d.toString()));
    children.push(c);
    return c;
  };

  const destroy = async (): Promise<void> => {
    for (const c of children) c.kill('SIGKILL');
    await run(['ip', 'link', 'del', hostVeth]);
    for (const n of Object.values(names)) await run(['ip', 'netns', 'del', n]);
    for (const dir of [`${cgroupRoot}/pod${POD_UID['web-1']}`, cgroupRoot]) {
      try {
        rmdirSync(dir);
      } catch {
        // not made, or already gone
      }
    }
  };

  try {
    for (const n of Object.values(names)) {
      await run(['ip', 'netns', 'del', n]);
      await must(['ip', 'netns', 'add', n]);
      await ipn(n, ['link', 'set', 'lo', 'up']);
    }
    // the router and the LAN
    await ipn(names.ext, ['link', 'add', 'br0', 'type', 'bridge']);
    await ipn(names.ext, ['addr', 'add', `${lan}.1/24`, 'dev', 'br0']);
    await ipn(names.ext, ['link', 'set', 'br0', 'up']);
    await ipn(names.ext, ['addr', 'add', `${EXTERNAL_IP}/32`, 'dev', 'lo']);
    await ipn(names.ext, ['addr', 'add', `${UPSTREAM_DNS}/32`, 'dev', 'lo']);
    await must(['ip', 'link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'up0', 'netns', names.ext]);
    await must(['ip', 'addr', 'add', `${lan}.100/24`, 'dev', hostVeth]);
    await must(['ip', 'link', 'set', hostVeth, 'up']);
    await ipn(names.ext, ['link', 'set', 'up0', 'master', 'br0', 'up']);
    // nodes
    const nodes = {
      'worker-1': { ns: names.n1, ip: `${lan}.11`, k: 1 },
      'worker-2': { ns: names.n2, ip: `${lan}.12`, k: 2 },
    };
    for (const [name, n] of Object.entries(nodes)) {
      await ipn(n.ns, ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `v${n.k}`, 'netns', names.ext]);
      await ipn(names.ext, ['link', 'set', `v${n.k}`, 'master', 'br0', 'up']);
      await ipn(n.ns, ['addr', 'add', `${n.ip}/24`, 'dev', 'eth0']);
      await ipn(n.ns, ['link', 'set', 'eth0', 'up']);
      await ipn(n.ns, ['route', 'add', 'default', 'via', `${lan}.1`]);
      await ipn(n.ns, ['link', 'add', 'cni0', 'type', 'bridge']);
      await ipn(n.ns, ['addr', 'add', `10.244.${n.k}.1/24`, 'dev', 'cni0']);
      await ipn(n.ns, ['link', 'set', 'cni0', 'up']);
      const other = n.k === 1 ? 2 : 1;
      await ipn(n.ns, ['route', 'add', `10.244.${other}.0/24`, 'via', `${lan}.1${other}`]);
      await sysctl(n.ns, 'net.ipv4.ip_forward', '1');
      // pod → ClusterIP → a pod on the same bridge needs the bridge to call iptables (br_netfilter)
      await run(['ip', 'netns', 'exec', n.ns, 'sh', '-c', 'echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables']);
      await must(['ip', 'netns', 'exec', n.ns, 'iptables-restore'], natRules(lan, opts.noMasqueradeOn !== name));
    }
    const pods = {
      'web-1': { ns: names.p1, ip: '10.244.1.57', node: 'worker-1', k: 1 },
      'web-2': { ns: names.p2, ip: '10.244.2.57', node: 'worker-2', k: 2 },
      coredns: { ns: names.d2, ip: '10.244.2.53', node: 'worker-2', k: 2 },
    };
    let v = 0;
    for (const p of Object.values(pods)) {
      const nodeNs = p.k === 1 ? names.n1 : names.n2;
      const peer = `vp${v++}`;
      await ipn(p.ns, ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', peer, 'netns', nodeNs]);
      await ipn(nodeNs, ['link', 'set', peer, 'master', 'cni0', 'up']);
      await must(['bridge', '-n', nodeNs, 'link', 'set', 'dev', peer, 'hairpin', 'on']); // flannel's hairpinMode
      await ipn(p.ns, ['addr', 'add', `${p.ip}/24`, 'dev', 'eth0']);
      await ipn(p.ns, ['link', 'set', 'eth0', 'up']);
      await ipn(p.ns, ['route', 'add', 'default', 'via', `10.244.${p.k}.1`]);
    }
    // the pods' "pause" processes: what the collector finds in /proc and enters with nsenter
    const web1 = daemon(names.p1, ['sleep', '600']);
    daemon(names.p2, ['sleep', '600']);
    // web-1's process in a cgroup named after its pod UID, as the kubelet does (cgroupfs driver)
    try {
      mkdirSync(`${cgroupRoot}/pod${POD_UID['web-1']}`, { recursive: true });
      await new Promise((r) => setTimeout(r, 50));
      const pid = await pidInNetns(names.p1, web1);
      if (pid) {
        writeFileSync(`${cgroupRoot}/pod${POD_UID['web-1']}/cgroup.procs`, `${pid}\n`);
        cgroupMade = true;
      }
    } catch {
      cgroupMade = false; // no writable cgroup v1 pids hierarchy: the collector falls back to the pod IP
    }
    // upstream DNS on the router: answers the cluster zone (see docs/probes.md: the lab's cluster
    // DNS forwards everything, so an unreachable upstream makes cluster names time out too)
    daemon(names.ext, [
      'dnsmasq',
      '--keep-in-foreground',
      '--no-resolv',
      '--no-hosts',
      '--conf-file=/dev/null',
      '--user=root',
      '--pid-file=',
      `--listen-address=${UPSTREAM_DNS}`,
      '--bind-interfaces',
      `--address=/${EXTERNAL_NAME}/${EXTERNAL_NAME_IP}`,
      `--host-record=kubernetes.default.svc.cluster.local,${SERVICE_CIDR_API}`,
    ]);
    // the cluster DNS in the CoreDNS pod: forwards to the upstream (CoreDNS's `forward .`)
    const clusterDns = (upstream: string) =>
      daemon(names.d2, [
        'dnsmasq',
        '--keep-in-foreground',
        '--no-resolv',
        '--no-hosts',
        '--conf-file=/dev/null',
        '--user=root',
        '--pid-file=',
        '--listen-address=10.244.2.53',
        '--bind-interfaces',
        `--server=${upstream}`,
        '--no-negcache',
        '--cache-size=0',
      ]);
    let coredns = clusterDns(UPSTREAM_DNS);
    // the API server endpoint behind the kubernetes Service: a TCP listener on worker-2; web-2 serves :8080
    daemon(names.n2, ['busybox', 'nc', '-ll', '-p', '6443', '-e', 'true']);
    daemon(names.p2, ['busybox', 'nc', '-ll', '-p', '8080', '-e', 'true']);
    const listening = (n: string, table: string, port: string) => async () =>
      (await run(['ip', 'netns', 'exec', n, 'cat', `/proc/net/${table}`, `/proc/net/${table}6`])).stdout.includes(
        `:${port} `,
      );
    const up = async (what: string, cond: () => Promise<boolean>) => {
      if (!(await waitFor(cond))) throw new Error(`probe lab: ${what} did not come up: ${daemonErrors}`);
    };
    await up('the cluster DNS', listening(names.d2, 'udp', '0035'));
    await up('the upstream DNS', listening(names.ext, 'udp', '0035'));
    await up('the API endpoint listener', listening(names.n2, 'tcp', '192B'));
    await up("web-2's listener", listening(names.p2, 'tcp', '1F90'));
    return {
      id,
      lan,
      hostIp: `${lan}.100`,
      nodes: { 'worker-1': { ns: names.n1, ip: `${lan}.11` }, 'worker-2': { ns: names.n2, ip: `${lan}.12` } },
      pods,
      cgroupMade,
      inNode: (node, argv, env) => run(['ip', 'netns', 'exec', nodes[node].ns, ...argv], { env }),
      async setClusterDnsUpstream(upstream) {
        const gone = new Promise((r) => coredns.once('exit', r));
        coredns.kill('SIGTERM');
        await gone;
        coredns = clusterDns(upstream);
        await up('the cluster DNS', listening(names.d2, 'udp', '0035'));
      },
      destroy,
    };
  } catch (e) {
    await destroy();
    throw e;
  }
}

/** the pid of the process `c` started with `ip netns exec` (ip execs the command in place) */
async function pidInNetns(_ns: string, c: ChildProcess): Promise<number | undefined> {
  await waitFor(async () => (await run(['cat', `/proc/${c.pid}/comm`])).stdout.trim() === 'sleep');
  return c.pid;
}

/** poll a condition (setup only; the tests themselves never wait on time) */
async function waitFor(cond: () => Promise<boolean>, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
