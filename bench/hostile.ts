// The hostile-inputs section of `npm run bench`: issue 19's hang and crash cases, each written to
// a temporary copy of the healthy scenario (or a pack file) and run through the built CLI in a
// child process, timed from outside: wall seconds, CPU seconds (user + system) and peak RSS of the
// child (/usr/bin/time when present, else bench/timed.ts's process.resourceUsage). The baseline is
// the same command on the committed healthy bundles, in the same run. test/fuzz/hostile-bounds.test.ts
// and analyzer/rules/packs/hostile.test.ts assert the same cases' outcomes through the library; here
// a case fails the bench when it takes 10 s or more, peaks at 1.5 GB or more, or does not yield the
// outcome (undetermined, problem, refusal) the tests expect.
import { spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonTooDeepMessage } from '../analyzer/core/json-depth.js';
import { MAX_PACK_DEPTH } from '../analyzer/rules/packs/limits.js';
import { STEP_BUDGET_WHY } from '../analyzer/trace/netfilter.js';
import { bombArchive, bombEntry } from './bomb.js';
import {
  blocks,
  deepArray,
  deepObject,
  deepPack,
  fanout,
  inject,
  logRules,
  REDACT_RUNS,
  upstream,
} from './hostile-inputs.js';

export const WALL_LIMIT_S = 10;
export const RSS_LIMIT_BYTES = 1.5 * 1024 ** 3;
/** issue 17: a bomb is refused within this peak RSS whatever its entries declare */
export const BOMB_RSS_LIMIT_BYTES = 512 * 1024 ** 2;

/** the repository: the nearest directory up with a package.json (from bench/ under vitest, dist/bench/ when built) */
const ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();
const HEALTHY = join(ROOT, 'fixtures', 'scenarios', 'healthy');
const CP = 'netsnap-control-plane-20241120T093000Z';
/** a pod on worker-1 of the healthy scenario, the source of the traced packet */
const TRACE_FROM = 'default/web-44x55ssjts-cjglt';

export interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallS: number;
  readonly cpuS: number;
  readonly rssBytes: number;
  /** how the child was measured */
  readonly via: '/usr/bin/time' | 'resourceUsage';
}

export interface Judged {
  readonly outcome: string;
  readonly ok: boolean;
}

export interface HostileCase {
  readonly name: string;
  /** what the tests expect, in a few words */
  readonly expects: string;
  /** writes the input under `dir`; returns the CLI's arguments */
  build(dir: string): string[];
  judge(run: ChildRun): Judged;
}

export interface HostileResult extends ChildRun {
  readonly name: string;
  readonly expects: string;
  readonly outcome: string;
  readonly ok: boolean;
  /** wall seconds over the baseline's */
  readonly ratio: number;
}

export interface HostileReport {
  readonly baseline: ChildRun;
  readonly results: readonly HostileResult[];
}

const cliPath = (): string => join(ROOT, 'dist', 'analyzer', 'cli.js');
const TIME = '/usr/bin/time';

