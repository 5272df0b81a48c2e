// The bench's results as a table (terminal and docs/performance.md share it) and the target check.
import type { SizeResult } from './measure.js';
import { objectsOf } from './sizes.js';
import type { CollectorResult } from './collector.js';

export const endToEnd = (r: SizeResult, clock: 'ms' | 'cpuMs' = 'ms'): number =>
  r.load[clock] + r.analyze[clock] + r.report[clock];
export const ratio = (r: SizeResult, clock: 'ms' | 'cpuMs' = 'ms'): number => endToEnd(r, clock) / r.floor[clock];
/** microseconds of end-to-end wall time per object (node, pod, service) */
export const perObjectUs = (r: SizeResult, clock: 'ms' | 'cpuMs' = 'ms'): number =>
  (endToEnd(r, clock) * 1000) / objectsOf(r.size);

const MB = 1024 * 1024;
const fmtMs = (ms: number | undefined): string =>
  ms === undefined || Number.isNaN(ms) ? '-' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
const fmtMb = (b: number): string => `${Math.round(b / MB)} MB`;

function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function phaseTable(results: readonly SizeResult[]): string {
  const head = [
    'size',
    'objects',
    'bundle',
    'floor',
    'load',
    'analyze',
    'report',
    'end to end',
    'x floor (wall)',
    'x floor (cpu)',
    'µs/object',
    'peak RSS',
    'peak heap',
    'findings',
  ];
  const rows = results.map((r) => [
    `${r.size.name} (${r.size.nodes}/${r.size.pods}/${r.size.services})`,
    String(objectsOf(r.size)),
    fmtMb(r.bundleBytes),
    fmtMs(r.floor.ms),
    fmtMs(r.load.ms),
    fmtMs(r.analyze.ms),
    fmtMs(r.report.ms),
    fmtMs(endToEnd(r)),
    ratio(r).toFixed(2),
    ratio(r, 'cpuMs').toFixed(2),
    perObjectUs(r).toFixed(1),
    fmtMb(r.peakRssBytes),
    fmtMb(r.peakHeapBytes),
    String(r.findings),
  ]);
  return markdownTable(head, rows);
}

export function cpuTable(results: readonly SizeResult[]): string {
  const head = ['size', 'floor cpu', 'load cpu', 'analyze cpu', 'report cpu', 'end to end cpu', 'µs/object (cpu)'];
  return markdownTable(
    head,
    results.map((r) => [
      r.size.name,
      fmtMs(r.floor.cpuMs),
      fmtMs(r.load.cpuMs),
      fmtMs(r.analyze.cpuMs),
      fmtMs(r.report.cpuMs),
      fmtMs(endToEnd(r, 'cpuMs')),
      perObjectUs(r, 'cpuMs').toFixed(1),
    ]),
  );
}

export function scalingTable(results: readonly SizeResult[]): string {
  const rows: string[][] = [];
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1]!;
    const b = results[i]!;
    rows.push([
      `${a.size.name} → ${b.size.name}`,
      (perObjectUs(b) / perObjectUs(a)).toFixed(2),
      (perObjectUs(b, 'cpuMs') / perObjectUs(a, 'cpuMs')).toFixed(2),
    ]);
  }
  return markdownTable(['step', 'per-object cost ratio (wall)', 'per-object cost ratio (cpu)'], rows);
}

export function tuiTable(results: readonly SizeResult[]): string {
  const rows = results.map((r) =>
    r.tui
      ? [
          r.size.name,
          fmtMs(r.tui.firstFrameMs),
          r.tui.firstFrameGcMs === undefined ? 'n/a' : fmtMs(r.tui.firstFrameGcMs),
          fmtMs(r.tui.findingsKeyMedianMs),
          fmtMs(r.tui.openEvidenceMs),
          fmtMs(r.tui.evidenceKeyMedianMs),
          r.tui.evidenceFile ?? '-',
        ]
      : [r.size.name, r.tuiError ? `failed: ${r.tuiError.split('\n')[0]}` : 'not run', '-', '-', '-', '-', '-'],
  );
  return markdownTable(
    [
      'size',
      'first frame after load',
      'of which GC pauses',
      'findings key→frame (median)',
      'open evidence at cited line',
      'evidence key→frame (median)',
      'cited line',
    ],
    rows,
  );
}

export function collectorTable(c: CollectorResult | undefined): string {
  if (!c) return '(collector not measured)';
  if (c.error) return `collector run failed: ${c.error}`;
  return markdownTable(
    [
      'cluster',
      'wall time',
      'collector cpu',
      'API server cpu',
      'bundle (gzip)',
      'uncompressed',
      'compressed / uncompressed',
      'list calls',
      'chunked',
    ],
    [
      [
        c.label,
        fmtMs(c.wallMs),
        c.cpuMs === undefined ? 'n/a' : fmtMs(c.cpuMs),
        c.serverCpuMs === undefined ? 'n/a' : fmtMs(c.serverCpuMs),
        fmtMb(c.bundleBytes),
        fmtMb(c.uncompressedBytes),
        (c.bundleBytes / c.uncompressedBytes).toFixed(3),
        String(c.listRequests),
        c.chunked ? 'yes' : 'no',
      ],
    ],
  );
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

export function checkTargets(results: readonly SizeResult[], collector?: CollectorResult): TargetCheck[] {
  const by = new Map(results.map((r) => [r.size.name, r]));
  const out: TargetCheck[] = [];
  const L = by.get('L');
  const M = by.get('M');
  const t = (target: string, value: number | undefined, limit: number, fmt: (v: number) => string) =>
    out.push({
      target,
      measured: value === undefined || Number.isNaN(value) ? 'not measured' : fmt(value),
      met: value === undefined || Number.isNaN(value) ? undefined : value <= limit,
    });
  const x = (v: number) => `${v.toFixed(2)}x`;
  t('L end to end ≤ 2.0x floor (wall)', L && ratio(L), 2.0, x);
  t('M end to end ≤ 1.5x floor (wall)', M && ratio(M), 1.5, x);
  t('L peak RSS ≤ 1.5 GB', L?.peakRssBytes, 1.5 * 1024 * MB, (v) => fmtMb(v));
  t('per-object cost L ≤ 1.1x M (wall)', L && M && perObjectUs(L) / perObjectUs(M), 1.1, x);
  t('TUI on L: first frame < 300 ms', L?.tui?.firstFrameMs, 300, fmtMs);
  t('TUI on L: findings key→frame median < 50 ms', L?.tui?.findingsKeyMedianMs, 50, fmtMs);
  t('TUI on L: evidence key→frame median < 50 ms', L?.tui?.evidenceKeyMedianMs, 50, fmtMs);
  t('collector on L: < 60 s', collector && !collector.error ? collector.wallMs : undefined, 60_000, fmtMs);
  t(
    'collector on L: bundle < 1/5 uncompressed',
    collector && !collector.error ? collector.bundleBytes / collector.uncompressedBytes : undefined,
    0.2,
    (v) => v.toFixed(3),
  );
  return out;
}

export function targetTable(checks: readonly TargetCheck[]): string {
  return markdownTable(
    ['target', 'measured', 'met'],
    checks.map((c) => [c.target, c.measured, c.met === undefined ? '-' : c.met ? 'yes' : '**no**']),
  );
}
