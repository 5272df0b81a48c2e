// The tracer against the kernel on the scenarios: each worker node of a scenario is rebuilt in a
// network namespace from its own bundle (addresses, bridge, vxlan with its neighbour and fdb
// entries, routes, ip_forward and bridge-nf-call-iptables, and its iptables-save loaded with
// iptables-restore); one real packet per case is sent from a pod behind the bridge, and the
// rules the kernel counted (`iptables-save -c`) must be exactly the rules of one of the
// simulator's branches for the same packet.
//
// Speed without losing exactness: the probe is not given a fixed second. The node's raw
// PREROUTING gets one counting rule for exactly the probe (source, destination, protocol, port);
// the counters are read until that rule has counted and two reads in a row agree (one packet's
// walk through the hooks happens in one softirq pass, so nothing more of it can arrive later),
// then the sender is killed and awaited, and the counters are read once more for the verdict.
// Awaiting the sender matters: a TCP connect left running retransmits its SYN after ~1 s, and
// once the next destination has flushed conntrack that SYN is a NEW flow that walks nat again
// (reproduced: an extra nat/FLANNEL-POSTRTG#5 MASQUERADE in a kube-dns case).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../analyzer/model/load.js';
import type { HostState, Snapshot } from '../analyzer/model/types.js';
import { parseIptablesSave } from '../analyzer/parse/iptables-save.js';
import { traceHost } from '../analyzer/trace/resolve.js';
import { simulate } from '../analyzer/trace/simulate.js';
import type { TraceBranch, TraceInput } from '../analyzer/trace/types.js';

const ROOT = join(import.meta.dirname, '..');
const SCEN = join(ROOT, 'fixtures', 'scenarios');
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const why =
  process.getuid?.() !== 0
    ? 'not root'
    : !have('iptables-restore')
      ? 'iptables not installed'
      : !existsSync(SCEN)
        ? 'no scenarios'
        : '';
if (why) console.log(`skipping scenario kernel agreement: ${why}`);

/** scenarios whose node data the kernel here cannot replay, and why */
const NOT_REPLAYABLE: Record<string, string> = {
  'iptables-backend-split': 'rules split over two backends; the tracer reads one dump',
  'partial-cluster-only': 'no host data',
  'bundle-file-truncated': 'host files deliberately damaged',
  // iptables counters only; the kube-proxy nftables table is replayed with nft monitor trace in
  // test/trace-kernel-nft-scenarios.test.ts
  'healthy-nftables': 'kube-proxy nftables mode: see trace-kernel-nft-scenarios.test.ts',
  'nftables-sync-failing': 'kube-proxy nftables mode: see trace-kernel-nft-scenarios.test.ts',
  'nftables-service-no-endpoints': 'kube-proxy nftables mode: see trace-kernel-nft-scenarios.test.ts',
  'nftables-iptables-leftovers':
    'kube-proxy nftables mode (and a legacy leftover): see trace-kernel-nft-scenarios.test.ts',
};

/**
 * Calico and canal nodes (a calico/canal CNI conflist in the bundle): pods sit on cali* veths with a /32
 * route each, not behind a bridge, and felix owns a raw table that the counting rules here would
 * clash with. Not replayed yet; Calico's rpfilter path is checked against the kernel by
 * test/trace-kernel-rpfilter.test.ts.
 */
function routedCni(name: string): string | undefined {
  const dir = join(SCEN, name);
  if (!existsSync(dir)) return undefined;
  const calico = readdirSync(dir).some((b) =>
    ['10-calico.conflist', '10-canal.conflist'].some((f) => existsSync(join(dir, b, 'host', 'cni', f))),
  );
  return calico ? 'Calico/canal: pods on cali veths (no bridge) and felix has its own raw table' : undefined;
}

const NODE = `nsk-node-${process.pid}`;
const POD = `nsk-pod-${process.pid}`;
/** a second bridge port, so a frame to a local endpoint (a static neighbour) has a port to go to */
const SINK = `nsk-sink-${process.pid}`;
type Dest = { name: string; proto: 'tcp' | 'udp'; dst: string; port: number };
// Packets the node itself sends (VXLAN encapsulation of the forwarded packet, a REJECT's ICMP
// error) would also count in OUTPUT and POSTROUTING. The raw table is absent from every ruleset
// under test, so dropping host-originated packets there moves no rule number and leaves only the
// pod's packets in the counters. Raw PREROUTING counts the pod's packets: rule i+1 the probe to
// destination i (exactly its address, protocol and port), the last rule any other packet from
// the pod, which must never count.
const rawTable = (podIp: string, dests: readonly Dest[]) =>
  '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n' +
  dests
    .map((d) => `-A PREROUTING -s ${podIp}/32 -d ${d.dst}/32 -p ${d.proto} -m ${d.proto} --dport ${d.port} -j ACCEPT\n`)
    .join('') +
  `-A PREROUTING -s ${podIp}/32 -j ACCEPT\n-A OUTPUT -j DROP\nCOMMIT\n`;
