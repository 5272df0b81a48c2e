// `npm run bench`: make (or reuse) the S/M/L bundles, measure each size in its own child process,
// measure the collector against the fake API server at L, print the table and write
// docs/performance.md; then the hostile inputs of issue 19 (bench/hostile.ts), each through the
// built CLI. Before those, the headline (bench/versus.ts): netsnap, the floor and one by-hand
// `tar -xzf` + `jq` query as whole processes, interleaved, medians of CPU and wall.
// Options: --sizes S,M  --runs N (versus rounds, default 3)  --no-versus  --no-tui  --no-collector
// --no-hostile  --out FILE;
// --only-hostile runs just the hostile section and writes only its section to --out. Exits 1 when
// a hostile case is over its budget or misses its outcome.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, ensureBundle, generatorVersion, repoRoot } from './generate.js';
import type { SizeResult } from './measure.js';
import { SIZES, parseSizes } from './sizes.js';
import { measureCollector, type CollectorResult } from './collector.js';
import { machineInfo, performanceDoc, type DocInput } from './doc.js';
import { hostileFailures, hostileSection, hostileTable, measureHostile, type HostileReport } from './hostile.js';
import { measureVersus, versusMissing, versusTable, versusTargets, type VersusResult } from './versus.js';
import { checkTargets, phaseTable, targetTable, tuiTable, collectorTable, scalingTable } from './table.js';

interface Args {
  sizes: string | undefined;
  tui: boolean;
  collector: boolean;
  hostile: boolean;
  onlyHostile: boolean;
  versus: boolean;
  runs: number;
  out: string;
  /** also write the run's measurements as JSON here */
  save: string | undefined;
  /** rewrite the doc from a saved run (targets and notes as they are now) instead of measuring */
  redoc: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    sizes: undefined,
    tui: true,
    collector: true,
    hostile: true,
    onlyHostile: false,
    versus: true,
    runs: 3,
    save: undefined,
    redoc: undefined,
    out: join(repoRoot(), 'docs', 'performance.md'),
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--sizes') a.sizes = argv[++i];
    else if (x === '--no-tui') a.tui = false;
    else if (x === '--no-collector') a.collector = false;
    else if (x === '--no-hostile') a.hostile = false;
    else if (x === '--only-hostile') a.onlyHostile = true;
    else if (x === '--no-versus') a.versus = false;
    else if (x === '--save') a.save = argv[++i];
    else if (x === '--redoc') a.redoc = argv[++i];
    else if (x === '--runs') a.runs = Math.max(1, Number(argv[++i]) || 3);
    else if (x === '--out') a.out = argv[++i] ?? a.out;
    else
      throw new Error(
        `unknown option ${x}; use --sizes S,M,L --runs N --no-versus --no-tui --no-collector --no-hostile --only-hostile --out FILE --save FILE --redoc FILE`,
      );
  }
  return a;
}

const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function runChild(size: string, bundle: string, tui: boolean): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-bench-'));
  const out = join(dir, 'result.json');
  const child = fileURLToPath(new URL('./child.js', import.meta.url));
  const args = ['--expose-gc', '--max-old-space-size=8192', child, size, bundle, out, ...(tui ? [] : ['--no-tui'])];
  return new Promise((resolve, reject) => {
    // React picks its build when first imported: measure the production build the CLI runs
    // (cli sets NODE_ENV=production unless the user set it), not react.development.js
    const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production' };
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      try {
        if (code !== 0)
          throw new Error(`size ${size} failed (exit ${code ?? signal}); rerun with --sizes ${size} to see why`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as SizeResult);
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** the hostile section; sets the exit code when a case fails its budget or outcome */
async function runHostile(): Promise<HostileReport> {
  log('measuring the hostile inputs (each through dist/analyzer/cli.js)');
  const report = await measureHostile({ log });
  const failures = hostileFailures(report);
  if (failures.length) {
    for (const f of failures) log(`hostile case failed: ${f}`);
    process.exitCode = 1;
  }
  return report;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  if (args.redoc) {
    const saved = JSON.parse(readFileSync(args.redoc, 'utf8')) as DocInput;
    const checks = [...versusTargets(saved.versus ?? []), ...checkTargets(saved.results, saved.collector)];
    writeFileSync(args.out, performanceDoc({ ...saved, checks }));
    log(`wrote ${args.out} from ${args.redoc}`);
    return;
  }
  if (args.onlyHostile) {
    const hostile = await runHostile();
    writeFileSync(args.out, hostileSection(hostile));
    log(`wrote ${args.out} (the hostile section only)`);
    return;
  }
  const machine = machineInfo();
  log(`cache ${cacheDir()}, generator ${generatorVersion()}`);
  const results: SizeResult[] = [];
  const versus: VersusResult[] = [];
  const generation: Record<string, number> = {};
  const missing = args.versus ? versusMissing() : undefined;
  if (missing) log(`skipping the whole-process headline: ${missing}`);
  for (const name of parseSizes(args.sizes)) {
    const size = SIZES[name];
    const b = await ensureBundle(size, { log });
    if (b.generated) generation[name] = b.ms;
    if (args.versus && !missing) {
      log(`measuring ${name}: netsnap vs floor vs by hand, ${args.runs} interleaved runs`);
      versus.push(await measureVersus(size, b.path, { runs: args.runs, log }));
    }
    log(`measuring ${name}`);
    results.push(await runChild(name, b.path, args.tui));
  }
  let collector: CollectorResult | undefined;
  if (args.collector) {
    log('measuring the collector against the fake API server at L');
    collector = await measureCollector(SIZES.L, { log });
  }
  const hostile = args.hostile ? await runHostile() : undefined;
  const checks = [...versusTargets(versus), ...checkTargets(results, collector)];
  const tables = [
    versusTable(versus),
    phaseTable(results),
    scalingTable(results),
    tuiTable(results),
    collectorTable(collector),
    targetTable(checks),
  ];
  if (hostile) tables.push(hostileTable(hostile));
  process.stdout.write(`${tables.join('\n\n')}\n`);
  const input: DocInput = {
    machine,
    results,
    versus,
    collector,
    checks,
    generation,
    totalMs: performance.now() - started,
    loadAfter: machineInfo().loadavg,
    date: new Date().toISOString(),
    hostile,
  };
  if (args.save) writeFileSync(args.save, JSON.stringify(input));
  writeFileSync(args.out, performanceDoc(input));
  log(`wrote ${args.out}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
