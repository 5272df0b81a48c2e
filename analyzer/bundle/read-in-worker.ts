// Reading a large .tar.gz in a worker thread. Gunzip and the tar split then run beside the main
// thread, which parses each file as soon as it arrives (ReadOptions.onFile) instead of waiting for
// the whole archive: at the 150,000-pod envelope the archive takes seconds to decompress. Files
// cross over without a copy (each body owns its ArrayBuffer, which is transferred). The worker
// runs the same readArchive with the same limits, so what is read and refused is unchanged.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LoadProblem } from '../core/problem.js';
import type { Collector } from './archive.js';
import { pushAll } from '../core/arrays.js';

/** smaller archives are read in this thread: a worker costs ~30 ms to start */
export const WORKER_MIN_BYTES = 8 * 1024 * 1024;

const WORKER_URL = new URL('./read-worker.js', import.meta.url);

/** false when running from the TypeScript sources (tests), where there is no compiled worker */
export function workerAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

export interface WorkerFile {
  readonly path: string;
  readonly buffer: ArrayBuffer;
  readonly offset: number;
  readonly length: number;
}

export type WorkerMessage =
  | { readonly kind: 'files'; readonly files: readonly WorkerFile[] }
  | {
      readonly kind: 'spilled';
      readonly path: string;
      readonly offset: number;
      readonly length: number;
    }
  | { readonly kind: 'done'; readonly problems: readonly LoadProblem[] };

export interface WorkerInput {
  readonly path: string;
  readonly id: string;
  readonly limits: Collector['limits'];
  /** the main thread's spill file, for the worker to write large entries into */
  readonly spillFd?: number;
  /** why there is none (the worker reports it on the first large entry) */
  readonly spillError?: string;
}

export function readArchiveInWorker(c: Collector, path: string): Promise<void> {
  return new Promise((resolve) => {
    // made here, not in the worker: Node closes a worker's own fds when it exits. Made up front
    // (a worker reads only archives of 8 MiB or more, which usually hold a large entry); closed
    // again below when nothing was spilled
    let spillError: string | undefined;
    try {
      c.openSpill();
    } catch (e) {
      spillError = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    const input: WorkerInput = { path, id: c.id, limits: c.limits, spillFd: c.spill?.fd, spillError };
    const worker = new Worker(WORKER_URL, { workerData: input });
    let done = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'files') {
        for (const f of m.files) {
          const body = Buffer.from(f.buffer, f.offset, f.length);
          c.bytes += body.length;
          c.entries++;
          c.progress(f.path);
          c.accept(f.path, body);
        }
        return;
      }
      if (m.kind === 'spilled') {
        if (!c.spill) return; // cannot happen: the worker spills only into c.spill
        c.bytes += m.length;
        c.entries++;
        c.progress(m.path);
        c.accept(m.path, c.spill.entry(m.offset, m.length));
        return;
      }
      pushAll(c.problems, m.problems);
      done = true;
    });
    worker.on('error', (e) => c.problem(basename(path), `could not read the archive: ${e.message}`));
    worker.on('exit', (code) => {
      if (!done)
        c.problem(
          basename(path),
          `the reading thread stopped (exit code ${code}) before the end of the archive; kept the entries read before it`,
        );
      if (c.spilled.size === 0) c.spill?.close();
      resolve();
    });
  });
}
