// Shared argument handling for every `netsnap <cmd>`: one parser (node:util parseArgs) whose usage
// errors are ONE line `netsnap <cmd>: <what>` plus ONE hint line (`did you mean --format?` or
// `see netsnap <cmd> -h`) and exit 2 — never the whole help; the shared flags (--format with its
// --json alias, -o/--output, --demo, -h); and an atomic output writer (temp file in the same
// directory, then rename, so a reader never sees half a report).
//
// Use:
//   const p = parseCommand('diff', argv, { ...FORMAT_OPTIONS, ...HELP_OPTION, mine: { type: 'string' } }, USAGE);
//   if ('exit' in p) return p.exit;
//   const format = formatOf('diff', p.values, ['text', 'json']);  if (typeof format === 'number') return format;
//   ...; return emitOutput('diff', p.values.output, text);
import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { inertLine } from '../text/inert.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** the values and positionals of a successful parse, typed from the option table */
export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>
>;

/** `--format` values; a command passes the subset it renders */
export const FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** --format, its --json alias and -o/--output: the flags of every command that prints a result */
export const FORMAT_OPTIONS = {
  format: { type: 'string' },
  json: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const satisfies Options;

/** --demo: wherever a bundle is taken */
export const DEMO_OPTION = { demo: { type: 'boolean' } } as const satisfies Options;

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;

/** a help line: the flag, then its description from column 34 (on the next line when the flag is longer) */
export function helpLine(flag: string, text: string): string {
  const head = `  ${flag}`;
  return head.length <= 32 ? `${head.padEnd(34)}${text}` : `${head}\n${' '.repeat(34)}${text}`;
}

/** the usage lines for the shared flags, for a command's help text; `note` follows the --format line */
export const FORMAT_HELP = (formats: readonly Format[] = FORMATS, note?: string): string =>
  [
    helpLine(`--format ${formats.join('|')}`, 'print a report in this format (--json = --format json)'),
    ...(note ? [`${' '.repeat(34)}${note}`] : []),
    helpLine('-o, --output FILE', 'write it to FILE (atomically) instead of stdout'),
  ].join('\n');

/** print `netsnap <cmd>: <what>` and one hint line to stderr; returns the exit code 2 */
export function usageError(cmd: string, what: string, hint?: string): 2 {
  const name = cmd ? `netsnap ${cmd}` : 'netsnap';
  process.stderr.write(`${name}: ${inertLine(what)}\n${inertLine(hint ?? `see ${name} -h`)}\n`);
  return 2;
}

/** edit distance with adjacent transpositions (optimal string alignment), bounded: names and ids are short */
export function editDistance(a: string, b: string): number {
  if (a.length > 200 || b.length > 200) return Math.max(a.length, b.length);
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  return at(a.length, b.length);
}

/**
 * the candidates closest to `word` (case-insensitive), at most `max`: those at the smallest edit
 * distance within a third of the word's length (at least 1); failing that, those that contain
 * the word or that it contains (`warn` finds `warning`, `web` the `web-…` pods)
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(w.replace(/^-+/, '').length / 3));
  let best = limit + 1;
  let near: string[] = [];
  const within: string[] = [];
  for (const c of new Set(candidates)) {
    const l = c.toLowerCase();
    const d = editDistance(w, l);
    if (d <= limit && d < best) [best, near] = [d, [c]];
    else if (d <= limit && d === best) near.push(c);
    if (w.replace(/^-+/, '').length >= 3 && (l.includes(w) || w.includes(l))) within.push(c);
  }
  return (near.length ? near : within).sort((x, y) => x.localeCompare(y)).slice(0, max);
}

/** `did you mean X?` / `did you mean X, Y or Z?`, or undefined when nothing is close */
export function didYouMean(word: string, candidates: Iterable<string>, max = 3): string | undefined {
  const near = closest(word, candidates, max);
  if (near.length === 0) return undefined;
  const list = near.length === 1 ? near[0] : `${near.slice(0, -1).join(', ')} or ${near[near.length - 1]}`;
  return `did you mean ${list}?`;
}

function optionNames(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

/**
 * parse `argv` for `netsnap <cmd>`: a usage error prints two lines and gives `{ exit: 2 }`; `-h`
 * (when the table has `help` and `usage` is given) prints `usage` to stdout and gives `{ exit: 0 }`
 */
export function parseCommand<O extends Options>(
  cmd: string,
  argv: string[],
  options: O,
  usage?: string,
): Parsed<O> | { exit: number } {
  const hint = `see netsnap ${cmd} -h`;
  // first a lenient pass whose tokens say exactly what is wrong, in our words
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  for (const tok of tokens) {
    if (tok.kind !== 'option') continue;
    const opt = options[tok.name];
    const shown = tok.rawName;
    if (!opt) {
      // a one-letter option is one edit from every other: suggest only for long names
      const near = shown.startsWith('--')
        ? didYouMean(
            shown,
            optionNames(options).filter((n) => n.startsWith('--')),
          )
        : undefined;
      return { exit: usageError(cmd, `unknown option ${shown}`, near ?? hint) };
    }
    const long = `--${tok.name}`;
    if (opt.type === 'string') {
      if (tok.value === undefined) return { exit: usageError(cmd, `${long} needs a value`, hint) };
      if (!tok.inlineValue && tok.value.startsWith('-') && tok.value !== '-')
        return {
          exit: usageError(cmd, `${long} needs a value, got the option ${tok.value}`, `write ${long}=${tok.value}`),
        };
    } else if (tok.inlineValue) {
      return { exit: usageError(cmd, `${long} takes no value (got "${tok.value ?? ''}")`, hint) };
    }
  }
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true }) as Parsed<O>;
  } catch (err) {
    // the lenient pass saw every case node:util rejects; keep to one line if it ever differs
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    return { exit: usageError(cmd, first.replace(/\. To specify a positional.*$/, ''), hint) };
  }
  if (usage !== undefined && (parsed.values as { help?: unknown }).help === true) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    return { exit: 0 };
  }
  return parsed;
}