/** runs `node dist/analyzer/cli.js ...args` in a child and measures it from outside */
export function runCli(args: readonly string[], opts: { forceWrapper?: boolean } = {}): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-hostile-run-'));
  const usage = join(dir, 'usage');
  const out = join(dir, 'stdout');
  const viaTime = !opts.forceWrapper && existsSync(TIME);
  const [cmd, argv]: [string, string[]] = viaTime
    ? [TIME, ['-o', usage, '-f', '%e %U %S %M', process.execPath, cliPath(), ...args]]
    : [process.execPath, [join(ROOT, 'dist', 'bench', 'timed.js'), usage, cliPath(), ...args]];
  // the CLI sets NODE_ENV=production unless the user set it; measure what it runs
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let stderr = '';
    // stdout to a file: a report over 100,000 findings is large, and a pipe would time the reader
    const fd = openSync(out, 'w');
    const p = spawn(cmd, argv, { stdio: ['ignore', fd, 'pipe'], env, cwd: ROOT });
    closeSync(fd);
    p.stderr?.on('data', (c: Buffer) => {
      if (stderr.length < 1_000_000) stderr += c.toString('utf8');
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const wall = (performance.now() - started) / 1000;
      try {
        // the last line: /usr/bin/time writes "Command exited with non-zero status N" before it
        const u = readFileSync(usage, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
        const [e, user, sys, maxKb] = u as [number, number, number, number];
        resolve({
          code,
          stdout: readFileSync(out, 'utf8'),
          stderr,
          wallS: viaTime ? e : wall,
          cpuS: user + sys,
          rssBytes: maxKb * 1024,
          via: viaTime ? TIME : 'resourceUsage',
        });
      } catch (err) {
        reject(
          new Error(
            `could not read the child's usage (${args.join(' ')}): ${String(err)}; stderr: ${stderr.slice(0, 500)}`,
          ),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** a copy of the healthy scenario's bundles under `dir/name`, edited; returns the bundle paths */
function healthyCopy(dir: string, name: string, edit: (bundle: string, node: string) => void): string[] {
  const to = join(dir, name);
  cpSync(HEALTHY, to, { recursive: true });
  rmSync(join(to, 'expected.json'));
  return readdirSync(to)
    .sort()
    .map((b) => {
      edit(join(to, b), b);
      return join(to, b);
    });
}

const healthyBundles = (): string[] =>
  readdirSync(HEALTHY)
    .filter((b) => b.startsWith('netsnap-'))
    .sort()
    .map((b) => join(HEALTHY, b));

const editDumps = (chains: readonly string[], rules: readonly string[]) => (bundle: string) => {
  for (const f of ['iptables-save.txt', 'iptables-nft-save.txt']) {
    const p = join(bundle, 'host', f);
    if (!existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    if (text.includes('*filter')) writeFileSync(p, inject(text, chains, rules));
  }
};

interface ReportJson {
  findings: { ruleId: string; status: string; message: string; messageId?: string }[];
  problems: { bundle?: string; file?: string; message: string }[];
}
interface TraceJson {
  branches: { fate: { kind: string; why?: string; at?: string } }[];
}

function parse<T>(run: ChildRun): T | string {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    return `no JSON on stdout (exit ${run.code}): ${run.stderr.trim().split('\n')[0] ?? ''}`;
  }
}

const analyzed = (run: ChildRun): boolean => run.code === 0 || run.code === 1;
const crashed = (r: ReportJson) =>
  r.findings.filter((f) => f.ruleId.startsWith('ERR') || /could not run/.test(f.message));

/** SYS-103 (FORWARD allows pod traffic) over an iptables dump: `unknown` expected on a loop */
function judgeSys103(run: ChildRun, wantUnknown: boolean): Judged {
  const r = parse<ReportJson>(run);
  if (typeof r === 'string' || !analyzed(run))
    return { outcome: typeof r === 'string' ? r : `exit ${run.code}`, ok: false };
  const sys = r.findings.filter((f) => f.ruleId === 'SYS-103');
  const statuses = [...new Set(sys.map((f) => f.status))].sort().join('/');
  const bad = crashed(r);
  const ok = sys.length > 0 && bad.length === 0 && (!wantUnknown || sys.every((f) => f.status === 'unknown'));
  const first = sys.find((f) => f.status === 'unknown') ?? sys[0];
  return {
    outcome: `SYS-103 ${statuses || 'missing'} ×${sys.length}${first && wantUnknown ? `: ${first.message}` : ''}${bad.length ? `; ${bad.length} rules could not run` : ''}`,
    ok,
  };
}

function judgeTrace(run: ChildRun, want: { kind: string; why?: string }): Judged {
  const r = parse<TraceJson>(run);
  if (typeof r === 'string') return { outcome: r, ok: false };
  const fates = r.branches.map((b) => b.fate);
  const hit = fates.find((f) => f.kind === want.kind && (want.why === undefined || f.why === want.why));
  const shown = hit ?? fates[0];
  return {
    outcome: `exit ${run.code}; ${shown ? `${shown.kind}${shown.why ? `: ${shown.why}` : ''}${shown.at ? ` at ${shown.at}` : ''}` : 'no branch'}`,
    ok: hit !== undefined,
  };
}

const trace = (paths: readonly string[]) => [
  'trace',
  ...paths,
  '--from',
  TRACE_FROM,
  '--to',
  '8.8.8.8:53',
  '--proto',
  'udp',
  '--json',
];
const analyzeJson = (paths: readonly string[], extra: readonly string[] = []) => [
  'analyze',
  ...paths,
  '--format',
  'json',
  '--fail-on',
  'never',
  ...extra,
];

/** the cases, in the order of test/fuzz/hostile-bounds.test.ts, then the rule packs */
export function hostileCases(): HostileCase[] {
  const loop = (name: string, j: '-j' | '-g'): HostileCase => ({
    name,
    expects: 'trace undetermined (loop named)',
    build: (dir) =>
      trace(
        healthyCopy(
          dir,
          name.replace(/\W+/g, '-'),
          editDumps(['A', 'B'], [`-A FORWARD ${j} A`, `-A A ${j} B`, `-A B ${j} A`]),
        ),
      ),
    judge: (run) =>
      judgeTrace(run, { kind: 'undetermined', why: 'chain A re-entered with the same packet (loop A → B → A)' }),
  });
  const [c16, r16] = fanout(16, 2);
  const [c14, r14] = fanout(14, 4);
  return [
    loop('jump loop A → B → A (trace)', '-j'),
    loop('goto loop A → B → A (trace)', '-g'),
    {
      name: 'jump loop A → B → A (analyze)',
      expects: 'SYS-103 unknown',
      build: (dir) =>
        analyzeJson(
          healthyCopy(dir, 'loop-analyze', editDumps(['A', 'B'], ['-A FORWARD -j A', '-A A -j B', '-A B -j A'])),
        ),
      judge: (run) => judgeSys103(run, true),
    },
    {
      name: 'fan-out 16 × 2 (trace)',
      expects: 'trace forwarded (shared sub-walks)',
      build: (dir) => trace(healthyCopy(dir, 'fan16', editDumps(c16, r16))),
      judge: (run) => judgeTrace(run, { kind: 'forwarded' }),
    },
    {
      name: 'fan-out 14 × 4 (trace)',
      expects: 'trace undetermined (step budget)',
      build: (dir) => trace(healthyCopy(dir, 'fan14-trace', editDumps(c14, r14))),
      judge: (run) => judgeTrace(run, { kind: 'undetermined', why: STEP_BUDGET_WHY }),
    },
    {
      name: 'fan-out 14 × 4 (analyze)',
      expects: 'analysis finishes, SYS-103 present',
      build: (dir) => analyzeJson(healthyCopy(dir, 'fan14', editDumps(c14, r14))),
      judge: (run) => judgeSys103(run, false),
    },
    {
      name: '100,000 LOG rules in FORWARD (analyze)',
      expects: 'analysis finishes, SYS-103 present',
      build: (dir) => analyzeJson(healthyCopy(dir, 'logs', editDumps([], logRules(100_000)))),
      judge: (run) => judgeSys103(run, false),
    },
    {
      // issue 21: a super-linear redaction pattern takes hours on one of these (test/redact/long-runs.test.ts
      // checks what each run becomes; this times 1 MB of each through the CLI)
      name: `redaction: ${REDACT_RUNS.length} long runs of 1 MB in resolv.conf (redact --pseudonymize)`,
      expects: 'bundle written; the key-value password and the PEM lines redacted',
      build: (dir) => {
        const paths = healthyCopy(dir, 'redact-runs', (bundle, node) => {
          if (node !== CP) return;
          const runs = REDACT_RUNS.map(([, make]) => make(1024 * 1024));
          writeFileSync(join(bundle, 'host', 'resolv.conf'), `${runs.join('\n')}\nnameserver 10.96.0.10\n`);
        });
        const cp = paths.find((p) => p.endsWith(CP)) as string;
        return ['redact', cp, '-o', join(dir, 'redacted.tar.gz'), '--pseudonymize'];
      },
      judge: (run) => {
        const line = run.stdout.split('\n').find((l) => l.includes('redacted.tar.gz: ')) ?? '';
        const ok = run.code === 0 && /secret\.key-value [1-9]/.test(line) && /secret\.pem-private-key [1-9]/.test(line);
        const counts = line
          .split(': ')
          .slice(1)
          .join(': ')
          .split(', ')
          .filter((c) => c.startsWith('secret.'));
        return { ok, outcome: ok ? `exit 0; ${counts.join(', ')}` : `exit ${run.code}; ${run.stderr.slice(0, 200)}` };
      },
    },
    corefileCase(20_000),
    corefileCase(100_000),
    {
      name: 'pods.json and services.json nested 1,000,000 deep (analyze)',
      expects: 'problem naming each file',
      build: (dir) =>
        analyzeJson(
          healthyCopy(dir, 'deep', (bundle, node) => {
            if (node !== CP) return;
            writeFileSync(join(bundle, 'cluster/pods.json'), deepArray(1_000_000));
            writeFileSync(join(bundle, 'cluster/services.json'), deepObject(1_000_000));
          }),
        ),
      judge: (run) => {
        const r = parse<ReportJson>(run);
        if (typeof r === 'string' || !analyzed(run))
          return { outcome: typeof r === 'string' ? r : `exit ${run.code}`, ok: false };
        const named = ['cluster/pods.json', 'cluster/services.json'].filter((file) =>
          r.problems.some((p) => p.file === file && p.message === jsonTooDeepMessage()),
        );
        return {
          outcome: `problems: ${named.join(', ') || 'none'}: ${jsonTooDeepMessage()}`,
          ok: named.length === 2 && crashed(r).length === 0,
        };
      },
    },
    {
      name: '6 × 1 GiB entries of zeros in a 6 MB .tar.gz (analyze; issue 17)',
      expects: `refused as a bomb, ${bombEntry(0)} named, peak RSS ≤ 512 MB`,
      build: (dir) => {
        const path = join(dir, 'bomb.tar.gz');
        writeFileSync(path, bombArchive(readFileSync(join(healthyBundles()[0]!, 'manifest.json'), 'utf8')));
        return analyzeJson([path]);
      },
      judge: (run) => {
        const r = parse<ReportJson>(run);
        if (typeof r === 'string' || !analyzed(run))
          return { outcome: typeof r === 'string' ? r : `exit ${run.code}`, ok: false };
        const p = r.problems.find((x) => x.file === bombEntry(0) && /decompression bomb/.test(x.message));
        return {
          outcome: p ? `problem on ${p.file}: ${p.message}` : 'no bomb problem',
          ok: p !== undefined && run.rssBytes <= BOMB_RSS_LIMIT_BYTES,
        };
      },
    },
    {
      name: 'rule pack nested 100,000 deep (analyze --rules)',
      expects: 'pack refused, file:line named',
      build: (dir) => {
        const pack = join(dir, 'deep-pack.yaml');
        writeFileSync(pack, deepPack(100_000));
        return analyzeJson(healthyBundles(), ['--rules', pack]);
      },
      judge: (run) => {
        const want = `deep-pack.yaml:13: nested more than ${MAX_PACK_DEPTH} levels deep`;
        const line = run.stderr.split('\n').find((l) => l.includes(want));
        return {
          outcome: `exit ${run.code}; ${line ? line.replace(/^.*deep-pack\.yaml/, 'deep-pack.yaml') : (run.stderr.trim().split('\n')[0] ?? '')}`,
          ok: run.code === 2 && line !== undefined,
        };
      },
    },
    {
      name: 'catastrophic regex vs a crafted 41-char pod name (analyze --rules)',
      expects: 'finishes (RE2); crafted name does not match',
      build: (dir) => {
        const pack = join(dir, 're-pack.yaml');
        writeFileSync(pack, regexPack('^([a-z0-9]+-?)*[a-z0-9]$'));
        const paths = healthyCopy(dir, 'regex', (bundle, node) => {
          if (node !== CP) return;
          const p = join(bundle, 'cluster/pods.json');
          const list = JSON.parse(readFileSync(p, 'utf8')) as { items: { metadata: { name: string } }[] };
          const crafted = structuredClone(list.items.at(-1)!);
          crafted.metadata.name = `${'a'.repeat(40)}!`;
          list.items.push(crafted);
          writeFileSync(p, JSON.stringify(list));
        });
        return analyzeJson(paths, ['--rules', pack]);
      },
      judge: (run) => {
        const r = parse<ReportJson>(run);
        if (typeof r === 'string' || !analyzed(run))
          return { outcome: typeof r === 'string' ? r : `exit ${run.code}`, ok: false };
        const site = r.findings.filter((f) => f.ruleId === 'SITE-001');
        const crafted = site.find(
          (f) => f.message.startsWith(`${'a'.repeat(40)}!`) || f.message.includes(`${'a'.repeat(40)}!`),
        );
        const fails = site.filter((f) => f.status === 'fail').length;
        return {
          outcome: `SITE-001 over ${site.length} pods, ${fails} match${crafted ? `; crafted name ${crafted.status}` : '; crafted name not seen'}`,
          ok: site.length > 0 && crafted?.status === 'pass',
        };
      },
    },
  ];
}

function corefileCase(n: number): HostileCase {
  return {
    name: `Corefile with ${n.toLocaleString('en-US')} server blocks (analyze)`,
    expects: `DNS-407 single-upstream ×${n.toLocaleString('en-US')}`,
    build: (dir) =>
      analyzeJson(
        healthyCopy(dir, `corefile-${n}`, (bundle, node) => {
          if (node !== CP) return;
          const p = join(bundle, 'cluster/configmaps/kube-system/coredns.json');
          const cm = JSON.parse(readFileSync(p, 'utf8')) as { data: { Corefile: string } };
          cm.data.Corefile += blocks(n);
          writeFileSync(p, JSON.stringify(cm));
        }),
      ),
    judge: (run) => {
      const r = parse<ReportJson>(run);
      if (typeof r === 'string' || !analyzed(run))
        return { outcome: typeof r === 'string' ? r : `exit ${run.code}`, ok: false };
      const single = r.findings.filter((f) => f.ruleId === 'DNS-407' && f.messageId === 'single-upstream');
      const last = single.some(
        (f) => f.message === `forward . has a single upstream ${upstream(n - 1)} and no fallback`,
      );
      return {
        outcome: `DNS-407 single-upstream ×${single.length}`,
        ok: single.length === n && last && crashed(r).length === 0,
      };
    },
  };
}

/** a one-rule pack failing on pods whose name matches `pattern` */
const regexPack = (pattern: string): string =>
  [
    'apiVersion: netsnap.dev/v1',
    'kind: RulePack',
    'name: re',
    'rules:',
    '  - id: SITE-001',
    '    slug: re',
    '    layer: service',
    '    title: Re',
    '    docs: { why: w, fix: f }',
    '    select: "$.cluster.pods[*]"',
    '    subject: { kind: pod, name: "$.metadata.name" }',
    `    when: { path: "$.metadata.name", op: matches, value: ${JSON.stringify(pattern)} }`,
    '    message: "{name} matches"',
    '',
  ].join('\n');

/** the baseline: the same analyze on the committed healthy bundles */
export const runBaseline = (): Promise<ChildRun> => runCli(analyzeJson(healthyBundles()));

/** runs `cases` (all by default), one child each, after the baseline */
export async function measureHostile(
  opts: { cases?: readonly HostileCase[]; log?: (m: string) => void; forceWrapper?: boolean } = {},
): Promise<HostileReport> {
  const cases = opts.cases ?? hostileCases();
  const log = opts.log ?? (() => {});
  const baseline = await runCli(analyzeJson(healthyBundles()), opts);
  log(`hostile: baseline (healthy) ${baseline.wallS.toFixed(2)} s, ${mb(baseline.rssBytes)}`);
  const results: HostileResult[] = [];
  for (const c of cases) {
    const dir = mkdtempSync(join(tmpdir(), 'netsnap-hostile-'));
    try {
      const args = c.build(dir);
      const run = await runCli(args, opts);
      const j = c.judge(run);
      results.push({
        ...run,
        name: c.name,
        expects: c.expects,
        outcome: j.outcome,
        ok: j.ok,
        ratio: run.wallS / baseline.wallS,
      });
      log(
        `hostile: ${c.name}: ${run.wallS.toFixed(2)} s, ${mb(run.rssBytes)}, ${j.ok ? 'ok' : 'FAILED'}: ${j.outcome}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { baseline, results };
}

/** why each case failed the bench; empty when every case is within budget with its outcome */
export function hostileFailures(report: HostileReport): string[] {
  const out: string[] = [];
  for (const r of report.results) {
    if (r.wallS >= WALL_LIMIT_S) out.push(`${r.name}: ${r.wallS.toFixed(1)} s wall (budget < ${WALL_LIMIT_S} s)`);
    if (r.rssBytes >= RSS_LIMIT_BYTES) out.push(`${r.name}: peak RSS ${mb(r.rssBytes)} (budget < 1.5 GB)`);
    if (!r.ok) out.push(`${r.name}: expected ${r.expects}; got ${r.outcome}`);
  }
  return out;
}

const mb = (b: number): string => `${Math.round(b / (1024 * 1024))} MB`;
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function hostileTable(report: HostileReport): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const head = ['case', 'expected', 'outcome', 'wall', 'x healthy', 'cpu', 'peak RSS', 'within budget'];
  const b = report.baseline;
  const rows = [
    [
      'healthy scenario (baseline): analyze --format json',
      '-',
      `exit ${b.code}`,
      `${b.wallS.toFixed(2)} s`,
      '1.00',
      `${b.cpuS.toFixed(2)} s`,
      mb(b.rssBytes),
      '-',
    ],
    ...report.results.map((r) => [
      r.name,
      r.expects,
      r.outcome,
      `${r.wallS.toFixed(2)} s`,
      r.ratio.toFixed(2),
      `${r.cpuS.toFixed(2)} s`,
      mb(r.rssBytes),
      r.ok && r.wallS < WALL_LIMIT_S && r.rssBytes < RSS_LIMIT_BYTES ? 'yes' : '**no**',
    ]),
  ];
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** the doc section (also what --only-hostile writes to --out) */
export function hostileSection(report: HostileReport): string {
  return [
    '## Hostile inputs',
    '',
    `Issue 19's hang and crash cases, generated into a copy of fixtures/scenarios/healthy (or a pack file) by bench/hostile-inputs.ts (the inputs test/fuzz/hostile-bounds.test.ts builds), each run through the built CLI in its own process and measured from outside (${report.baseline.via}: wall, user + system CPU, peak RSS). "x healthy" is wall time over the same analyze on the unedited healthy bundles in the same run. A case fails the bench at ${WALL_LIMIT_S} s wall, 1.5 GB peak RSS, or without the outcome the tests expect. \`npm run bench -- --only-hostile\` runs just this section.`,
    '',
    hostileTable(report),
    '',
  ].join('\n');
}
