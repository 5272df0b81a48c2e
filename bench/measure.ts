// One size, one process: netsnap's phases (load, analyze, report, TUI), then the floor over the
// same bundle. Peak RSS is read before the floor runs, so it is netsnap's own peak.
import { statSync } from 'node:fs';
import { loadSnapshot } from '../analyzer/model/load.js';
import { analyze } from '../analyzer/causal/analyze.js';
import { renderJson } from '../analyzer/report/json.js';
import { runFloor, type FloorResult } from './floor.js';
import { measureTui, type TuiTimes } from './tui.js';
import type { BenchSize } from './sizes.js';

export interface PhaseTime {
  /** wall clock */
  readonly ms: number;
  /** user + system CPU of this process (the 2-core bench box is often shared, so both are kept) */
  readonly cpuMs: number;
}

export interface SizeResult {
  readonly size: BenchSize;
  readonly bundleBytes: number;
  readonly floor: PhaseTime & FloorResult;
  readonly load: PhaseTime;
  readonly analyze: PhaseTime;
  readonly report: PhaseTime & { bytes: number };
  readonly tui?: TuiTimes;
  readonly tuiError?: string;
  readonly findings: number;
  readonly roots: number;
  readonly problems: number;
  readonly pods: number;
  /** process peak resident set, netsnap phases only */
  readonly peakRssBytes: number;
  /** largest V8 heap in use seen at a sample point (phase ends and a 50 ms timer) */
  readonly peakHeapBytes: number;
  /** largest Buffer/ArrayBuffer memory seen at the same points */
  readonly peakExternalBytes: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

class Peaks {
  heap = 0;
  external = 0;
  private timer: NodeJS.Timeout | undefined;
  sample = (): void => {
    const m = process.memoryUsage();
    this.heap = Math.max(this.heap, m.heapUsed);
    this.external = Math.max(this.external, m.arrayBuffers + m.external);
  };
  start(): void {
    this.timer = setInterval(this.sample, 50);
    this.timer.unref();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }
}

async function timed<T>(peaks: Peaks, f: () => T | Promise<T>): Promise<{ value: T; time: PhaseTime }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  peaks.sample();
  return { value, time: { ms, cpuMs: (c.user + c.system) / 1000 } };
}

export interface MeasureOptions {
  readonly tui?: boolean;
  readonly now?: string;
}

type NetsnapPart = Omit<SizeResult, 'size' | 'bundleBytes' | 'floor'>;

/** netsnap's phases; everything they built is unreachable once this returns */
async function measureNetsnap(bundlePath: string, opts: MeasureOptions): Promise<NetsnapPart> {
  const peaks = new Peaks();
  gc();
  peaks.start();
  const load = await timed(peaks, () => loadSnapshot([bundlePath]));
  const snapshot = load.value.snapshot;
  const an = await timed(peaks, () => analyze(snapshot, opts.now ? { now: opts.now } : {}));
  const analysis = an.value;
  const report = await timed(peaks, () => renderJson({ analysis, snapshot }));
  let tui: TuiTimes | undefined;
  let tuiError: string | undefined;
  if (opts.tui !== false) {
    try {
      tui = await measureTui({ snapshot, analysis });
    } catch (err) {
      tuiError = err instanceof Error ? err.message : String(err);
    }
  }
  peaks.stop();
  return {
    load: load.time,
    analyze: an.time,
    report: { ...report.time, bytes: Buffer.byteLength(report.value) },
    ...(tui ? { tui } : {}),
    ...(tuiError ? { tuiError } : {}),
    findings: analysis.findings.length,
    roots: analysis.roots.length,
    problems: snapshot.problems.length,
    pods: snapshot.cluster.pods?.length ?? 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeapBytes: peaks.heap,
    peakExternalBytes: peaks.external,
  };
}

export async function measureSize(size: BenchSize, bundlePath: string, opts: MeasureOptions = {}): Promise<SizeResult> {
  const netsnap = await measureNetsnap(bundlePath, opts);
  gc();
  const floor = await timed(new Peaks(), () => runFloor(bundlePath));
  return { size, bundleBytes: statSync(bundlePath).size, floor: { ...floor.time, ...floor.value }, ...netsnap };
}
