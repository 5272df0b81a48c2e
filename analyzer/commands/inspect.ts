// `netsnap inspect <bundle-or-dir...> [--json]`: what each bundle holds, before any diagnosis:
// sources with status, size and parse result, the load problems, and what the Snapshot found.
import { parseArgs } from 'node:util';
import { formatBytes } from '../bundle/limits.js';
import { loadSnapshot } from '../model/load.js';
import type { LoadProblem } from '../model/problem.js';
import { summarize, type BundleSummary, type InspectSummary } from '../model/summary.js';

const USAGE = `usage: netsnap inspect <bundle.tar.gz | bundle-dir>... [--json]

Shows, per bundle: node, collection time, redaction, every source with its status, size and
parse result, the problems found while loading (file:line), and the nodes and cluster objects found.

options:
  --json      print the same as JSON, for scripts
  -h, --help  this help`;

export function problemLocation(p: LoadProblem): string {
  let loc = p.file;
  if (p.pointer !== undefined && p.pointer !== '') loc += `#${p.pointer}`;
  if (p.line !== undefined) loc += `:${p.line}`;
  return loc;
}

function renderBundle(b: BundleSummary): string[] {
  const out: string[] = [];
  out.push(`${b.id}  (${b.origin})`);
  const red = b.redaction.redacted ? `redacted by ${b.redaction.tool ?? '?'} at ${b.redaction.at ?? '?'}${b.redaction.pseudonymized ? ', pseudonymized' : ''}` : 'not redacted';
  out.push(`  node ${b.node ?? '?'} · created ${b.createdAt ?? 'unknown'} · collector ${b.collectorVersion ?? 'unknown'} · ${red}`);
  const used = [b.usedFor.host ? `host data of ${b.node ?? '?'}` : '', b.usedFor.cluster ? 'cluster data' : ''].filter(Boolean);
  out.push(`  used for: ${used.length ? used.join(', ') : 'nothing (see problems)'} · ${b.files} files`);
  if (b.sources.length) {
    const w = Math.max(6, ...b.sources.map((s) => s.id.length));
    out.push(`  ${'SOURCE'.padEnd(w)}  ${'STATUS'.padEnd(10)}  ${'SIZE'.padStart(9)}  PARSE`);
    for (const s of b.sources) {
      const parse = s.parse === 'problems' ? `${s.problems} problem${s.problems === 1 ? '' : 's'}` : s.parse === 'missing' ? '-' : s.parse;
      const size = s.bytes === undefined ? '-' : formatBytes(s.bytes);
      const why = s.status !== 'ok' && s.stderrTail ? `  (${s.stderrTail.trim().split('\n').pop()})` : '';
      out.push(`  ${s.id.padEnd(w)}  ${s.status.padEnd(10)}  ${size.padStart(9)}  ${parse}${why}`);
    }
  }
  if (b.problems.length) {
    out.push(`  problems (${b.problems.length}):`);
    for (const p of b.problems) out.push(`    ${problemLocation(p)}  ${p.severity}  ${p.message}`);
  }
  return out;
}

export function renderText(s: InspectSummary): string {
  const out: string[] = [];
  for (const p of s.problems) out.push(`${p.file}: ${p.message}`);
  for (const b of s.bundles) out.push(...renderBundle(b), '');
  out.push(`nodes with host data: ${s.nodes.length ? s.nodes.map((n) => `${n.node} (${n.bundle})`).join(', ') : 'none'}`);
  const counts = Object.entries(s.cluster.counts);
  out.push(
    s.cluster.bundle
      ? `cluster data from ${s.cluster.bundle}: ${counts.length ? counts.map(([k, n]) => `${n} ${k}`).join(', ') : 'no objects'}`
      : 'cluster data: none (no bundle has cluster/ files)',
  );
  return out.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`netsnap inspect: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0) {
    process.stderr.write(`netsnap inspect: give at least one bundle (.tar.gz or directory)\n\n${USAGE}\n`);
    return 2;
  }
  const { snapshot, raws, unreadable } = await loadSnapshot(parsed.positionals);
  if (raws.every((r) => r.files.size === 0)) {
    const first = unreadable[0] ?? raws.flatMap((r) => r.problems)[0];
    process.stderr.write(`netsnap inspect: nothing could be read${first ? `: ${first.file}: ${first.message}` : ''}\n`);
    return 2;
  }
  const summary = summarize(snapshot, raws);
  process.stdout.write(parsed.values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderText(summary));
  return 0;
}
