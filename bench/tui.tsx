// TUI latency through the real component tree (Root -> App -> screens), rendered by Ink into a
// fake terminal that timestamps every frame. Measures: the first frame after the load resolves,
// keypress-to-frame on the findings list, opening the evidence viewer at a cited iptables-save
// line, and keypress-to-frame inside that viewer.
import { EventEmitter } from 'node:events';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { render } from 'ink';
import { stripVTControlCharacters } from 'node:util';
import { Root } from '../tui/components/Root.js';
import { buildModel, type TuiLoadResult } from '../tui/view-models/model.js';
import { findingRows } from '../tui/view-models/findings.js';
import type { Finding } from '../analyzer/rules/types.js';

const SIZE = { columns: 120, rows: 40 };
/** a frame that never comes is reported, not waited for forever */
const FRAME_TIMEOUT_MS = 20_000;

export interface TuiTimes {
  /** load resolved -> first overview frame */
  readonly firstFrameMs: number;
  /** garbage-collection pauses inside that window: at L the heap holds ~1.5 GB of snapshot, and
   *  a collection of it landing on the first frame is most of a slow first frame */
  readonly firstFrameGcMs?: number;
  /** median keypress -> frame on the findings list */
  readonly findingsKeyMedianMs: number;
  /** enter on a finding -> its detail frame, then `e` -> the evidence viewer at the cited line */
  readonly openEvidenceMs?: number;
  readonly evidenceKeyMedianMs?: number;
  readonly evidenceFile?: string;
  readonly keypresses: number;
}

class FakeStdout extends EventEmitter {
  readonly columns = SIZE.columns;
  readonly rows = SIZE.rows;
  readonly isTTY = true;
  last = '';
  write = (frame: string): boolean => {
    this.last = frame;
    this.emit('frame', frame, performance.now());
    return true;
  };
}

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  send(data: string): void {
    this.data = data;
    this.emit('readable');
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

function nextFrame(out: FakeStdout, ok: (f: string) => boolean, what: string): Promise<{ frame: string; at: number }> {
  if (ok(stripVTControlCharacters(out.last))) return Promise.resolve({ frame: out.last, at: performance.now() });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      out.off('frame', on);
      reject(
        new Error(
          `TUI bench: no frame with ${what} within ${FRAME_TIMEOUT_MS} ms; last frame:\n${stripVTControlCharacters(out.last)}`,
        ),
      );
    }, FRAME_TIMEOUT_MS);
    const on = (frame: string, at: number) => {
      if (!ok(stripVTControlCharacters(frame))) return;
      clearTimeout(timer);
      out.off('frame', on);
      resolve({ frame, at });
    };
    out.on('frame', on);
  });
}

/** write one key; resolve with the time to the first frame that differs from the one before */
async function keyToFrame(
  out: FakeStdout,
  stdin: FakeStdin,
  key: string,
  ok: (f: string) => boolean = () => true,
  what = 'a changed frame',
): Promise<number> {
  const before = out.last;
  const t0 = performance.now();
  const wait = nextFrame(out, (f) => f !== stripVTControlCharacters(before) && ok(f), what);
  stdin.send(key);
  const { at } = await wait;
  return at - t0;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const citesIptables = (f: Finding): boolean => {
  const e = f.evidence[0];
  return e !== undefined && /iptables(-nft|-legacy)?-save\.txt$/.test(e.path) && e.line !== undefined;
};

export async function measureTui(result: TuiLoadResult, keys = 15): Promise<TuiTimes> {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  let resolvedAt = 0;
  const load = () => Promise.resolve(result).then((r) => ((resolvedAt = performance.now()), r));
  const first = nextFrame(stdout, (f) => f.includes('Root causes'), 'the overview');
  const gcs: PerformanceEntry[] = [];
  const gcObserver = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  gcObserver.observe({ entryTypes: ['gc'] });
  const app = render(<Root load={load} title="bench" size={SIZE} progressInterval={0} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    const { at } = await first;
    const firstFrameMs = at - resolvedAt;
    // App attaches its input handler in an effect after the first frame; let effects run
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    // gc entries are delivered asynchronously: collect the ones that started in the window
    await new Promise((r) => setTimeout(r, 10));
    gcObserver.disconnect();
    const firstFrameGcMs = gcs
      .filter((e) => e.startTime >= resolvedAt && e.startTime < at)
      .reduce((sum, e) => sum + e.duration, 0);
    // to the findings list through the `:` prompt, as a user would
    for (const ch of ':findings') await keyToFrame(stdout, stdin, ch);
    await keyToFrame(stdout, stdin, '\r', (f) => /findings/i.test(f), 'the findings list');
    const rows = findingRows(buildModel(result));
    const target = rows.findIndex((r) => citesIptables(result.analysis.findings[r.index]!));
    const listKeys: number[] = [];
    for (let i = 0; i < Math.min(keys, rows.length - 1); i++) listKeys.push(await keyToFrame(stdout, stdin, 'j'));
    const times: TuiTimes = {
      firstFrameMs,
      firstFrameGcMs,
      findingsKeyMedianMs: median(listKeys),
      keypresses: listKeys.length,
    };
    if (target < 0) return times;
    if (listKeys.length > 0) await keyToFrame(stdout, stdin, 'g');
    for (let i = 0; i < target; i++) await keyToFrame(stdout, stdin, 'j');
    const cited = result.analysis.findings[rows[target]!.index]!.evidence[0]!;
    await keyToFrame(stdout, stdin, '\r', (f) => f.includes(rows[target]!.ruleId), 'the finding detail');
    const openEvidenceMs = await keyToFrame(
      stdout,
      stdin,
      'e',
      (f) => f.includes(`${cited.line}`) && f.includes('iptables'),
      'the evidence viewer',
    );
    const viewKeys: number[] = [];
    for (let i = 0; i < keys; i++) viewKeys.push(await keyToFrame(stdout, stdin, 'j'));
    return {
      ...times,
      openEvidenceMs,
      evidenceKeyMedianMs: median(viewKeys),
      evidenceFile: `${cited.path}:${cited.line}`,
      keypresses: listKeys.length + viewKeys.length,
    };
  } finally {
    gcObserver.disconnect();
    app.unmount();
    app.cleanup();
  }
}