const sh = (ns: string, script: string) =>
  execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** delete the three namespaces (absent ones are fine), and with `andAdd` create them afresh, in one `ip` */
function teardown(andAdd = false): void {
  const ns = [POD, SINK, NODE];
  const lines = [...ns.map((n) => `netns del ${n}`), ...(andAdd ? ns.map((n) => `netns add ${n}`) : [])];
  spawnSync('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n', stdio: ['pipe', 'ignore', 'ignore'] });
}

/** Rebuild the node from its bundle; returns the pod's address behind the bridge, or a reason it cannot. */
function build(host: HostState): { podIp: string; bridge: string } | string {
  const addrs = host.addrs?.value ?? [];
  const routes = host.routes?.value ?? [];
  const def = routes.find((r) => r.dst === 'default' && (r.table ?? 'main') === 'main');
  const bridge = addrs.find((l) => l.linkinfo?.info_kind === 'bridge' && l.addr_info?.some((a) => a.family === 'inet'));
  if (!def?.dev || !bridge) return 'no default route or no pod bridge in the bundle';
  teardown(true);
  const cmds: string[] = [
    'link set lo up',
    `link add ${def.dev} type veth peer name uplinkp`,
    `link set ${def.dev} up`,
    'link set uplinkp up',
  ];
  const inet = (name: string) =>
    addrs.find((l) => l.ifname === name)?.addr_info?.filter((a) => a.family === 'inet') ?? [];
  for (const a of inet(def.dev)) cmds.push(`addr add ${a.local}/${a.prefixlen} dev ${def.dev}`);
  for (const l of addrs) {
    if (l.linkinfo?.info_kind === 'bridge') cmds.push(`link add ${l.ifname} type bridge`, `link set ${l.ifname} up`);
    else if (l.linkinfo?.info_kind === 'vxlan') {
      const id = Number(l.linkinfo.info_data?.id ?? 1);
      const local = inet(def.dev)[0]?.local;
      cmds.push(
        `link add ${l.ifname} type vxlan id ${id} dev ${def.dev}${local ? ` local ${local}` : ''} dstport 8472 nolearning`,
        `link set ${l.ifname} up`,
      );
    } else continue;
    for (const a of inet(l.ifname)) cmds.push(`addr add ${a.local}/${a.prefixlen} dev ${l.ifname}`);
  }
  cmds.push(
    'link add vethpod type veth peer name podeth',
    `link set vethpod master ${bridge.ifname} up`,
    `link set podeth netns ${POD}`,
  );
  cmds.push(
    'link add vethsink type veth peer name sinketh',
    `link set vethsink master ${bridge.ifname} up`,
    `link set sinketh netns ${SINK}`,
  );
  const made = new Set([
    def.dev,
    ...addrs.filter((l) => ['bridge', 'vxlan'].includes(l.linkinfo?.info_kind ?? '')).map((l) => l.ifname),
  ]);
  for (const r of routes) {
    if ((r.table ?? 'main') !== 'main' || r.protocol === 'kernel' || r.dst.includes(':')) continue;
    if (r.type && r.type !== 'unicast') cmds.push(`route add ${r.type} ${r.dst}`);
    else if (r.dev && made.has(r.dev))
      cmds.push(
        `route add ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${r.dev}${r.flags.includes('onlink') ? ' onlink' : ''}`,
      );
  }
  for (const n of host.neighbors?.value ?? [])
    if (n.lladdr && n.dev && made.has(n.dev) && !n.dst.includes(':'))
      cmds.push(`neigh replace ${n.dst} lladdr ${n.lladdr} dev ${n.dev} nud permanent`);
  // every address of the local pod subnet resolves, so a DNAT to a local endpoint goes on
  const b = inet(bridge.ifname)[0]!;
  const base = b.local.split('.').map(Number);
  for (let i = 2; i < 255; i++)
    cmds.push(
      `neigh replace ${base[0]}.${base[1]}.${base[2]}.${i} lladdr 02:00:00:00:00:${i.toString(16).padStart(2, '0')} dev ${bridge.ifname} nud permanent`,
    );
  execFileSync('ip', ['-n', NODE, '-batch', '-'], { input: cmds.join('\n') + '\n' });
  const fdb = (host.fdb?.value ?? [])
    .filter((f) => f.dst && f.dev && made.has(f.dev))
    .map((f) => `bridge fdb append ${f.mac} dev ${f.dev} dst ${f.dst} self permanent 2>/dev/null || true; `);
  const fwd = host.sysctl?.value.get('net.ipv4.ip_forward')?.value ?? '1';
  const bnf = host.sysctl?.value.get('net.bridge.bridge-nf-call-iptables')?.value;
  sh(
    NODE,
    `${fdb.join('')}echo ${Number(fwd) ? 1 : 0} > /proc/sys/net/ipv4/ip_forward${bnf !== undefined ? `; echo ${Number(bnf) ? 1 : 0} > /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || true` : ''}`,
  );
  execFileSync('ip', ['-n', SINK, 'link', 'set', 'sinketh', 'up']);
  const podIp = `${base[0]}.${base[1]}.${base[2]}.201`;
  const pod = [
    'link set lo up',
    'link set podeth name eth0',
    `addr add ${podIp}/${b.prefixlen} dev eth0`,
    'link set eth0 up',
    `route add default via ${b.local}`,
  ];
  execFileSync('ip', ['-n', POD, '-batch', '-'], { input: pod.join('\n') + '\n' });
  return { podIp, bridge: bridge.ifname };
}

