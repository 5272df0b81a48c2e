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
import { Spill } from './spill.js';

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
      readonly fd: number;
      readonly offset: number;
      readonly length: number;
    }
  | { readonly kind: 'done'; readonly problems: readonly LoadProblem[] };

export interface WorkerInput {
  readonly path: string;
  readonly id: string;
  readonly limits: Collector['limits'];
}

export function readArchiveInWorker(c: Collector, path: string): Promise<void> {
  return new Promise((resolve) => {
    const input: WorkerInput = { path, id: c.id, limits: c.limits };
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
        // the worker's spill fd is this thread's to close from now on
        if (c.spill?.fd !== m.fd) c.spill = Spill.adopt(m.fd);
        c.bytes += m.length;
        c.entries++;
        c.progress(m.path);
        c.accept(m.path, c.spill.entry(m.offset, m.length));
        return;
      }
      c.problems.push(...m.problems);
      done = true;
    });
    worker.on('error', (e) => c.problem(basename(path), `could not read the archive: ${e.message}`));
    worker.on('exit', (code) => {
      if (!done)
        c.problem(
          basename(path),
          `the reading thread stopped (exit code ${code}) before the end of the archive; kept the entries read before it`,
        );
      resolve();
    });
  });
}
