// `netsnap analyze <bundle-or-dir...>`: load bundles, run the rules (and --rules packs), link root
// causes and print a report. On a TTY without --format the TUI takes over (tui/start.tsx).
// Exit codes: 0 nothing reaches --fail-on, 1 something does, 2 no bundle could be read / bad usage.
import { redactionNotice } from '../redact/notice.js';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ReadProgress } from '../bundle/types.js';
import type { Snapshot } from '../model/types.js';
import type { TraceRequest } from '../trace/resolve.js';
import { exitCodeFor, type FailOn } from '../report/model.js';
import { inert, inertLine } from '../text/inert.js';
import type { Analysis, Layer, Rule } from '../rules/types.js';
import { LAYERS } from '../rules/types.js';

const USAGE = `usage: netsnap analyze [options] <bundle.tar.gz | bundle-dir>...
       netsnap analyze --demo

options:
  --format text|json|markdown   print a report (default on a non-TTY: text)
  --fail-on critical|warning|never
                                exit 1 when a finding reaches this (default critical)
  --layer LAYER                 only system|network|service|dns|bundle (repeatable)
  --node NODE                   only findings about NODE (and cluster-wide ones)
  --rules FILE                  also run a rule pack (YAML/JSON, repeatable)
  --demo                        analyze the embedded demo bundles (the article's story)
  --no-color                    no colour (also NO_COLOR=1)
  -v, --verbose                 evidence and fixes for every finding, not only root chains
  -h, --help
exit: 0 nothing reaches --fail-on, 1 something does, 2 no bundle could be read`;

const FORMATS = ['text', 'json', 'markdown'] as const;
const FAIL_ON = ['critical', 'warning', 'never'] as const;

/** the package root: the nearest parent holding package.json named netsnap */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && /"name":\s*"netsnap"/.test(readFileSync(pj, 'utf8'))) return dir;
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

export function demoBundles(root = packageRoot()): string[] {
  const dir = join(root, 'fixtures', 'scenarios', 'article-full-story');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory() || /\.(tar\.gz|tgz|tar)$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

function fail(msg: string): number {
  process.stderr.write(`netsnap analyze: ${msg}\n\n${USAGE}\n`);
  return 2;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        'fail-on': { type: 'string', default: 'critical' },
        layer: { type: 'string', multiple: true },
        node: { type: 'string' },
        rules: { type: 'string', multiple: true },
        demo: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return fail((err as Error).message);
  }
  const o = parsed.values;
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (o.format !== undefined && !(FORMATS as readonly string[]).includes(o.format))
    return fail(`--format must be one of ${FORMATS.join(', ')}`);
  if (!(FAIL_ON as readonly string[]).includes(o['fail-on'] ?? ''))
    return fail(`--fail-on must be one of ${FAIL_ON.join(', ')}`);
  const layers = (o.layer ?? []).flatMap((l) => l.split(','));
  const badLayer = layers.find((l) => !(LAYERS as readonly string[]).includes(l));
  if (badLayer) return fail(`unknown layer "${badLayer}"; use ${LAYERS.join(', ')}`);
  const paths = [...parsed.positionals, ...(o.demo ? demoBundles() : [])].map((p) => resolve(p));
  if (paths.length === 0)
    return fail(
      o.demo ? 'the demo bundles (fixtures/scenarios/article-full-story) are not installed' : 'no bundle given',
    );

  const { loadPackFile, PackError } = await import('../rules/packs/load.js');
  const { allRules } = await import('../rules/catalog.js');
  let packs: Rule[] = [];
  try {
    const ids = new Set(allRules.map((r) => r.id));
    for (const f of o.rules ?? []) packs = [...packs, ...(await loadPackFile(f, ids))];
  } catch (err) {
    if (err instanceof PackError) {
      process.stderr.write(`netsnap analyze: rule pack invalid:\n${inert(err.message)}\n`);
      return 2;
    }
    process.stderr.write(`netsnap analyze: cannot read rule pack: ${inert((err as Error).message)}\n`);
    return 2;
  }

  const { loadSnapshot } = await import('../model/load.js');
  const { analyze } = await import('../causal/analyze.js');
  const load = async (onProgress?: (p: ReadProgress) => void) => {
    const loaded = await loadSnapshot(paths, { onProgress });
    return { loaded, analysis: analyze(loaded.snapshot, { packs }) };
  };

  const tty = Boolean(process.stdout.isTTY && process.stdin.isTTY);
  if (tty && o.format === undefined) {
    const startPath = join(packageRoot(), 'dist', 'tui', 'start.js');
    const here = new URL('../../tui/start.js', import.meta.url);
    const spec = existsSync(fileURLToPath(here)) ? here.href : existsSync(startPath) ? startPath : undefined;
    if (spec) {
      const mod = (await import(spec)) as {
        startTui(o: {
          load: (p: (x: unknown) => void) => Promise<{
            snapshot: Snapshot;
            analysis: Analysis;
            rules?: readonly unknown[];
            trace?: (req: TraceRequest) => unknown;
          }>;
          title?: string;
        }): Promise<number>;
      };
      const { traceFromSnapshot } = await import('../trace/resolve.js');
      let exit = 0;
      const code = await mod.startTui({
        title: o.demo ? 'demo (the field write-up incident)' : `${paths.length} bundle(s)`,
        load: async (onProgress) => {
          const { loaded, analysis } = await load(onProgress as (p: ReadProgress) => void);
          if (loaded.raws.length === 0)
            throw new Error(`no bundle could be read: ${loaded.unreadable.map((p) => p.message).join('; ')}`);
          exit = exitCodeFor(analysis.findings, o['fail-on'] as FailOn);
          return {
            snapshot: loaded.snapshot,
            analysis,
            rules: [...allRules, ...packs].map((r) => ({ id: r.id, title: r.title, docs: r.docs })),
            trace: (req: TraceRequest) => traceFromSnapshot(loaded.snapshot, req),
          };
        },
      });
      return code !== 0 ? code : exit;
    }
  }

  const { loaded, analysis } = await load();
  if (loaded.raws.length === 0) {
    for (const p of loaded.unreadable)
      process.stderr.write(`netsnap analyze: ${inertLine(p.file)}: ${inertLine(p.message)}\n`);
    return 2;
  }
  for (const p of loaded.unreadable)
    process.stderr.write(`netsnap analyze: warning: ${inertLine(p.file)}: ${inertLine(p.message)}\n`);
  const input = { analysis, snapshot: loaded.snapshot, filter: { layers: layers as Layer[], node: o.node } };
  const format = o.format ?? 'text';
  const notice = redactionNotice(loaded.snapshot.bundles, { forSharing: format === 'markdown' });
  if (notice.warning) process.stderr.write(`netsnap analyze: warning: ${inertLine(notice.warning)}\n`);
  let out: string;
  if (format === 'json') out = (await import('../report/json.js')).renderJson(input);
  else if (format === 'markdown') out = (await import('../report/markdown.js')).renderMarkdown(input);
  else {
    const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !o['no-color'];
    out = (await import('../report/text.js')).renderText(input, { color, width: 80, verbose: o.verbose });
  }
  process.stdout.write(out);
  const { buildReportModel } = await import('../report/model.js');
  return exitCodeFor(buildReportModel(input).findings, o['fail-on'] as FailOn);
}
