// `netsnap redact` run in-process with its stdout and stderr silenced (the tests read the output files).
import { run } from '../../analyzer/commands/redact.js';

export async function redactQuiet(args: string[]): Promise<number> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = () => true;
  process.stderr.write = () => true;
  try {
    return await run(args);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
