// One child process whose stdout is a bundle: streamed straight to a file (never held in memory),
// stderr kept as a bounded tail, cut off at a time limit or on abort. The child gets its own
// process group so the whole of it (ssh and a ProxyJump ssh, kubectl and its plugins) is killed.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Transform } from 'node:stream';

const CAPTURE_MAX = 1 << 20;

/** bytes of stderr kept per child: enough for ssh's and the collector's last lines */
const STDERR_TAIL = 4096;
/** after SIGTERM, the group gets SIGKILL this much later */
const KILL_GRACE_MS = 2000;

export interface SpawnToFileOptions {
  readonly argv: readonly string[];
  /** written to the child's stdin, then stdin is closed */
  readonly stdin?: string | Buffer;
  /** where stdout goes; undefined discards it */
  readonly outFile?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  /** called as stdout bytes arrive (progress display) */
  readonly onBytes?: (n: number) => void;
  /** a stream stdout goes through on its way to outFile (the pod log's base64) */
  readonly transform?: () => Transform;
  /** keep stdout (up to 1 MiB) as text instead of writing a file (kubectl get) */
  readonly captureStdout?: boolean;
}

export interface SpawnResult {
  /** null when killed by a signal */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly bytes: number;
  readonly stderrTail: string;
  /** stdout as text when captureStdout was set, else '' */
  readonly stdoutText: string;
  readonly durationMs: number;
  /** the child could not be started at all (ENOENT) */
  readonly spawnError?: string;
}

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

export async function spawnToFile(o: SpawnToFileOptions): Promise<SpawnResult> {
  const t0 = Date.now();
  let tail = Buffer.alloc(0);
  let bytes = 0;
  let timedOut = false;
  let aborted = false;
  const child = spawn(o.argv[0] as string, o.argv.slice(1), {
    detached: true,
    stdio: ['pipe', o.outFile || o.captureStdout ? 'pipe' : 'ignore', 'pipe'],
    env: o.env ?? process.env,
  });
  const out = o.outFile ? createWriteStream(o.outFile, { mode: 0o600 }) : undefined;
  let spawnError: string | undefined;
  child.on('error', (err) => {
    spawnError = err.message;
  });
  const captured: Buffer[] = [];
  let capturedBytes = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    if (o.captureStdout && capturedBytes < CAPTURE_MAX) {
      captured.push(chunk);
      capturedBytes += chunk.length;
    }
  });
  const counted = o.transform ? child.stdout?.pipe(o.transform()) : child.stdout;
  counted?.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    o.onBytes?.(chunk.length);
  });
  if (out && counted) counted.pipe(out);
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > STDERR_TAIL) tail = tail.subarray(tail.length - STDERR_TAIL);
  });
  child.stdin?.on('error', () => {}); // a child that exits before reading its input (refused key)
  child.stdin?.end(o.stdin ?? '');

  const stop = (why: 'timeout' | 'abort'): void => {
    if (why === 'timeout') timedOut = true;
    else aborted = true;
    killGroup(child.pid, 'SIGTERM');
    setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  };
  const timer = setTimeout(() => stop('timeout'), o.timeoutMs);
  const onAbort = (): void => stop('abort');
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolve) => {
      child.once('close', (c: number | null) => resolve(c));
      child.once('error', () => {
        if (child.pid === undefined) resolve(null);
      });
    });
    if (out && !out.closed) {
      out.end();
      await once(out, 'close').catch(() => undefined);
    }
    if (out?.errored) spawnError = `writing ${o.outFile}: ${out.errored.message}`;
    return {
      exitCode: code,
      timedOut,
      aborted,
      bytes,
      stderrTail: tail.toString('utf8'),
      stdoutText: Buffer.concat(captured).toString('utf8'),
      durationMs: Date.now() - t0,
      ...(spawnError ? { spawnError } : {}),
    };
  } catch (err) {
    return {
      exitCode: null,
      timedOut,
      aborted,
      bytes,
      stderrTail: tail.toString('utf8'),
      stdoutText: '',
      durationMs: Date.now() - t0,
      spawnError: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
    // a collector still writing when ssh was killed: nothing keeps running on our side
    killGroup(child.pid, 'SIGKILL');
  }
}
