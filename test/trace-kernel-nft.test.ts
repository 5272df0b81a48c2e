// The nftables evaluator (analyzer/trace/nft-eval.ts) against the kernel: kube-proxy's nftables-mode
// ruleset (fixtures/reference/nft/kube-proxy-nftables.nft, from kube-proxy's own test) is loaded in a
// network namespace acting as the node; real packets come from a pod namespace and from an external
// client namespace; `nft monitor trace` prints every rule the kernel evaluated to a verdict, and that
// sequence must be exactly the steps of one of the evaluator's branches (numgen picks one endpoint at
// random: the kernel's pick must be one of the branches). Root and nft needed; skips otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPacketTrace } from './helpers/nft-trace.js';
import { parseNftJson, type NftJsonRuleset } from '../analyzer/parse/nft-json.js';
import { evalNftHook, type NftBranch, type NftPacket } from '../analyzer/trace/nft-eval.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const why =
  process.getuid?.() !== 0
    ? 'not root'
    : !have('nft')
      ? 'nft not installed'
      : !have('conntrack')
        ? 'conntrack not installed'
        : '';
if (why) console.log(`skipping the nftables kernel agreement: ${why}`);

const RULES = join(import.meta.dirname, '..', 'fixtures', 'reference', 'nft', 'kube-proxy-nftables.nft');
const tag = `${process.pid}`.slice(-5);
const NODE = `nkn-${tag}`;
const POD = `nkp-${tag}`;
const EXT = `nke-${tag}`;
const SINK = `nks-${tag}`;
const NODE_ADDRS = ['10.0.0.1', '203.0.113.1', '192.168.0.2', '10.180.255.1'];

const ns = (name: string, ...cmd: string[]) =>
  execFileSync('ip', ['netns', 'exec', name, ...cmd], { encoding: 'utf8' });

