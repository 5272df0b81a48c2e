// kube-proxy nftables-mode scenarios (fixtures/generate/scenarios-nft.ts) end to end:
//  - without a kernel: the tracer (trace/simulate.ts + trace/nft-hooks.ts) on the committed bundles
//    walks kube-proxy's `table ip kube-proxy` with iptables' tables in hook priority order;
//  - with root and nft: every generated `nft list ruleset` passes `nft -c -f`; loaded in a network
//    namespace, `nft -j list ruleset` equals the generated JSON (handles and the kernel's hash order of
//    map elements aside); and real packets from a pod namespace, followed with `nft monitor trace`,
//    take exactly the kube-proxy rules of one of the tracer's branches.
// Skips the kernel part with a printed reason when not root or nft/conntrack are missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPacketTrace } from './helpers/nft-trace.js';
import { loadSnapshot } from '../analyzer/model/load.js';
import type { Snapshot } from '../analyzer/model/types.js';
import { parseNftJson, type NftJsonRuleset } from '../analyzer/parse/nft-json.js';
import { hookStages, nftStage } from '../analyzer/trace/nft-hooks.js';
import { traceFromSnapshot } from '../analyzer/trace/resolve.js';
import type { WalkState } from '../analyzer/trace/netfilter.js';
import type { TraceStep } from '../analyzer/trace/types.js';

const SCEN = join(import.meta.dirname, '..', 'fixtures', 'scenarios');
const NFT_SCENARIOS = [
  'healthy-nftables',
  'nftables-sync-failing',
  'nftables-service-no-endpoints',
  'nftables-iptables-leftovers',
];
const bundlesOf = (name: string) =>
  readdirSync(join(SCEN, name))
    .filter((d) => d.startsWith('netsnap-'))
    .map((d) => join(SCEN, name, d));
const workerDir = (name: string) => bundlesOf(name).find((d) => d.includes('worker-1'))!;

const snapshots = new Map<string, Snapshot>();
async function snap(name: string): Promise<Snapshot> {
  let s = snapshots.get(name);
  if (!s) snapshots.set(name, (s = (await loadSnapshot(bundlesOf(name))).snapshot));
  return s;
}

/** a pod on worker-1 and the ClusterIP of a Service port, from the bundle's own objects */
function podOn(s: Snapshot, node: string): string {
  const pod = s.cluster.pods?.find(
    (p) => p.obj.spec?.nodeName === node && !p.obj.spec?.hostNetwork && p.obj.metadata.namespace === 'default',
  );
  if (!pod) throw new Error(`no default pod on ${node}`);
  return `${pod.obj.metadata.namespace}/${pod.obj.metadata.name}`;
}

describe('tracer in kube-proxy nftables mode (committed scenarios)', () => {
  it('pod → ClusterIP: one branch per endpoint through ip kube-proxy, DNAT in prerouting', async () => {
    const s = await snap('healthy-nftables');
    const r = traceFromSnapshot(s, { from: podOn(s, 'worker-1'), to: 'kube-system/kube-dns:53', proto: 'tcp' });
    expect(r.branches).toHaveLength(2);
    for (const b of r.branches) {
      expect(b.probability).toBe(0.5);
      // a CoreDNS pod on this node is delivered to its veth, the other leaves over flannel.1
      expect(['forwarded', 'delivered-pod']).toContain(b.fate.kind);
      expect(b.packet).toMatchObject({ dport: 53, dnat: true });
      const nft = b.steps.filter((x) => x.table === 'ip kube-proxy');
      expect(nft.map((x) => `${x.hook} ${x.chain}`)).toEqual(
        expect.arrayContaining(['PREROUTING nat-prerouting', 'PREROUTING services', 'FORWARD filter-forward']),
      );
      // every nft step points at its rule in host/nft-ruleset.json (policies have no rule)
      for (const x of nft) if (!x.verdict.startsWith('policy')) expect(x.pointer).toMatch(/^\/nftables\/\d+$/);
    }
    // two different endpoints, each DNATed to port 53
    expect(new Set(r.branches.map((b) => b.packet.dst)).size).toBe(2);
  });

  it('a Service missing from a stale table: the ClusterIP is dropped as unallocated (cluster-ips-check)', async () => {
    const s = await snap('nftables-sync-failing');
    const r = traceFromSnapshot(s, { from: podOn(s, 'worker-1'), to: 'default/notify' });
    expect(r.branches.map((b) => b.fate)).toEqual([{ kind: 'dropped', by: 'ip kube-proxy/cluster-ips-check rule 2' }]);
  });

  it('the same Service from a node whose table is current is DNATed', async () => {
    const s = await snap('nftables-sync-failing');
    const r = traceFromSnapshot(s, { from: podOn(s, 'worker-2'), to: 'default/notify' });
    expect(r.branches.length).toBeGreaterThan(0);
    expect(r.branches.every((b) => b.packet.dnat)).toBe(true);
  });

  it('a Service without endpoints: its ClusterIP port is rejected by kube-proxy (no-endpoint-services)', async () => {
    const s = await snap('nftables-service-no-endpoints');
    const r = traceFromSnapshot(s, { from: podOn(s, 'worker-1'), to: 'shop/cart' });
    expect(r.branches.map((b) => b.fate)).toEqual([
      { kind: 'rejected', by: 'ip kube-proxy/reject-chain rule 1', with: 'icmp-port-unreachable' },
    ]);
  });

  it('hook stages: iptables tables and nft base chains by priority, iptables first on a tie', () => {
    const rs = parseNftJson(readFileSync(join(workerDir('healthy-nftables'), 'host', 'nft-ruleset.json'), 'utf8'));
    const stages = hookStages('PREROUTING', ['raw', 'mangle', 'nat'], rs.value).map((x) =>
      x.kind === 'iptables' ? `${x.table}@${x.prio}` : `${x.chain.name}@${x.prio}`,
    );
    expect(stages).toEqual([
      'raw@-300',
      'mangle@-150',
      'filter-prerouting-pre-dnat@-110',
      'nat@-100',
      'nat-prerouting@-100',
    ]);
  });
});

