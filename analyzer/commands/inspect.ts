// `netsnap inspect <bundle-or-dir...> [--format text|json] [-o FILE]`: what each bundle holds,
// before any diagnosis: sources with status, size and parse result, the load problems, and what the Snapshot found.
// Every bundle string is printed through the terminal sink (`t`, one line each) or safeJson.
import { formatBytes } from '../bundle/limits.js';
import {
  DEMO_OPTION,
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
import type { LoadProblem } from '../core/problem.js';
import { LOAD_PROBLEM_CODES } from '../model/codes.js';
import { summarize, type BundleSummary, type InspectSummary } from '../model/summary.js';
import { detectDistribution } from '../model/distribution.js';
import type { Snapshot } from '../model/types.js';
import { inertLine as t, safeJson } from '../text/inert.js';
import {
  PLATFORM_COMPONENTS,
  platformOf,
  type Platform,
  type PlatformEvidence,
  type PlatformFact,
} from '../report/platform.js';

const USAGE = `usage: netsnap inspect [options] <bundle.tar.gz | bundle-dir | folder-of-bundles>...
       netsnap inspect --demo

Shows, per bundle: node, collection time, redaction, every source with its status, size and
parse result, the problems found while loading (file:line), the nodes and cluster objects found,
the detected distribution (with every piece of evidence that names one) and how flannel,
kube-proxy, CoreDNS and Calico are deployed.

options:
${FORMAT_HELP(['text', 'json'])}
  --demo                          inspect the demo bundles shipped with netsnap
  -h, --help                      this help
exit: 0 shown, 2 no bundle could be read or bad usage`;

const OPTIONS = { ...FORMAT_OPTIONS, ...DEMO_OPTION, ...HELP_OPTION } as const;

export function problemLocation(p: LoadProblem): string {
  let loc = p.file;
  if (p.pointer !== undefined && p.pointer !== '') loc += `#${p.pointer}`;
  if (p.line !== undefined) loc += `:${p.line}`;
  return loc;
}

function renderBundle(b: BundleSummary): string[] {
  const out: string[] = [];
  out.push(`${t(b.id)}  (${t(b.origin)})`);
  const red = b.redaction.redacted
    ? `redacted by ${t(b.redaction.tool ?? '?')} at ${t(b.redaction.at ?? '?')}${b.redaction.pseudonymized ? ', pseudonymized' : ''}`
    : 'not redacted';
  out.push(
    `  node ${t(b.node ?? '?')} · created ${t(b.createdAt ?? 'unknown')} · collector ${t(b.collectorVersion ?? 'unknown')} · ${red}`,
  );
  const used = [
    b.usedFor.host ? `host data of ${t(b.node ?? '?')}` : '',
    b.usedFor.cluster ? 'cluster data' : '',
  ].filter(Boolean);
  out.push(`  used for: ${used.length ? used.join(', ') : 'nothing (see problems)'} · ${b.files} files`);
  if (b.sources.length) {
    const w = Math.max(6, ...b.sources.map((s) => t(s.id).length));
    out.push(`  ${'SOURCE'.padEnd(w)}  ${'STATUS'.padEnd(10)}  ${'SIZE'.padStart(9)}  PARSE`);
    for (const s of b.sources) {
      const parse =
        s.parse === 'problems'
          ? `${s.problems} problem${s.problems === 1 ? '' : 's'}`
          : s.parse === 'missing'
            ? '-'
            : s.parse;
      const size = s.bytes === undefined ? '-' : formatBytes(s.bytes);
      const why = s.status !== 'ok' && s.stderrTail ? `  (${t(s.stderrTail.trim().split('\n').pop() ?? '')})` : '';
      out.push(`  ${t(s.id).padEnd(w)}  ${t(s.status).padEnd(10)}  ${size.padStart(9)}  ${t(parse)}${why}`);
    }
  }
  if (b.problems.length) {
    out.push(`  problems (${b.problems.length}):`);
    for (const p of b.problems) out.push(`    ${t(problemLocation(p))}  ${p.severity}  ${t(p.message)}`);
  }
  return out;
}

/** inspect's view of the platform: the report header's facts plus every distribution signal */
export interface InspectPlatform extends Platform {
  readonly signals: readonly PlatformFact<string>[];
}

export function inspectPlatform(snapshot: Snapshot): InspectPlatform {
  const { signals } = detectDistribution(snapshot.cluster, snapshot.hosts);
  return {
    ...platformOf(snapshot.derived),
    signals: signals.map((s) => ({ value: s.value, by: s.by, evidence: evidenceOf(s.at) })),
  };
}

function evidenceOf(at: PlatformEvidence): PlatformEvidence {
  return {
    bundle: at.bundle,
    path: at.path,
    ...(at.pointer !== undefined ? { pointer: at.pointer } : {}),
    ...(at.line !== undefined ? { line: at.line } : {}),
  };
}

/** bundle text (node names, versions) printed inert */
const where = (e: PlatformEvidence): string =>
  t(
    `${e.bundle}:${e.path}${e.pointer !== undefined ? `#${e.pointer}` : ''}${e.line !== undefined ? `:${e.line}` : ''}`,
  );

/** most signals shown in text; --json has them all */
const MAX_SIGNALS = 8;

export function renderPlatform(p: InspectPlatform): string[] {
  const out: string[] = [];
  out.push(`distribution: ${t(p.distribution?.value ?? 'unknown (no evidence names one)')}`);
  for (const s of p.signals.slice(0, MAX_SIGNALS))
    out.push(`  ${t(s.value).padEnd(9)}  ${t(s.by)}  ${where(s.evidence)}`);
  if (p.signals.length > MAX_SIGNALS) out.push(`  ... ${p.signals.length - MAX_SIGNALS} more (--json lists them all)`);
  out.push('components:');
  for (const c of PLATFORM_COMPONENTS) {
    const f = p.components[c];
    out.push(
      `  ${c.padEnd(10)}  ${(f?.value ?? 'unknown').padEnd(10)}  ${f ? `${t(f.by)}  ${where(f.evidence)}` : 'nothing collected says'}`,
    );
  }
  return out;
}

export function renderText(s: InspectSummary, platform?: InspectPlatform): string {
  const out: string[] = [];
  // inputs that gave no bundle are named on stderr (inputs.ts); the rest once, path then message
  for (const p of s.problems)
    if (p.code !== LOAD_PROBLEM_CODES.unreadable)
      out.push(
        `${t(p.file)}: ${t(p.message.startsWith(`${p.file}: `) ? p.message.slice(p.file.length + 2) : p.message)}`,
      );
  for (const b of s.bundles) out.push(...renderBundle(b), '');
  out.push(
    `nodes with host data: ${s.nodes.length ? s.nodes.map((n) => `${t(n.node)} (${t(n.bundle)})`).join(', ') : 'none'}`,
  );
  const counts = Object.entries(s.cluster.counts);
  out.push(
    s.cluster.bundle
      ? `cluster data from ${t(s.cluster.bundle)}: ${counts.length ? counts.map(([k, n]) => `${n} ${t(k)}`).join(', ') : 'no objects'}`
      : 'cluster data: none (no bundle has cluster/ files)',
  );
  if (platform) out.push(...renderPlatform(platform));
  return out.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand('inspect', argv, OPTIONS, USAGE);
  if ('exit' in parsed) return parsed.exit;
  const o = parsed.values;
  const format = formatOf('inspect', o, ['text', 'json'], 'text');
  if (format === 2) return 2;
  const output = outputOf('inspect', o);
  if (output === 2) return 2;
  const paths = bundlePaths(parsed.positionals, o.demo);
  if (typeof paths === 'string') return usageError('inspect', paths);
  const inputs = await loadInputs(paths);
  if (reportSkipped('inspect', inputs) === 2) return 2;
  const { snapshot, raws } = inputs;
  const summary = summarize(snapshot, raws);
  const platform = inspectPlatform(snapshot);
  const text = format === 'json' ? `${safeJson({ ...summary, platform })}\n` : renderText(summary, platform);
  return emitOutput('inspect', output, text);
}
