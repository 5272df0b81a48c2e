// The headline of `npm run bench` (issue 17): whole processes over the same bundle, timed from
// outside with /usr/bin/time, runs interleaved (the order rotates each round) and medians taken:
//   netsnap  `node dist/bundle/netsnap.js analyze B --format json` (read, parse, rules, report: the
//            package's bin, scripts/bundle.mjs; tsc's dist/analyzer/cli.js loads ~400 modules more)
//   floor    `node dist/bench/floor-cli.js B` (gunzip + tar split + JSON.parse of every file)
//   by hand  `tar -xzf B` + ONE `jq` query over cluster/pods.json (what a person does first)
// CPU seconds (user + system, children included) are the figure that holds on a shared machine;
// wall is printed beside them with the load average of the run.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSize } from './sizes.js';

/** the one by-hand question: which pods are not Running, and where */
export const JQ_QUERY =
  '[.items[] | select(.status.phase != "Running") | {ns: .metadata.namespace, name: .metadata.name, node: .spec.nodeName}] | length';

export type Tool = 'netsnap' | 'floor' | 'byHand';
export const TOOLS: readonly Tool[] = ['netsnap', 'floor', 'byHand'];

export interface Usage {
  readonly wallS: number;
  readonly cpuS: number;
  readonly rssBytes: number;
}

