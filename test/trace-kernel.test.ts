// Agreement with the kernel: load a node's ruleset into a real network namespace wired like a
// flannel node (bridge cni0 with a pod behind a veth, vxlan flannel.1, eth0 with a default route),
// send one real packet from the pod, read the per-rule counters back with `iptables-save -c`, and
// check that the rules the kernel counted are exactly the rules the simulator says the packet met.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../analyzer/parse/iptables-save.js';
import { parseIpLinks, parseIpRoutes } from '../analyzer/parse/ip-json.js';
import type { IpLink, IpRoute, IptablesSave } from '../analyzer/parse/types.js';
import { simulate } from '../analyzer/trace/simulate.js';
import type { TraceBranch, TraceInput } from '../analyzer/trace/types.js';

const saveText = readFileSync(new URL('../fixtures/reference/trace/iptables-save-nft.txt', import.meta.url), 'utf8');
const NODE = `nsn-node-${process.pid}`;
const POD = `nsn-pod-${process.pid}`;
/** a CoreDNS endpoint on the same bridge, so a DNAT to it resolves its neighbour and goes on */
const DNS = `nsn-dns-${process.pid}`;

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
const why =
  process.getuid?.() !== 0
    ? 'not root'
    : !have('iptables-restore')
      ? 'iptables not installed'
      : !have('ip')
        ? 'iproute2 missing'
        : '';
if (why) console.log(`skipping kernel agreement tests: ${why}`);

const sh = (ns: string, script: string) =>
  execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', script], { encoding: 'utf8' });

const ipOut = (args: string[]) =>
  execFileSync('ip', ['netns', 'exec', NODE, 'ip', '-j', ...args], { encoding: 'utf8' });

// Packets the node itself sends as a by-product (VXLAN encapsulation of a forwarded packet, the
// ICMP error of a REJECT) would also hit nat OUTPUT/POSTROUTING. The raw table (absent from the
// ruleset under test, so no rule numbers move) marks them untracked, which keeps them out of nat.
const RAW_NOTRACK_OUTPUT = '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j NOTRACK\nCOMMIT\n';

function load(rules: string): IptablesSave {
  // raw first: each table is committed on its own COMMIT, and a packet the node sends between the
  // nat table's commit and the raw one's would be counted in nat OUTPUT (seen once in CI)
  execFileSync('ip', ['netns', 'exec', NODE, 'iptables-restore'], { input: RAW_NOTRACK_OUTPUT + rules });
  return parseIptablesSave(rules).value;
}

/** Rules (table/chain#index) whose packet counter is non-zero, from `iptables-save -c`. */
function countedRules(): Set<string> {
  const save = parseIptablesSave(
    execFileSync('ip', ['netns', 'exec', NODE, 'iptables-save', '-c'], { encoding: 'utf8' }),
  ).value;
  const out = new Set<string>();
  for (const t of save.tables.values())
    if (t.name !== 'raw')
      for (const c of t.chains.values())
        for (const r of c.rules) if ((r.counters?.packets ?? 0) > 0) out.add(`${r.table}/${r.chain}#${r.index}`);
  return out;
}

const stepRules = (b: TraceBranch) =>
  new Set(b.steps.filter((s) => s.ruleIndex !== undefined).map((s) => `${s.table}/${s.chain}#${s.ruleIndex}`));

function send(proto: 'udp' | 'tcp', dst: string, port: number): void {
  // bash's /dev/udp and /dev/tcp: one real packet from the pod, no extra tools
  spawnSync('ip', ['netns', 'exec', POD, 'timeout', '1', 'bash', '-c', `echo x > /dev/${proto}/${dst}/${port}`], {
    stdio: 'ignore',
  });
}

