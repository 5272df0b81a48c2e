// Read a file of fixtures/reference/tui/ (real captures kept as data, not as code) from the source tree
// or from dist/: the nearest parent directory that holds fixtures/reference/tui.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function referenceFile(name: string, from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const path = join(dir, 'fixtures', 'reference', 'tui', name);
    if (existsSync(path)) return readFileSync(path, 'utf8');
    if (dirname(dir) === dir) throw new Error(`fixtures/reference/tui/${name} not found above ${from}`);
  }
}