export interface VersusResult {
  readonly size: BenchSize;
  readonly bundleBytes: number;
  readonly runs: number;
  /** every run, in the order measured */
  readonly samples: Readonly<Record<Tool, readonly Usage[]>>;
  readonly median: Readonly<Record<Tool, Usage>>;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

const ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();
const TIME = '/usr/bin/time';
/** what `npx netsnap` runs (package.json bin) */
const BIN = join(ROOT, 'dist', 'bundle', 'netsnap.js');

const BY_HAND = [
  'set -e',
  'tar -xzf "$1" -C "$2"',
  'pods=$(find "$2" -path "*/cluster/pods.json" | head -n 1)',
  'jq "$3" "$pods"',
].join('\n');

function command(tool: Tool, bundle: string, scratch: string): string[] {
  if (tool === 'netsnap') return [process.execPath, BIN, 'analyze', bundle, '--format', 'json'];
  if (tool === 'floor') return [process.execPath, join(ROOT, 'dist', 'bench', 'floor-cli.js'), bundle];
  return ['sh', '-c', BY_HAND, 'sh', bundle, scratch, JQ_QUERY];
}

/** one process under /usr/bin/time; stdout to /dev/null (a report is large, a pipe would time its reader) */
function timeOne(argv: readonly string[]): Promise<Usage> {
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-versus-'));
  const usage = join(dir, 'usage');
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    const out = openSync('/dev/null', 'w');
    const p = spawn(TIME, ['-o', usage, '-f', '%e %U %S %M', ...argv], { stdio: ['ignore', out, 'pipe'], env });
    closeSync(out);
    let stderr = '';
    p.stderr?.on('data', (c: Buffer) => {
      if (stderr.length < 100_000) stderr += c.toString('utf8');
    });
    p.on('error', reject);
    p.on('close', (code) => {
      try {
        // netsnap exits 1 when it finds failures (the bench bundles have faults): that is a result
        if (code !== 0 && !(code === 1 && argv[2] === 'analyze'))
          throw new Error(`exit ${code}: ${stderr.slice(0, 500)}`);
        const last = readFileSync(usage, 'utf8').trim().split('\n').at(-1) ?? '';
        const [e, u, s, kb] = last.split(' ').map(Number) as [number, number, number, number];
        resolve({ wallS: e, cpuS: u + s, rssBytes: kb * 1024 });
      } catch (err) {
        reject(new Error(`${argv.slice(0, 4).join(' ')}: ${err instanceof Error ? err.message : String(err)}`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const mid = (us: readonly Usage[]): Usage => ({
  wallS: median(us.map((u) => u.wallS)),
  cpuS: median(us.map((u) => u.cpuS)),
  rssBytes: median(us.map((u) => u.rssBytes)),
});

/** why versus cannot run here; undefined when it can */
export function versusMissing(): string | undefined {
  for (const [what, path] of [
    ['/usr/bin/time', TIME],
    ['the bundled CLI (npm run build)', BIN],
  ] as const)
    if (!existsSync(path)) return `${what} is missing`;
  return undefined;
}

/** `runs` rounds of the three tools over one bundle; the order rotates each round */
export async function measureVersus(
  size: BenchSize,
  bundle: string,
  opts: { runs?: number; log?: (m: string) => void } = {},
): Promise<VersusResult> {
  const runs = opts.runs ?? 3;
  const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  const samples: Record<Tool, Usage[]> = { netsnap: [], floor: [], byHand: [] };
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < TOOLS.length; i++) {
      const tool = TOOLS[(i + r) % TOOLS.length] as Tool;
      const scratch = mkdtempSync(join(tmpdir(), 'netsnap-byhand-'));
      try {
        const u = await timeOne(command(tool, bundle, scratch));
        samples[tool].push(u);
        opts.log?.(`versus ${size.name} run ${r + 1}/${runs} ${tool}: ${u.cpuS.toFixed(2)} s cpu, ${u.wallS} s wall`);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  }
  return {
    size,
    bundleBytes: statSync(bundle).size,
    runs,
    samples,
    median: { netsnap: mid(samples.netsnap), floor: mid(samples.floor), byHand: mid(samples.byHand) },
    loadBefore,
    loadAfter: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const s = (v: number): string => (v >= 10 ? `${v.toFixed(1)} s` : `${v.toFixed(2)} s`);
const x = (v: number): string => `${v.toFixed(2)}x`;
const mb = (b: number): string => `${Math.round(b / (1024 * 1024))} MB`;

export function versusTable(results: readonly VersusResult[]): string {
  const head = [
    'size',
    'runs',
    'netsnap cpu',
    'floor cpu',
    'by hand cpu',
    '**x floor (cpu)**',
    '**x by hand (cpu)**',
    'netsnap wall',
    'floor wall',
    'by hand wall',
    'x floor (wall)',
    'x by hand (wall)',
    'peak RSS netsnap / floor / by hand',
    'load average before / after',
  ];
  const rows = results.map((r) => {
    const { netsnap: n, floor: f, byHand: h } = r.median;
    return [
      `${r.size.name} (${r.size.nodes}/${r.size.pods}/${r.size.services})`,
      String(r.runs),
      s(n.cpuS),
      s(f.cpuS),
      s(h.cpuS),
      `**${x(n.cpuS / f.cpuS)}**`,
      `**${x(n.cpuS / h.cpuS)}**`,
      s(n.wallS),
      s(f.wallS),
      s(h.wallS),
      x(n.wallS / f.wallS),
      x(n.wallS / h.wallS),
      `${mb(n.rssBytes)} / ${mb(f.rssBytes)} / ${mb(h.rssBytes)}`,
      `${r.loadBefore.join(' ')} / ${r.loadAfter.join(' ')}`,
    ];
  });
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface VersusCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

/** issue 17's whole-process targets */
export function versusTargets(results: readonly VersusResult[]): VersusCheck[] {
  const by = new Map(results.map((r) => [r.size.name, r.median]));
  const out: VersusCheck[] = [];
  const t = (target: string, v: number | undefined, limit: number) =>
    out.push({
      target,
      measured: v === undefined ? 'not measured' : x(v),
      met: v === undefined ? undefined : v <= limit,
    });
  const M = by.get('M');
  const L = by.get('L');
  t('M netsnap ≤ 1.5x floor (cpu, whole process)', M && M.netsnap.cpuS / M.floor.cpuS, 1.5);
  t('L netsnap ≤ 2.0x floor (cpu, whole process)', L && L.netsnap.cpuS / L.floor.cpuS, 2.0);
  t('M netsnap < one by-hand tar -xzf + jq (cpu)', M && M.netsnap.cpuS / M.byHand.cpuS, 1.0);
  t('L netsnap < one by-hand tar -xzf + jq (cpu)', L && L.netsnap.cpuS / L.byHand.cpuS, 1.0);
  return out;
}

/** the doc section */
export function versusSection(results: readonly VersusResult[]): string {
  if (results.length === 0) return '';
  return [
    '## Headline: whole processes, CPU (issue 17)',
    '',
    `Each tool runs as its own process over the same bundle, timed from outside with /usr/bin/time (user + system CPU of the process and its children, wall, peak RSS); the ${results[0]?.runs ?? 0} runs per tool are interleaved (the order rotates each round) and the figures are medians. netsnap is \`netsnap analyze B --format json\` (read, parse, every rule, the report); the floor is bench/floor-cli.ts (gunzip + tar split + JSON.parse of every file, nothing kept); by hand is \`tar -xzf B\` + ONE \`jq\` query over cluster/pods.json: \`${JQ_QUERY}\`. CPU is the figure that holds on a shared machine; the load average shows how shared it was (above 2, wall times are inflated).`,
    '',
    versusTable(results),
    '',
  ].join('\n');
}
