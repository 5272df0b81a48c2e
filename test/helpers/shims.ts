// PATH shims: a directory of tiny sh scripts, one per command, each logging its argv and then
// exec'ing the real tool (or printing canned output). Put it first on PATH to see every external
// command a script runs; leave a name out to make that command "not installed".
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface FakeCommand {
  readonly stdout?: Buffer | string;
  readonly stderr?: Buffer | string;
  readonly code?: number;
}

export interface ShimOptions {
  /** append one line per invocation: name, then each argument, separated by \x1f */
  readonly log?: string;
  /** commands answered with canned output instead of the real tool */
  readonly fakes?: Readonly<Record<string, FakeCommand>>;
  /** the PATH in which the real tools are looked up (default: this process's PATH) */
  readonly realPath?: string;
}

const SEP = '\x1f';
const q = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

export function realCommand(name: string, path = process.env.PATH ?? ''): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${q(name)}`], { env: { PATH: path }, encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * Write shims for `commands` into `dir`. A command missing on the real PATH gets no shim (so it
 * stays missing) unless it is faked. Returns the names that were shimmed.
 */
export function makeShimDir(dir: string, commands: readonly string[], opts: ShimOptions = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const made: string[] = [];
  for (const name of commands) {
    const fake = opts.fakes?.[name];
    const real = fake ? undefined : realCommand(name, opts.realPath);
    if (!fake && !real) continue;
    const lines = ['#!/bin/sh'];
    // one printf, so concurrent callers append whole lines
    if (opts.log)
      lines.push(`_l=${q(name)}; for a in "$@"; do _l="$_l${SEP}$a"; done; printf '%s\\n' "$_l" >>${q(opts.log)}`);
    if (fake) {
      const out = join(dir, `.${name}.stdout`);
      const err = join(dir, `.${name}.stderr`);
      writeFileSync(out, fake.stdout ?? '');
      writeFileSync(err, fake.stderr ?? '');
      const cat = realCommand('cat') ?? '/bin/cat'; // the real cat: a shimmed one would log itself
      lines.push(`${q(cat)} ${q(out)}`, `${q(cat)} ${q(err)} >&2`, `exit ${fake.code ?? 0}`);
    } else {
      lines.push(`exec ${q(real!)} "$@"`);
    }
    const file = join(dir, name);
    writeFileSync(file, `${lines.join('\n')}\n`);
    chmodSync(file, 0o755);
    made.push(name);
  }
  return made;
}

/** The invocations recorded in a shim log, as argv arrays (argv[0] is the command name). */
export function readShimLog(log: string): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(SEP));
}