/**
 * the --format asked for (`--json` is `--format json`), or `fallback`; prints a usage error and
 * returns 2 on a format outside `allowed` or on --json with another --format
 */
export function formatOf<F extends Format>(
  cmd: string,
  values: { format?: string; json?: boolean },
  allowed: readonly F[],
  fallback?: F,
): F | undefined | 2 {
  const f = values.format;
  if (values.json && f !== undefined && f !== 'json')
    return usageError(cmd, `--json and --format ${f} disagree`, 'give one of them');
  const want = values.json ? 'json' : f;
  if (want === undefined) return fallback;
  if ((allowed as readonly string[]).includes(want)) return want as F;
  const near = didYouMean(want, allowed);
  return usageError(cmd, `--format ${want} is not one of ${allowed.join(', ')}`, near ?? `see netsnap ${cmd} -h`);
}

/**
 * -o/--output checked before any work: `-o json` is a kubectl habit, not a file name; returns 2
 * (after a usage error) or the path (undefined: stdout; `-` is stdout too)
 */
export function outputOf(cmd: string, values: { output?: string }): string | undefined | 2 {
  const o = values.output;
  if (o === undefined || o === '-') return undefined;
  if (o === '') return usageError(cmd, '--output needs a file name');
  if ((FORMATS as readonly string[]).includes(o) || o === 'yaml' || o === 'wide')
    return usageError(
      cmd,
      `-o takes a file name, and "${o}" looks like a format`,
      `did you mean --format ${o}? (or -o ./${o})`,
    );
  return o;
}

/**
 * write `text` to `path` atomically (a temp file beside it, then rename), or to stdout when `path`
 * is undefined; throws an Error whose message names the path and the reason
 */
export function writeOutput(path: string | undefined, text: string | Uint8Array, mode?: number): void {
  if (path === undefined) {
    process.stdout.write(text);
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx', ...(mode !== undefined ? { mode } : {}) });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created
    }
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT'
        ? 'no such directory'
        : e.code === 'EISDIR'
          ? 'it is a directory'
          : e.code === 'EACCES'
            ? 'permission denied'
            : e.code;
    throw new Error(`cannot write ${path}: ${why ?? e.message}`, { cause: err });
  }
}

/** writeOutput for a command: 0 when written, 2 (one line on stderr) when the file cannot be written */
export function emitOutput(cmd: string, path: string | undefined, text: string | Uint8Array, mode?: number): 0 | 2 {
  try {
    writeOutput(path, text, mode);
    return 0;
  } catch (err) {
    process.stderr.write(`netsnap ${cmd}: ${inertLine((err as Error).message)}\n`);
    return 2;
  }
}
