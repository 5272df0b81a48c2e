// `netsnap analyze <bundle-or-dir...>`: load bundles, run the rules (and --rules packs), link root
// causes and print a report. On a TTY without --format/-o the TUI takes over (tui/start.tsx), but
// only after the bundles are read: input that holds no bundle exits 2 before any screen is drawn.
// Exit codes: 0 nothing reaches --fail-on, 1 something does, 2 no bundle could be read / bad usage.
import { redactionNotice } from '../redact/notice.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadProgress } from '../bundle/types.js';
import type { Snapshot } from '../model/types.js';
import type { TraceRequest } from '../trace/resolve.js';
import { exitCodeFor, keeps, type FailOn, type ReportInput } from '../report/model.js';
import { inert, inertLine } from '../text/inert.js';
import type { Analysis, Layer, Rule } from '../rules/types.js';
import { LAYERS } from '../rules/types.js';
import {
  DEMO_OPTION,
  didYouMean,
  emitOutput,
  FORMAT_HELP,
  FORMAT_OPTIONS,
  formatOf,
  HELP_OPTION,
  outputOf,
  parseCommand,
  usageError,
} from './args.js';
import { bundlePaths, loadInputs, packageRoot, reportSkipped } from './inputs.js';

export { demoBundles, packageRoot } from './inputs.js';

const USAGE = `usage: netsnap analyze [options] <bundle.tar.gz | bundle-dir | folder-of-bundles>...
       netsnap analyze --demo

options:
${FORMAT_HELP(undefined, '(default: the TUI on a terminal, else text)')}
  --fail-on critical|warning|never
                                  exit 1 when a finding reaches this (default critical)
  --layer LAYER                   only system|network|service|dns|bundle (repeatable, or a,b)
  --node NODE                     only findings about NODE (and cluster-wide ones)
  --rules FILE                    also run a rule pack (YAML/JSON, repeatable)
  --demo                          analyze the demo bundles shipped with netsnap (the article's story)
  --no-color                      no colour (also NO_COLOR=1)
  -v, --verbose                   evidence and fixes for every finding, not only root chains
  -h, --help
exit: 0 nothing reaches --fail-on, 1 something does, 2 no bundle could be read or bad usage`;

const OPTIONS = {
  ...FORMAT_OPTIONS,
  ...DEMO_OPTION,
  ...HELP_OPTION,
  'fail-on': { type: 'string', default: 'critical' },
  layer: { type: 'string', multiple: true },
  node: { type: 'string' },
  rules: { type: 'string', multiple: true },
  'no-color': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

const FAIL_ON = ['critical', 'warning', 'never'] as const;

/** a one-line progress indicator on a terminal's stderr while bundles are read (before the TUI) */
function progressLine(): { onProgress: (p: ReadProgress) => void; done: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, done: () => {} };
  let last = 0;
  let shown = false;
  return {
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      const name = inertLine(p.bundlePath.split('/').pop() ?? '').slice(0, 40);
      const mb = (p.bytesRead / 1048576).toFixed(1);
      process.stderr.write(`\r\u001b[2Kreading ${name}: ${p.entriesRead} files, ${mb} MB`);
    },
    done: () => {
      if (shown) process.stderr.write('\r\u001b[2K');
    },
  };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand('analyze', argv, OPTIONS, USAGE);
  if ('exit' in parsed) return parsed.exit;
  const o = parsed.values;
  const format = formatOf('analyze', o, ['text', 'json', 'markdown', 'html']);
  if (format === 2) return 2;
  const output = outputOf('analyze', o);
  if (output === 2) return 2;
  const failOn = o['fail-on'];
  if (!(FAIL_ON as readonly string[]).includes(failOn))
    return usageError(
      'analyze',
      `--fail-on ${failOn} is not one of ${FAIL_ON.join(', ')}`,
      didYouMean(failOn, FAIL_ON) ?? 'see netsnap analyze -h',
    );
  const layers = (o.layer ?? []).flatMap((l) => l.split(','));
  const badLayer = layers.find((l) => !(LAYERS as readonly string[]).includes(l));
  if (badLayer !== undefined)
    return usageError(
      'analyze',
      `unknown layer "${badLayer}"`,
      didYouMean(badLayer, LAYERS) ?? `use ${LAYERS.join(', ')}`,
    );
  const paths = bundlePaths(parsed.positionals, o.demo);
  if (typeof paths === 'string') return usageError('analyze', paths);

  const { allRules } = await import('../rules/catalog.js');
  const packs = o.rules?.length ? await loadPacks(o.rules, allRules) : [];
  if (packs === 2) return 2;

  const tty = Boolean(process.stdout.isTTY && process.stdin.isTTY);
  const useTui = tty && format === undefined && output === undefined;
  const progress = useTui ? progressLine() : undefined;
  // a pack's JSONPaths may name any field: whole objects (docs/lean-objects.md)
  const inputs = await loadInputs(paths, {
    ...(progress ? { onProgress: progress.onProgress } : {}),
    ...(packs.length > 0 ? { fullObjects: true } : {}),
  });
  progress?.done();
  // decided before the TUI starts: no bundle, no screen
  if (reportSkipped('analyze', inputs) === 2) return 2;
  const { analyze } = await import('../causal/analyze.js');
  const analysis = analyze(inputs.snapshot, { packs });

  if (useTui) {
    const code = await startTui(inputs.snapshot, analysis, [...allRules, ...packs], {
      title: o.demo ? 'demo (the field write-up incident)' : `${inputs.raws.length} bundle(s)`,
    });
    if (code === undefined) process.stderr.write('netsnap analyze: the TUI is not in this build; printing text\n');
    // q after reading the findings is not a failure: --fail-on is for the printed formats (docs/tui.md)
    else return code;
  }

  const input: ReportInput = {
    analysis,
    snapshot: inputs.snapshot,
    filter: { layers: layers as Layer[], node: o.node },
  };
  const fmt = format ?? 'text';
  const notice = redactionNotice(inputs.snapshot.bundles, { forSharing: fmt === 'markdown' || fmt === 'html' });
  if (notice.warning) process.stderr.write(`netsnap analyze: warning: ${inertLine(notice.warning)}\n`);
  let out: string;
  if (fmt === 'json') out = (await import('../report/json.js')).renderJson(input);
  else if (fmt === 'markdown') out = (await import('../report/markdown.js')).renderMarkdown(input);
  else if (fmt === 'html') {
    const { renderHtml } = await import('../report/html.js');
    // the rules (with packs) give each finding its "why" line
    out = renderHtml(input, { rules: [...allRules, ...packs] });
  } else {
    const color = output === undefined && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !o['no-color'];
    out = (await import('../report/text.js')).renderText(input, { color, width: 80, verbose: o.verbose });
  }
  if (emitOutput('analyze', output, out) === 2) return 2;
  if (output !== undefined) process.stderr.write(`netsnap analyze: wrote ${inertLine(output)}\n`);
  // the findings the report kept (buildReportModel's filter), without building the model again
  return exitCodeFor(
    analysis.findings.filter((f) => keeps(f, input.filter)),
    failOn as FailOn,
  );
}

