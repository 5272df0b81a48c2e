// The worker thread of read-in-worker.ts: readArchive over one .tar.gz, posting files in batches
// (one message per file would cost more than the 10,000 small logs of a big bundle are worth).
import { parentPort, workerData } from 'node:worker_threads';
import { makeCollector, readArchive } from './archive.js';
import type { WorkerFile, WorkerInput, WorkerMessage } from './read-in-worker.js';

const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;

const input = workerData as WorkerInput;
let batch: WorkerFile[] = [];
let batchBytes = 0;

function flush(): void {
  if (batch.length === 0) return;
  const message: WorkerMessage = { kind: 'files', files: batch };
  parentPort?.postMessage(
    message,
    batch.map((f) => f.buffer),
  );
  batch = [];
  batchBytes = 0;
}

// the collector keeps the first copy of a duplicate entry as in this thread; what it keeps goes
// to the main thread (its map is left holding emptied, transferred buffers)
const c = makeCollector(input.path, {
  id: input.id,
  limits: input.limits,
  onFile: (path, body) => {
    batch.push({ path, buffer: body.buffer as ArrayBuffer, offset: body.byteOffset, length: body.length });
    batchBytes += body.length;
    if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_FILES) flush();
  },
});

await readArchive(c, input.path, true);
flush();
const done: WorkerMessage = { kind: 'done', problems: c.problems };
parentPort?.postMessage(done);