function setup(): NftJsonRuleset {
  teardown();
  for (const n of [NODE, POD, EXT, SINK]) execFileSync('ip', ['netns', 'add', n]);
  const link = (a: string, an: string, b: string, bn: string) => {
    execFileSync('ip', ['link', 'add', an, 'netns', a, 'type', 'veth', 'peer', 'name', bn, 'netns', b]);
  };
  link(NODE, 'pod0', POD, 'eth0');
  link(NODE, 'ext0', EXT, 'eth0');
  link(NODE, 'sink0', SINK, 'eth0');
  const batch = (n: string, lines: string[]) =>
    execFileSync('ip', ['netns', 'exec', n, 'ip', '-batch', '-'], { input: lines.join('\n') + '\n' });
  batch(NODE, [
    'link set lo up',
    'addr add 10.0.0.1/24 dev pod0',
    'link set pod0 up',
    'addr add 203.0.113.1/24 dev ext0',
    'link set ext0 up',
    'addr add 192.168.0.2/24 dev sink0',
    'addr add 10.180.255.1/16 dev sink0',
    'link set sink0 up',
    // Service and load-balancer addresses not DNATed go on to the sink, so the forward hook sees them
    'route add 172.30.0.0/16 dev sink0',
    'route add 1.2.3.0/24 dev sink0',
    'route add 5.6.7.0/24 dev sink0',
  ]);
  batch(POD, ['link set lo up', 'addr add 10.0.0.2/24 dev eth0', 'link set eth0 up', 'route add default via 10.0.0.1']);
  batch(EXT, [
    'link set lo up',
    'addr add 203.0.113.2/24 dev eth0',
    'link set eth0 up',
    'route add default via 203.0.113.1',
  ]);
  batch(SINK, ['link set lo up', 'addr add 10.180.0.250/16 dev eth0', 'link set eth0 up']);
  ns(NODE, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  // static neighbours: no ARP wait, and frames to any sink address leave at once
  for (const ip of [
    '10.180.0.1',
    '10.180.0.2',
    '10.180.0.3',
    '10.180.0.4',
    '10.180.0.5',
    '172.30.0.46',
    '172.30.0.50',
    '172.30.0.41',
    '1.2.3.4',
  ])
    ns(NODE, 'ip', 'neigh', 'replace', ip, 'lladdr', '02:00:00:00:00:99', 'dev', 'sink0', 'nud', 'permanent');
  ns(NODE, 'nft', '-f', RULES);
  // trace only the test's packets: a chain ahead of every other on prerouting
  ns(NODE, 'nft', 'add table ip nstrace');
  ns(NODE, 'nft', 'add chain ip nstrace pre { type filter hook prerouting priority -500 ; }');
  ns(NODE, 'nft', 'add rule ip nstrace pre ip saddr { 10.0.0.2, 203.0.113.2 } meta nftrace set 1');
  const json = ns(NODE, 'nft', '-j', 'list', 'ruleset');
  return parseNftJson(json).value;
}

function teardown(): void {
  for (const n of [NODE, POD, EXT, SINK]) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
}

interface KernelStep {
  readonly table: string;
  readonly chain: string;
  readonly handle?: number;
  readonly verdict: string;
  readonly policy?: boolean;
}

/** `trace id X ip TABLE CHAIN rule … # handle N (verdict V)` and `… CHAIN policy accept` lines */
function parseTrace(text: string): KernelStep[] {
  const out: KernelStep[] = [];
  for (const line of text.split('\n')) {
    const m = /^trace id \S+ ip (\S+) (\S+) (rule .* # handle (\d+) \(verdict ([^)]+)\)|policy (\w+))/.exec(line);
    if (!m || m[1] === 'nstrace') continue;
    if (m[6]) out.push({ table: m[1]!, chain: m[2]!, verdict: m[6], policy: true });
    else out.push({ table: m[1]!, chain: m[2]!, handle: Number(m[4]), verdict: m[5]! });
  }
  return out;
}

async function kernelTrace(from: string, dst: string, port: number): Promise<KernelStep[]> {
  return parseTrace((await firstPacketTrace(NODE, from, dst, port)).join('\n'));
}

/** the evaluator over prerouting, then (for a packet routed on, not to the node) forward and postrouting */
function evaluate(rs: NftJsonRuleset, src: string, iif: string, dst: string, port: number): NftBranch[] {
  const start: NftPacket = {
    family: 'ip',
    src,
    dst,
    proto: 'tcp',
    sport: 40000,
    dport: port,
    mark: 0,
    ctState: 'new',
    iifname: iif,
    localAddresses: NODE_ADDRS,
  };
  const out: NftBranch[] = [];
  for (const pre of evalNftHook(rs, 'prerouting', start)) {
    if (pre.verdict !== 'accept') {
      out.push(pre);
      continue;
    }
    const fwdIn = { ...pre.packet, oifname: 'sink0' };
    for (const fwd of evalNftHook(rs, 'forward', fwdIn)) {
      if (fwd.verdict !== 'accept') {
        out.push({ ...fwd, steps: [...pre.steps, ...fwd.steps], choices: [...pre.choices, ...fwd.choices] });
        continue;
      }
      for (const post of evalNftHook(rs, 'postrouting', fwd.packet))
        out.push({
          ...post,
          steps: [...pre.steps, ...fwd.steps, ...post.steps],
          choices: [...pre.choices, ...fwd.choices, ...post.choices],
        });
    }
  }
  return out;
}

const show = (steps: readonly { table: string; chain: string; handle?: number; verdict: string; policy?: boolean }[]) =>
  steps.map((s) => `${s.chain}${s.policy ? ' policy' : `#${s.handle}`} ${s.verdict}`).join(' | ');

let rs: NftJsonRuleset;
describe.skipIf(!!why)('nftables evaluator agrees with the kernel (nft monitor trace)', () => {
  beforeAll(() => {
    rs = setup();
  });
  afterAll(teardown);

  it.each([
    ['pod → ClusterIP with one endpoint', POD, 'pod0', '10.0.0.2', '172.30.0.41', 80, 'accept'],
    ['pod → ClusterIP with two endpoints (numgen)', POD, 'pod0', '10.0.0.2', '172.30.0.44', 80, 'accept'],
    ['pod → ClusterIP without endpoints: rejected', POD, 'pod0', '10.0.0.2', '172.30.0.46', 80, 'reject'],
    ['pod → a ClusterIP port not served: rejected', POD, 'pod0', '10.0.0.2', '172.30.0.41', 443, 'reject'],
    ['pod → an unallocated ClusterIP: dropped', POD, 'pod0', '10.0.0.2', '172.30.0.50', 80, 'drop'],
    [
      'external → a LoadBalancer IP without local endpoints: dropped',
      EXT,
      'ext0',
      '203.0.113.2',
      '1.2.3.4',
      80,
      'drop',
    ],
    ['external → a NodePort: masqueraded to the endpoint', EXT, 'ext0', '203.0.113.2', '192.168.0.2', 3002, 'accept'],
  ] as const)('%s', async (_, from, iif, src, dst, port, verdict) => {
    const kernel = await kernelTrace(from, dst, port);
    expect(kernel.length, 'the kernel traced the packet').toBeGreaterThan(0);
    // the evaluator walks the test's own trace chain too; the kernel's lines for it were left out
    const branches = evaluate(rs, src, iif, dst, port).map((b) => ({
      ...b,
      steps: b.steps.filter((s) => s.table !== 'nstrace'),
    }));
    const match = branches.find(
      (b) =>
        b.steps.length === kernel.length &&
        b.steps.every((s, i) => {
          const k = kernel[i]!;
          return (
            s.chain === k.chain &&
            s.table === k.table &&
            (k.policy ? s.policy === true : s.handle === k.handle) &&
            // the kernel traces a reject statement as the drop it ends in (after sending the RST/ICMP)
            (s.verdict === 'reject' ? 'drop' : s.verdict) === k.verdict
          );
        }),
    );
    expect(
      match,
      `kernel: ${show(kernel)}\nevaluator: ${branches.map((b) => show(b.steps)).join('\n  or ')}`,
    ).toBeDefined();
    expect(match?.verdict).toBe(verdict);
  });

  it('two endpoints: one branch per numgen outcome, each naming its choice', () => {
    const two = evaluate(rs, '10.0.0.2', 'pod0', '172.30.0.44', 80);
    expect(two.map((b) => b.choices.join(','))).toEqual([
      'service-LAUZTJTB-ns4/svc4/tcp/p80: 1/2',
      'service-LAUZTJTB-ns4/svc4/tcp/p80: 2/2',
    ]);
    expect(two.map((b) => b.packet.dst).sort()).toEqual(['10.180.0.4', '10.180.0.5']);
  });
});

describe('nftables evaluator without a kernel', () => {
  const ruleset = parseNftJson(
    readFileSync(join(import.meta.dirname, '..', 'fixtures', 'reference', 'nft', 'kube-proxy-nftables.json'), 'utf8'),
  ).value;
  const pkt = (over: Partial<NftPacket>): NftPacket => ({
    family: 'ip',
    src: '10.0.0.2',
    dst: '172.30.0.41',
    proto: 'tcp',
    sport: 40000,
    dport: 80,
    mark: 0,
    ctState: 'new',
    iifname: 'pod0',
    localAddresses: NODE_ADDRS,
    ...over,
  });

  it('DNATs a ClusterIP packet to its endpoint in prerouting', () => {
    const [b] = evalNftHook(ruleset, 'prerouting', pkt({}));
    expect(b).toMatchObject({ verdict: 'accept', nat: 'dnat to 10.180.0.1:80', packet: { dst: '10.180.0.1' } });
  });

  it('marks a non-pod source for masquerade (mark or 0x4000) and postrouting masquerades it', () => {
    const [pre] = evalNftHook(ruleset, 'prerouting', pkt({ src: '203.0.113.2', iifname: 'ext0' }));
    expect(pre?.packet.mark).toBe(0x4000);
    const [post] = evalNftHook(ruleset, 'postrouting', pre!.packet);
    expect(post).toMatchObject({ verdict: 'accept', nat: 'masquerade', packet: { mark: 0 } });
  });

  it('an unknown input interface is undetermined only where a rule reads it', () => {
    const branches = evalNftHook(ruleset, 'prerouting', pkt({ iifname: undefined }));
    expect(branches.map((b) => b.verdict)).toEqual(['accept']);
  });

  it('an expression it does not know is undetermined, named', () => {
    const weird = parseNftJson(
      JSON.stringify({
        nftables: [
          { table: { family: 'ip', name: 't' } },
          { chain: { family: 'ip', table: 't', name: 'c', type: 'filter', hook: 'input', prio: 0, policy: 'accept' } },
          {
            rule: { family: 'ip', table: 't', chain: 'c', handle: 2, expr: [{ osf: { key: 'name' } }, { drop: null }] },
          },
        ],
      }),
    ).value;
    expect(evalNftHook(weird, 'input', pkt({}))).toEqual([
      expect.objectContaining({ verdict: 'undetermined', why: 'an expression of kind osf' }),
    ]);
  });

  it('a jump loop is cut by the step budget, undetermined', () => {
    const loop = parseNftJson(
      JSON.stringify({
        nftables: [
          { table: { family: 'ip', name: 't' } },
          { chain: { family: 'ip', table: 't', name: 'c', type: 'filter', hook: 'input', prio: 0, policy: 'accept' } },
          { chain: { family: 'ip', table: 't', name: 'a' } },
          { rule: { family: 'ip', table: 't', chain: 'c', handle: 2, expr: [{ jump: { target: 'a' } }] } },
          { rule: { family: 'ip', table: 't', chain: 'a', handle: 3, expr: [{ goto: { target: 'a' } }] } },
        ],
      }),
    ).value;
    expect(evalNftHook(loop, 'input', pkt({}))[0]).toMatchObject({ verdict: 'undetermined' });
  });
});
