// Progress on a TTY (one line, redrawn: done / failed / running, bytes) and the summary table
// printed when the collection ends. Node names and errors come from the cluster or a remote
// stderr: drawn through the terminal sink (inert), never as control sequences.
import type { CollectionIndex, NodeOutcome } from '../bundle/collection-index.js';
import { inertLine } from '../text/inert.js';
import type { ProgressSink } from './run.js';

const REDRAW_MS = 200;

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export class TtyProgress implements ProgressSink {
  private ok = 0;
  private failed = 0;
  private running = 0;
  private total = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly nodes: number,
  ) {
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
  }

  start(): void {
    this.running++;
  }

  bytes(n: number): void {
    this.total += n;
  }

  done(_node: string, outcome: NodeOutcome): void {
    this.running--;
    if (outcome === 'ok') this.ok++;
    else this.failed++;
  }

  private draw(): void {
    const line = `collect: ${this.ok + this.failed}/${this.nodes} done, ${this.failed} failed, ${this.running} running, ${humanBytes(this.total)}`;
    this.out.write(`\r\x1b[2K${line}`);
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.out.write('\n');
  }
}

/** one line per node when not on a TTY (logs, CI) */
export class LineProgress implements ProgressSink {
  constructor(private readonly out: NodeJS.WritableStream) {}
  start(): void {}
  bytes(): void {}
  done(node: string, outcome: NodeOutcome): void {
    this.out.write(`collect: ${inertLine(node)} ${outcome}\n`);
  }
}

const cell = (s: string, w: number): string => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));

/** the summary table: node, outcome, bytes, seconds, error */
export function summaryTable(ix: CollectionIndex): string {
  const rows = ix.nodes.map((n) => [
    inertLine(n.node),
    n.outcome,
    n.outcome === 'ok' ? humanBytes(n.bytes) : '-',
    n.durationMs === null ? '-' : (n.durationMs / 1000).toFixed(1),
    inertLine(n.error),
  ]);
  const head = ['NODE', 'OUTCOME', 'BYTES', 'SECONDS', 'ERROR'];
  const w = [0, 1, 2, 3].map((i) => Math.min(40, Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]) => [...w.map((width, i) => cell(r[i]!, width)), cell(r[4]!, 100)].join('  ').trimEnd();
  const counts = new Map<string, number>();
  for (const n of ix.nodes) counts.set(n.outcome, (counts.get(n.outcome) ?? 0) + 1);
  const tally = [...counts].map(([k, v]) => `${k}=${v}`).join(' ');
  const cluster = `cluster objects: ${ix.cluster.outcome}${ix.cluster.error ? ` (${inertLine(ix.cluster.error)})` : ''}`;
  return [fmt(head), ...rows.map(fmt), '', `${ix.nodes.length} node(s): ${tally}; ${cluster}`].join('\n');
}
