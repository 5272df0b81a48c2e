// `netsnap collector [-o FILE]`: the node collector script exactly as shipped in the package
// (collector/netsnap-collect.sh), so an installed netsnap can put it on a node. The bytes are
// copied, never rebuilt; the sha256 goes to stderr in `sha256sum -c` form, to check the copy on
// the node after it travelled.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitOutput, HELP_OPTION, parseCommand, usageError } from './args.js';
import { packageRoot } from './package-root.js';

const USAGE = `usage: netsnap collector [-o FILE]

Writes the node collector script (netsnap-collect.sh, POSIX sh, read-only) shipped with this
netsnap and prints its sha256 to stderr. Copy it to a node and run it there as root:
  netsnap collector -o netsnap-collect.sh
  scp netsnap-collect.sh node:/tmp/ && ssh node sudo sh /tmp/netsnap-collect.sh
then \`netsnap analyze netsnap-<node>-<time>.tar.gz\` here. See docs/collector.md.

options:
  -o, --output FILE   write the script to FILE (mode 0755, atomically); default stdout
  -h, --help          this help
exit: 0 written, 2 the script is missing from this install or cannot be written`;

const OPTIONS = { ...HELP_OPTION, output: { type: 'string', short: 'o' } } as const;

export const COLLECTOR_PATH = join('collector', 'netsnap-collect.sh');

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand('collector', argv, OPTIONS, USAGE);
  if ('exit' in parsed) return parsed.exit;
  if (parsed.positionals.length)
    return usageError('collector', `unexpected argument "${parsed.positionals[0] ?? ''}"`, 'write -o FILE');
  const out = parsed.values.output === '-' ? undefined : parsed.values.output;
  if (out === undefined && process.stdout.isTTY)
    return usageError(
      'collector',
      'not printing a shell script to the terminal',
      'write -o netsnap-collect.sh, or pipe it',
    );
  const src = join(packageRoot(), COLLECTOR_PATH);
  let script: Buffer;
  try {
    script = readFileSync(src);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    process.stderr.write(`netsnap collector: ${src}: ${code === 'ENOENT' ? 'not in this install' : code}\n`);
    return 2;
  }
  const code = emitOutput('collector', out, script, 0o755);
  if (code !== 0) return code;
  const sha = createHash('sha256').update(script).digest('hex');
  process.stderr.write(`${sha}  ${out ?? '-'}\n`);
  return 0;
}
