// `netsnap diff BEFORE... -- AFTER...` and `netsnap diff --node NODE BUNDLES...`: analyze two
// collections of one cluster and say what a fix changed (docs/diff.md). Findings are matched by
// stable id into fixed / still failing / new / changed status / unchanged, with the source changes
// that explain them. Exit: 0 nothing still failing or new reaches --fail-on, 1 something does,
// 2 bad usage or a side with no readable bundle.
import type { RawBundle } from '../bundle/types.js';
import { buildSnapshot } from '../model/build.js';
import type { Snapshot } from '../model/types.js';
import type { FailOn } from '../report/model.js';
import { inertLine } from '../text/inert.js';
import {
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
import { bundlePaths, loadInputs, reportSkipped } from './inputs.js';

const USAGE = `usage: netsnap diff [options] <before bundle | dir>... -- <after bundle | dir>...
       netsnap diff [options] --node NODE <bundle | dir>...

Analyze two collections of one cluster and match their findings by stable id: fixed, still
failing, new, changed status, unchanged; with the root causes of each side and the source changes
(iptables rules, routes, Corefile lines, endpoints, pod restarts, sysctls) that explain them.

options:
${FORMAT_HELP()}
                                  (default text)
  --fail-on critical|warning|never
                                  exit 1 when a still-failing or new finding reaches this (default critical)
  --node NODE                     the oldest and newest bundle of NODE are before and after
  -v, --verbose                   list unchanged findings too (text)
  -h, --help
exit: 0 nothing still failing or new reaches --fail-on, 1 something does, 2 bad usage or no readable bundle`;

const OPTIONS = {
  ...FORMAT_OPTIONS,
  ...HELP_OPTION,
  'fail-on': { type: 'string' },
  node: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

const FAIL_ON = ['critical', 'warning', 'never'] as const;

type Values = Partial<{
  format: string;
  json: boolean;
  output: string;
  help: boolean;
  'fail-on': string;
  node: string;
  verbose: boolean;
}>;

/** both halves parsed with one table: options may stand on either side of `--` */
function parseBoth(argv: string[]): { values: Values; before: string[]; after?: string[] } | { exit: number } {
  const sep = argv.indexOf('--');
  const left = sep < 0 ? argv : argv.slice(0, sep);
  const l = parseCommand('diff', left, OPTIONS, USAGE);
  if ('exit' in l) return l;
  if (sep < 0) return { values: l.values, before: l.positionals };
  const r = parseCommand('diff', argv.slice(sep + 1), OPTIONS, USAGE);
  if ('exit' in r) return r;
  for (const k of Object.keys(r.values) as (keyof Values)[])
    if (k in l.values && l.values[k] !== r.values[k])
      return { exit: usageError('diff', `--${k} is given twice with different values`, 'give it once') };
  return { values: { ...l.values, ...r.values }, before: l.positionals, after: r.positionals };
}

interface SideLoaded {
  readonly snapshot: Snapshot;
  readonly raws: readonly RawBundle[];
}

async function loadSide(what: string, positionals: string[]): Promise<SideLoaded | 2> {
  const paths = bundlePaths(positionals, false);
  if (typeof paths === 'string') return usageError('diff', `no ${what} bundle given`, 'see netsnap diff -h');
  const inputs = await loadInputs(paths);
  if (reportSkipped('diff', inputs) === 2) return 2;
  return { snapshot: inputs.snapshot, raws: inputs.raws };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseBoth(argv);
  if ('exit' in parsed) return parsed.exit;
  const o = parsed.values;
  const format = formatOf('diff', o, ['text', 'json', 'markdown', 'html'], 'text');
  if (format === 2) return 2;
  const output = outputOf('diff', o);
  if (output === 2) return 2;
  const failOn = o['fail-on'] ?? 'critical';
  if (!(FAIL_ON as readonly string[]).includes(failOn))
    return usageError(
      'diff',
      `--fail-on ${failOn} is not one of ${FAIL_ON.join(', ')}`,
      didYouMean(failOn, FAIL_ON) ?? 'see netsnap diff -h',
    );
  if (o.node !== undefined && parsed.after !== undefined)
    return usageError('diff', '--node takes one collection, not two separated by --', 'drop the -- or the --node');
  if (o.node === undefined && parsed.after === undefined)
    return usageError('diff', 'no -- between the before and the after bundles', 'netsnap diff BEFORE... -- AFTER...');

  // both sides named before anything is read
  if (parsed.before.length === 0)
    return usageError('diff', `no ${o.node !== undefined ? '' : 'before '}bundle given`, 'see netsnap diff -h');
  if (parsed.after !== undefined && parsed.after.length === 0)
    return usageError('diff', 'no after bundle given', 'see netsnap diff -h');

  let before: Snapshot;
  let after: Snapshot;
  if (o.node !== undefined) {
    const all = await loadSide('', parsed.before);
    if (all === 2) return 2;
    const { splitTimeline } = await import('../diff/timeline.js');
    const split = splitTimeline(all.snapshot.bundles, o.node);
    if (typeof split === 'string') {
      process.stderr.write(`netsnap diff: ${inertLine(split)}\n`);
      return 2;
    }
    // one read: both sides are built from the same raw bundles
    const pick = (ids: readonly string[]) => all.raws.filter((r) => ids.includes(r.id));
    before = buildSnapshot(pick(split.before));
    after = buildSnapshot(pick(split.after));
    process.stderr.write(
      `netsnap diff: node ${inertLine(o.node)}: before ${inertLine(split.timeline[0]?.id ?? '')}, after ${inertLine(
        split.timeline[split.timeline.length - 1]?.id ?? '',
      )} (${split.timeline.length} bundles of that node)\n`,
    );
  } else {
    const b = await loadSide('before', parsed.before);
    if (b === 2) return 2;
    const a = await loadSide('after', parsed.after ?? []);
    if (a === 2) return 2;
    before = b.snapshot;
    after = a.snapshot;
  }

  const { analyze } = await import('../causal/analyze.js');
  const { diffSides, diffExitCode } = await import('../diff/diff.js');
  const d = diffSides(
    { snapshot: before, analysis: analyze(before) },
    { snapshot: after, analysis: analyze(after) },
    o.node !== undefined ? { node: o.node } : {},
  );
  const code = diffExitCode(d, failOn as FailOn);
  if (format === 'markdown' || format === 'html') {
    const { redactionNotice } = await import('../redact/notice.js');
    const seen = new Set<string>();
    const bundles = [...before.bundles, ...after.bundles].filter((b) => !seen.has(b.id) && seen.add(b.id));
    const notice = redactionNotice(bundles, { forSharing: true });
    if (notice.warning) process.stderr.write(`netsnap diff: warning: ${inertLine(notice.warning)}\n`);
  }
  // on a terminal, without --format/--json/-o: the diff view (q leaves with 0, like analyze's TUI)
  if (
    o.format === undefined &&
    !o.json &&
    output === undefined &&
    Boolean(process.stdout.isTTY && process.stdin.isTTY)
  ) {
    const { buildDiffView } = await import('../diff/view.js');
    const { startDiffTui } = await import('../../tui/diff/start-diff.js');
    return startDiffTui(buildDiffView(d));
  }
  let out: string;
  if (format === 'json') out = (await import('../diff/render-json.js')).renderDiffJson(d, code);
  else if (format === 'markdown') out = (await import('../diff/render-markdown.js')).renderDiffMarkdown(d);
  else if (format === 'html') out = (await import('../diff/render-html.js')).renderDiffHtml(d);
  else out = (await import('../diff/render-text.js')).renderDiffText(d, { verbose: o.verbose });
  if (emitOutput('diff', output, out) === 2) return 2;
  if (output !== undefined) process.stderr.write(`netsnap diff: wrote ${inertLine(output)}\n`);
  return code;
}