/** the --rules packs; 2 after saying why one cannot be used. The pack machinery (yaml, JSONPath,
 * RE2) is loaded only here: analyze without --rules starts without it. */
async function loadPacks(files: readonly string[], allRules: readonly Rule[]): Promise<Rule[] | 2> {
  const { loadPackFile, PackError } = await import('../rules/packs/load.js');
  let packs: Rule[] = [];
  try {
    const ids = new Set(allRules.map((r) => r.id));
    for (const f of files) packs = [...packs, ...(await loadPackFile(f, ids))];
  } catch (err) {
    if (err instanceof PackError) {
      process.stderr.write(`netsnap analyze: rule pack invalid:\n${inert(err.message)}\n`);
      return 2;
    }
    process.stderr.write(`netsnap analyze: cannot read rule pack: ${inertLine((err as Error).message)}\n`);
    return 2;
  }
  return packs;
}

interface TuiModule {
  startTui(o: {
    load: (p: (x: unknown) => void) => Promise<{
      snapshot: Snapshot;
      analysis: Analysis;
      rules?: readonly unknown[];
      trace?: (req: TraceRequest) => unknown;
    }>;
    title?: string;
  }): Promise<number>;
}

/** the TUI over an analysis already made; undefined when this build has no TUI */
async function startTui(
  snapshot: Snapshot,
  analysis: Analysis,
  rules: readonly Rule[],
  opts: { title: string },
): Promise<number | undefined> {
  const startPath = join(packageRoot(), 'dist', 'tui', 'start.js');
  // the bundle (scripts/bundle.mjs) has the TUI as its own entry beside its chunks; tsc's layout
  // has it two folders up
  const bundled = new URL('./tui-start.js', import.meta.url);
  const here = new URL('../../tui/start.js', import.meta.url);
  const spec =
    [bundled, here].find((u) => existsSync(fileURLToPath(u)))?.href ?? (existsSync(startPath) ? startPath : undefined);
  if (!spec) return undefined;
  const mod = (await import(spec)) as TuiModule;
  const { traceFromSnapshot } = await import('../trace/resolve.js');
  return mod.startTui({
    title: opts.title,
    load: () =>
      Promise.resolve({
        snapshot,
        analysis,
        rules: rules.map((r) => ({ id: r.id, title: r.title, docs: r.docs })),
        trace: (req: TraceRequest) => traceFromSnapshot(snapshot, req),
      }),
  });
}
