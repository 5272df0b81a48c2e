#!/usr/bin/env node
// The `netsnap` command: a thin dispatcher. Each subcommand lives in analyzer/commands/<name>.ts,
// is listed in commands/table.ts and exports `run(argv: string[]): Promise<number>` (the exit
// code). Usage errors are one line plus one hint (analyzer/commands/args.ts); docs/cli.md has
// every command, flag and exit code.
import { didYouMean, usageError } from './commands/args.js';
import { packageVersion } from './commands/package-root.js';
import { COMMANDS } from './commands/table.js';

// React (the TUI) picks its production build from NODE_ENV when first loaded; the development
// build re-checks every render and made keypress-to-frame ~2x slower in the benchmark.
process.env.NODE_ENV ??= 'production';

function usage(): string {
  const lines = ['usage: netsnap <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(11)} ${c.summary}`);
  lines.push('', 'Run `netsnap <command> -h` for the options of one command.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    (name ? process.stdout : process.stderr).write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`netsnap ${packageVersion()}\n`);
    return 0;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
    return usageError('', what, didYouMean(name, Object.keys(COMMANDS)) ?? 'see netsnap -h');
  }
  const mod = await cmd.load();
  return mod.run(rest);
}

// `netsnap ... | head`: a reader that went away is not an error; the exit code stays the command's
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`netsnap: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