/** every rule's packet counter (raw included, as `raw/PREROUTING#i`) */
function counters(): Map<string, number> {
  const save = parseIptablesSave(
    execFileSync('ip', ['netns', 'exec', NODE, 'iptables-save', '-c'], { encoding: 'utf8' }),
  ).value;
  const out = new Map<string, number>();
  for (const t of save.tables.values())
    for (const c of t.chains.values())
      for (const r of c.rules) out.set(`${r.table}/${r.chain}#${r.index}`, r.counters?.packets ?? 0);
  return out;
}
/** the rules that counted since `before` (0 when absent) */
const delta = (now: Map<string, number>, before: Map<string, number>) =>
  new Set([...now].filter(([k, n]) => n > (before.get(k) ?? 0)).map(([k]) => k));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Send one packet from the pod (destination i of the node's raw table) and return every rule's
 * counter once it has walked the node. Reads the counters until the probe's raw rule has counted
 * and two reads agree, the later one begun after the sender exited (one packet's walk through the
 * hooks happens in one softirq pass, so a read that sees the marker and then an equal read leave
 * nothing of it to come), at most 5 s. A sender still running once the marker counted (a TCP
 * connect nobody answers) is killed and awaited, so nothing of this probe (a SYN retransmission
 * after ~1 s) can land in the next one.
 */
async function probe(d: Dest, i: number, before: Map<string, number>): Promise<Map<string, number>> {
  const child = spawn('ip', ['netns', 'exec', POD, 'bash', '-c', `echo x > /dev/${d.proto}/${d.dst}/${d.port}`], {
    stdio: 'ignore',
  });
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      gone = true;
      resolve();
    };
    child.on('exit', done);
    child.on('error', done);
  });
  const deadline = Date.now() + 5000;
  // a UDP sender exits as soon as the datagram is out: no read before that can be the last
  if (d.proto === 'udp') await Promise.race([exited, sleep(5000)]);
  const marker = `raw/PREROUTING#${i + 1}`;
  let prev = '';
  for (;;) {
    await sleep(5);
    const goneBefore = gone;
    const now = counters();
    const key = [...delta(now, before)].sort().join(' ');
    const seen = (now.get(marker) ?? 0) > (before.get(marker) ?? 0);
    if ((seen && goneBefore && key === prev) || Date.now() > deadline) {
      if (gone) return now;
      child.kill('SIGKILL');
      await exited;
      return counters();
    }
    // the probe is in: no more packets from the sender after this
    if (seen && !gone) {
      child.kill('SIGKILL');
      await exited;
    }
    prev = key;
  }
}

const stepRules = (b: TraceBranch) =>
  new Set(b.steps.filter((s) => s.ruleIndex !== undefined).map((s) => `${s.table}/${s.chain}#${s.ruleIndex}`));

function destinations(s: Snapshot): Dest[] {
  const out: Dest[] = [{ name: 'internet', proto: 'tcp', dst: '1.1.1.1', port: 443 }];
  const dns = s.derived.kubeDnsClusterIP?.value;
  if (dns) out.push({ name: 'kube-dns', proto: 'udp', dst: dns, port: 53 });
  const svc = (s.cluster.services ?? []).find(
    (x) =>
      x.obj.metadata.namespace === 'default' &&
      x.obj.metadata.name !== 'kubernetes' &&
      x.obj.spec.clusterIP &&
      x.obj.spec.ports?.length,
  );
  if (svc)
    out.push({
      name: `service ${svc.obj.metadata.name}`,
      proto: (svc.obj.spec.ports![0]!.protocol ?? 'TCP').toLowerCase() as 'tcp' | 'udp',
      dst: svc.obj.spec.clusterIP!,
      port: svc.obj.spec.ports![0]!.port,
    });
  return out;
}

