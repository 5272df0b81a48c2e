// The worker thread of read-in-worker.ts: readArchive over one .tar.gz, posting files in batches
// (one message per file would cost more than the 10,000 small logs of a big bundle are worth).
import { parentPort, workerData } from 'node:worker_threads';
import { makeCollector, readArchive } from './archive.js';
import type { WorkerFile, WorkerInput, WorkerMessage } from './read-in-worker.js';
import { Spill, spillLocation } from './spill.js';

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
// spilled entries cross as {offset, length} into the main thread's spill file (its fd is process-wide)
const c = makeCollector(
  input.path,
  {
    id: input.id,
    limits: input.limits,
    onFile: (path, body) => {
      if (!Buffer.isBuffer(body)) {
        const at = spillLocation(body);
        if (!at) return;
        flush(); // keep the reading order
        const m: WorkerMessage = { kind: 'spilled', path, offset: at.offset, length: body.length };
        parentPort?.postMessage(m);
        return;
      }
      batch.push({ path, buffer: body.buffer as ArrayBuffer, offset: body.byteOffset, length: body.length });
      batchBytes += body.length;
      if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_FILES) flush();
    },
  },
  () => {
    if (input.spillFd === undefined) throw new Error(input.spillError ?? 'no spill file');
    return Spill.lent(input.spillFd);
  },
);

await readArchive(c, input.path, true);
flush();
const done: WorkerMessage = { kind: 'done', problems: c.problems };
parentPort?.postMessage(done);
