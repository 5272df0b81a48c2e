// Rewrites the generated key tables in docs/tui.md: `node dist/tui/gen-docs.js` after a build.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withKeys } from './docs-keys.js';

let dir = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(dir, 'docs', 'tui.md')) && dirname(dir) !== dir) dir = dirname(dir);
const path = join(dir, 'docs', 'tui.md');
if (!existsSync(path)) {
  process.stderr.write('gen-docs: docs/tui.md not found above this script; run it from the netsnap checkout\n');
  process.exitCode = 2;
} else {
  const before = readFileSync(path, 'utf8');
  const after = withKeys(before);
  if (after !== before) writeFileSync(path, after);
  process.stdout.write(`${path}: ${after === before ? 'up to date' : 'key tables rewritten'}\n`);
}