const scenarios = why
  ? []
  : readdirSync(SCEN)
      .filter((n) => existsSync(join(SCEN, n, 'expected.json')))
      .sort();
let agreed = 0;
let compared = 0;

describe.skipIf(!!why)('tracer agrees with kernel counters on the scenarios', () => {
  afterAll(() => {
    teardown();
    console.log(
      `scenario kernel agreement: ${agreed} of ${compared} traces agreed with the kernel's per-rule counters`,
    );
  });

  for (const name of scenarios) {
    // IPVS mode (healthy-ipvs, ipvs-*): traced against hand-computed expectations in test/trace-ipvs.test.ts
    const skip =
      NOT_REPLAYABLE[name] ??
      routedCni(name) ??
      (name.includes('ipvs') ? 'IPVS mode: this kernel cannot load ip_vs' : undefined);
    it.skipIf(!!skip)(
      `${name}${skip ? ` (not replayed: ${skip})` : ''}`,
      async () => {
        const dir = join(SCEN, name);
        const bundles = readdirSync(dir)
          .filter((d) => d.startsWith('netsnap-'))
          .map((d) => join(dir, d));
        const { snapshot } = await loadSnapshot(bundles);
        const hosts = [...snapshot.hosts.values()].filter((h) => h.iptables);
        expect(hosts.length).toBeGreaterThan(0);
        let replayed = 0;
        for (const host of hosts) {
          const built = build(host);
          if (typeof built === 'string') {
            console.log(`${name}/${host.node}: not replayed (${built})`);
            continue;
          }
          replayed++;
          const text = readFileSync(join(dir, host.bundle, 'host', 'iptables-save.txt'), 'utf8');
          if (text.includes('\n*raw'))
            throw new Error(`${name}/${host.node}: has a raw table; the raw DROP helper would clash`);
          // One restore serves all destinations (counters compared as deltas), so no rule may keep
          // state from one probe to the next.
          const stateful = /-m (recent|limit|hashlimit|quota|connlimit)\b|--mode nth/.exec(text);
          if (stateful) throw new Error(`${name}/${host.node}: stateful match "${stateful[0]}"; restore per probe`);
          const th = traceHost(snapshot, host);
          const dests = destinations(snapshot);
          execFileSync('ip', ['netns', 'exec', NODE, 'iptables-restore'], {
            input: text + rawTable(built.podIp, dests),
          });
          let before = new Map<string, number>();
          for (const [i, d] of dests.entries()) {
            sh(NODE, 'conntrack -F 2>/dev/null || true');
            const input: TraceInput = {
              src: built.podIp,
              dst: d.dst,
              proto: d.proto,
              dport: d.port,
              origin: { kind: 'local-pod', iface: built.bridge },
            };
            const sim = simulate(th, input);
            const now = await probe(d, i, before);
            const all = delta(now, before);
            before = now;
            // A pod's forwarded packet never walks OUTPUT; a host packet that slipped past the raw
            // DROP (seen once in ~270 runs) must not be blamed on the tracer.
            const got = new Set([...all].filter((k) => !k.startsWith('raw/') && !/^[a-z]+\/OUTPUT#/.test(k)));
            const label = `${name}/${host.node} ${d.name} (${d.dst}:${d.port}/${d.proto})`;
            const pod = [...all].filter((k) => k.startsWith('raw/PREROUTING#'));
            const match = sim.branches.find((b) => {
              const s = stepRules(b);
              return s.size === got.size && [...s].every((k) => got.has(k));
            });
            compared++;
            if (match && pod.join() === `raw/PREROUTING#${i + 1}`) agreed++;
            expect(all.has(`raw/PREROUTING#${i + 1}`), `${label}: the probe never reached the node`).toBe(true);
            expect(pod, `${label}: a packet from the pod other than the probe`).toEqual([`raw/PREROUTING#${i + 1}`]);
            expect(
              match,
              `${label}: kernel counted ${q([...got].sort().join(' '))}; simulator: ${sim.branches.map((b) => [...stepRules(b)].sort().join(' ')).join(' | ')}`,
            ).toBeDefined();
          }
          const left = execFileSync('ip', ['netns', 'pids', POD], { encoding: 'utf8' }).trim();
          if (left) throw new Error(`${name}/${host.node}: processes left in the pod namespace: ${left}`);
        }
        expect(replayed).toBeGreaterThan(0);
      },
      120_000,
    );
  }
});