describe.skipIf(!!why)('tracer agrees with kernel counters', () => {
  let routes: IpRoute[];
  let addrs: IpLink[];
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NODE]);
    execFileSync('ip', ['netns', 'add', POD]);
    execFileSync('ip', ['netns', 'add', DNS]);
    sh(
      NODE,
      [
        'ip link set lo up',
        'ip link add eth0 type veth peer name eth0p',
        'ip addr add 192.168.56.11/24 dev eth0',
        'ip link set eth0 up; ip link set eth0p up',
        'ip route add default via 192.168.56.1',
        'ip link add cni0 type bridge',
        'ip addr add 10.244.1.1/24 dev cni0',
        'ip link set cni0 up',
        'ip link add vethpod type veth peer name eth0pod',
        'ip link set vethpod master cni0 up',
        `ip link set eth0pod netns ${POD}`,
        'ip link add vethdns type veth peer name eth0dns',
        'ip link set vethdns master cni0 up',
        `ip link set eth0dns netns ${DNS}`,
        'ip link add flannel.1 type vxlan id 1 dev eth0 local 192.168.56.11 dstport 8472 nolearning',
        'ip addr add 10.244.1.0/32 dev flannel.1',
        'ip link set flannel.1 up',
        'ip route add 10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink',
        'ip route add 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
        // what flanneld programs for a peer: a permanent neighbour for its VTEP and the fdb entry
        'ip neigh add 10.244.0.0 lladdr 0a:00:00:00:00:01 dev flannel.1 nud permanent',
        'bridge fdb add 0a:00:00:00:00:01 dev flannel.1 dst 192.168.56.12 self permanent',
        'ip neigh add 192.168.56.1 lladdr 0a:00:00:00:00:02 dev eth0 nud permanent',
        'echo 1 > /proc/sys/net/ipv4/ip_forward',
      ].join(' && '),
    );
    sh(
      POD,
      'ip link set lo up && ip link set eth0pod name eth0 && ip addr add 10.244.1.5/24 dev eth0 && ip link set eth0 up && ip route add default via 10.244.1.1',
    );
    sh(
      DNS,
      'ip link set lo up && ip link set eth0dns name eth0 && ip addr add 10.244.1.2/24 dev eth0 && ip link set eth0 up && ip route add default via 10.244.1.1 && iptables -A INPUT -j DROP',
    );
    routes = parseIpRoutes(ipOut(['route', 'show', 'table', 'all'])).value;
    addrs = parseIpLinks(ipOut(['-d', 'addr', 'show'])).value;
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', POD]);
    spawnSync('ip', ['netns', 'del', DNS]);
    spawnSync('ip', ['netns', 'del', NODE]);
  });

  const cases: { name: string; edit?: (t: string) => string; proto: 'udp' | 'tcp'; dst: string; port: number }[] = [
    { name: 'pod → internet (masqueraded)', proto: 'udp', dst: '8.8.8.8', port: 53 },
    { name: 'pod → kube-dns ClusterIP (DNAT to one of two endpoints)', proto: 'udp', dst: '10.96.0.10', port: 53 },
    { name: 'pod → Service without endpoints (REJECT)', proto: 'tcp', dst: '10.96.0.99', port: 80 },
    {
      name: 'pod → internet without MASQUERADE',
      edit: (t) => t.replace(/^-A FLANNEL-POSTRTG -s 10\.244\.0\.0\/16 ! -d 224.*\n/m, ''),
      proto: 'udp',
      dst: '8.8.8.8',
      port: 53,
    },
    {
      name: 'firewalld-style REJECT ahead of the ACCEPTs',
      edit: (t) =>
        t.replace(
          '-A FORWARD -m comment --comment "kubernetes forwarding rules"',
          '-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n-A FORWARD -m comment --comment "kubernetes forwarding rules"',
        ),
      proto: 'udp',
      dst: '8.8.8.8',
      port: 53,
    },
  ];

  it.each(cases)('$name', ({ edit, proto, dst, port }) => {
    const text = edit ? edit(saveText) : saveText;
    const save = load(text);
    sh(NODE, 'conntrack -F 2>/dev/null || true');
    const input: TraceInput = {
      src: '10.244.1.5',
      dst,
      proto,
      dport: port,
      origin: { kind: 'local-pod', iface: 'cni0' },
    };
    const sim = simulate({ node: 'n', iptables: save, routes, addrs, podCidr: '10.244.0.0/16' }, input);
    // The kernel took one branch; it must be one of the simulator's, rule for rule.
    const matchOf = (counted: Set<string>) =>
      sim.branches.find((b) => {
        const s = stepRules(b);
        return s.size === counted.size && [...s].every((k) => counted.has(k));
      });
    send(proto, dst, port);
    let counted = countedRules();
    let match = matchOf(counted);
    // a packet the node itself sent meanwhile (an OUTPUT chain, never on a forwarded packet's path)
    // is background noise, not the tracer's error: reload (counters to zero) and send once more
    if (!match && [...counted].some((k) => /\/OUTPUT#/.test(k))) {
      load(text);
      sh(NODE, 'conntrack -F 2>/dev/null || true');
      send(proto, dst, port);
      counted = countedRules();
      match = matchOf(counted);
    }
    expect(counted.size).toBeGreaterThan(0);
    expect(
      match,
      `kernel counted ${[...counted].sort().join(', ')}; simulator branches: ${sim.branches.map((b) => [...stepRules(b)].sort().join(', ')).join(' | ')}`,
    ).toBeDefined();
  });
});