// ------------------------------------------------------------------ the kernel

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const why =
  process.getuid?.() !== 0
    ? 'not root'
    : !have('nft')
      ? 'nft not installed'
      : !have('conntrack')
        ? 'conntrack not installed'
        : '';
if (why) console.log(`skipping the nftables-mode scenario kernel checks: ${why}`);

const tag = `${process.pid}`.slice(-5);
const NODE = `nsn-${tag}`;
const POD = `nsp-${tag}`;
const SINK = `nss-${tag}`;
const ns = (name: string, ...cmd: string[]) =>
  execFileSync('ip', ['netns', 'exec', name, ...cmd], { encoding: 'utf8' });
const POD_IP = '10.244.1.200';
const NODE_ADDRS = ['10.244.1.1', '192.168.56.11'];

/** a listing without handles, map elements in a fixed order: what must be equal */
function normalized(json: string): string[] {
  return parseNftJsonItems(json).map((x) => {
    const [k] = Object.keys(x);
    const body = { ...(x[k!] as Record<string, unknown>) };
    delete body.handle;
    if (Array.isArray(body.elem)) body.elem = body.elem.map((e) => JSON.stringify(e)).sort();
    return JSON.stringify({ [k!]: body });
  });
}
const parseNftJsonItems = (json: string) =>
  (JSON.parse(json) as { nftables: Record<string, unknown>[] }).nftables.filter((x) => !('metainfo' in x));

function teardown(): void {
  for (const n of [NODE, POD, SINK]) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
}

describe.skipIf(!!why)('nftables-mode scenarios against nft and the kernel', () => {
  it.each(NFT_SCENARIOS)('%s: every node ruleset passes nft -c -f and lists back as the generated JSON', (name) => {
    for (const dir of bundlesOf(name)) {
      const text = join(dir, 'host', 'nft-ruleset.txt');
      const check = `nsc-${tag}`;
      spawnSync('ip', ['netns', 'del', check], { stdio: 'ignore' });
      execFileSync('ip', ['netns', 'add', check]);
      try {
        ns(check, 'nft', '-c', '-f', text);
        ns(check, 'nft', '-f', text);
        const listed = ns(check, 'nft', '-j', 'list', 'ruleset');
        const generated = readFileSync(join(dir, 'host', 'nft-ruleset.json'), 'utf8');
        expect(normalized(generated)).toEqual(normalized(listed));
      } finally {
        spawnSync('ip', ['netns', 'del', check], { stdio: 'ignore' });
      }
    }
  });

  let rs: NftJsonRuleset;
  /** kernel handle -> 1-based rule position in its chain, from the kernel's own listing */
  const position = new Map<number, { chain: string; index: number }>();
  beforeAll(() => {
    if (why) return;
    teardown();
    for (const n of [NODE, POD, SINK]) execFileSync('ip', ['netns', 'add', n]);
    execFileSync('ip', ['link', 'add', 'pod0', 'netns', NODE, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', POD]);
    execFileSync('ip', ['link', 'add', 'sink0', 'netns', NODE, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', SINK]);
    const batch = (n: string, lines: string[]) =>
      execFileSync('ip', ['netns', 'exec', n, 'ip', '-batch', '-'], { input: lines.join('\n') + '\n' });
    batch(NODE, [
      'link set lo up',
      'addr add 10.244.1.1/24 dev pod0',
      'link set pod0 up',
      'addr add 192.168.56.11/24 dev sink0',
      'link set sink0 up',
      'route add 10.244.0.0/16 dev sink0',
      'route add 10.96.0.0/12 dev sink0',
    ]);
    batch(POD, [
      'link set lo up',
      `addr add ${POD_IP}/24 dev eth0`,
      'link set eth0 up',
      'route add default via 10.244.1.1',
    ]);
    batch(SINK, ['link set lo up', 'addr add 192.168.56.250/24 dev eth0', 'link set eth0 up']);
    ns(NODE, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    // static neighbours: frames to any endpoint leave at once (no ARP wait)
    const text = readFileSync(join(workerDir('healthy-nftables'), 'host', 'nft-ruleset.txt'), 'utf8');
    const ips = new Set([...text.matchAll(/dnat to ([\d.]+):/g)].map((m) => m[1]!));
    for (const ip of [...ips, '10.96.0.1', '10.96.0.10', '10.111.1.1'])
      if (!ip.startsWith('192.168.56.11'))
        ns(NODE, 'ip', 'neigh', 'replace', ip, 'lladdr', '02:00:00:00:00:99', 'dev', 'sink0', 'nud', 'permanent');
    ns(NODE, 'nft', '-f', join(workerDir('healthy-nftables'), 'host', 'nft-ruleset.txt'));
    ns(NODE, 'nft', 'add table ip nstrace');
    ns(NODE, 'nft', 'add chain ip nstrace pre { type filter hook prerouting priority -500 ; }');
    ns(NODE, 'nft', `add rule ip nstrace pre ip saddr ${POD_IP} meta nftrace set 1`);
    const listed = ns(NODE, 'nft', '-j', 'list', 'ruleset');
    const counts = new Map<string, number>();
    for (const x of parseNftJsonItems(listed)) {
      const r = x.rule as { table?: string; chain?: string; handle?: number } | undefined;
      if (!r || r.table !== 'kube-proxy') continue;
      const n = (counts.get(r.chain!) ?? 0) + 1;
      counts.set(r.chain!, n);
      position.set(r.handle!, { chain: r.chain!, index: n });
    }
    // the tracer reads the generated JSON (its own handles), the kernel's positions map onto it
    rs = parseNftJson(readFileSync(join(workerDir('healthy-nftables'), 'host', 'nft-ruleset.json'), 'utf8')).value;
  });
  afterAll(teardown);

  /** kube-proxy table lines of the first traced packet: `chain#position verdict` or `chain policy X` */
  async function kernelTrace(dst: string, port: number): Promise<string[]> {
    const out: string[] = [];
    for (const line of await firstPacketTrace(NODE, POD, dst, port)) {
      const m = /^trace id \S+ ip kube-proxy (\S+) (?:rule .* # handle (\d+) \(verdict ([^)]+)\)|policy (\w+))/.exec(
        line,
      );
      if (!m) continue;
      if (m[4]) out.push(`${m[1]} policy ${m[4]}`);
      else out.push(`${m[1]}#${position.get(Number(m[2]))?.index ?? '?'} ${m[3]}`);
    }
    return out;
  }

  /** the tracer's nft stages over prerouting, forward, postrouting (no iptables rules were loaded) */
  function traced(dst: string, port: number): string[][] {
    const start: WalkState = {
      pkt: {
        src: POD_IP,
        dst,
        proto: 'tcp',
        sport: 40000,
        dport: port,
        mark: 0,
        inIface: 'pod0',
        outIface: 'sink0',
        dnat: false,
        snat: false,
      },
      steps: [],
      probability: 1,
    };
    const ctx = (hook: TraceStep['hook'] & string) => ({
      hook: hook as 'PREROUTING',
      localAddrs: new Set(NODE_ADDRS),
      masqueradeSource: () => '192.168.56.11',
    });
    let lives: { st: WalkState; end: string }[] = [{ st: start, end: 'accept' }];
    const done: { st: WalkState; end: string }[] = [];
    for (const hook of ['PREROUTING', 'FORWARD', 'POSTROUTING'] as const) {
      const next: { st: WalkState; end: string }[] = [];
      for (const l of lives) {
        let cur = [l.st];
        for (const stage of hookStages(hook, [], rs)) {
          if (stage.kind !== 'nft') continue;
          const after: WalkState[] = [];
          for (const st of cur)
            for (const o of nftStage(rs, stage.chain, st, ctx(hook)))
              if (o.end === 'accept') after.push(o.state);
              else done.push({ st: o.state, end: o.end });
          cur = after;
        }
        next.push(...cur.map((st) => ({ st, end: 'accept' })));
      }
      lives = next;
    }
    return [...done, ...lives].map((b) =>
      b.st.steps
        .filter((x) => x.table === 'ip kube-proxy')
        .map((x) =>
          x.verdict.startsWith('policy ')
            ? `${x.chain} ${x.verdict}`
            : `${x.chain}#${x.ruleIndex} ${x.verdict === 'reject' ? 'drop' : x.verdict}`,
        ),
    );
  }

  it.each([
    ['pod → kubernetes ClusterIP (one endpoint)', '10.96.0.1', 443],
    ['pod → kube-dns TCP (two endpoints: numgen)', '10.96.0.10', 53],
    ['pod → a ClusterIP port kube-proxy does not serve: rejected', '10.96.0.10', 80],
    ['pod → an unallocated ClusterIP: dropped', '10.111.1.1', 80],
  ] as const)('%s', async (_, dst, port) => {
    const kernel = await kernelTrace(dst, port);
    expect(kernel.length, 'the kernel traced the packet').toBeGreaterThan(0);
    const branches = traced(dst, port);
    expect(
      branches,
      `kernel: ${kernel.join(' | ')}\ntracer: ${branches.map((b) => b.join(' | ')).join('\n  or ')}`,
    ).toContainEqual(kernel);
  });
});
