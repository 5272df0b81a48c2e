// `netsnap completion bash|zsh|fish`: a completion script for the shell. What it completes is read
// from the help texts themselves (`netsnap -h` for the commands, `netsnap <cmd> -h` for the
// flags), so a new command or flag is completed without anyone editing this file. Values written
// `--format text|json` complete as choices; `FILE` and bundle positionals complete as paths.
import { execFileSync } from 'node:child_process';
import { HELP_OPTION, parseCommand, usageError } from './args.js';
import { COMMANDS } from './table.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

const USAGE = `usage: netsnap completion bash|zsh|fish

Prints a completion script for the shell. Load it with:
  bash:  source <(netsnap completion bash)       (or save it in ~/.local/share/bash-completion/completions/netsnap)
  zsh:   source <(netsnap completion zsh)        (after compinit; or save it as _netsnap in your $fpath)
  fish:  netsnap completion fish > ~/.config/fish/completions/netsnap.fish
exit: 0 printed, 2 an unknown shell`;

export interface Flag {
  readonly long?: string;
  readonly short?: string;
  readonly takesValue: boolean;
  readonly choices?: readonly string[];
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly Flag[];
  /** `usage: netsnap <name> a|b|c`: the first positional is one of these */
  readonly choices?: readonly string[];
}

const WORD = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** the flags and positional choices a command's help text shows */
export function specFromHelp(name: string, summary: string, help: string): CommandSpec {
  const flags = new Map<string, { long?: string; short?: string; takesValue: boolean; choices?: string[] }>();
  for (const line of help.split('\n').slice(0, 200)) {
    const shorts = [...line.matchAll(/(?:^|[\s,[])-([A-Za-z])(?=[\s,\]]|$)/g)].map((m) => m[1] ?? '');
    const longs = [...line.matchAll(/--([a-z][a-z0-9-]*)(?:[ =]([A-Z][A-Za-z[\]:-]*|[a-z0-9]+(?:\|[a-z0-9]+)+))?/g)];
    for (const m of longs) {
      const long = m[1] ?? '';
      const value = m[2];
      const had = flags.get(long) ?? { long, takesValue: false };
      if (value !== undefined) had.takesValue = true;
      if (value?.includes('|') && !had.choices) had.choices = value.split('|');
      flags.set(long, had);
    }
    // `-o, --output FILE`: a short on the line of one long is that long's short
    const first = longs[0]?.[1];
    if (shorts.length === 1 && longs.length === 1 && first !== undefined) {
      const f = flags.get(first);
      // two longs claiming one short (a help slip): the first keeps it
      if (f && ![...flags.values()].some((g) => g.long && g.short === shorts[0])) f.short = shorts[0];
    } else
      for (const s of shorts)
        if (![...flags.values()].some((f) => f.short === s)) flags.set(`-${s}`, { short: s, takesValue: false });
  }
  // a short first seen alone (`usage: netsnap x [-o FILE]`) and later beside its long is that long's
  for (const [key, f] of flags)
    if (!f.long && [...flags.values()].some((g) => g.long && g.short === f.short)) flags.delete(key);
  const usage = /^usage: netsnap \S+ ([a-z0-9]+(?:\|[a-z0-9]+)+)/m.exec(help)?.[1];
  return {
    name,
    summary,
    flags: [...flags.values()].filter(
      (f) => (f.long ?? f.short ?? '').match(WORD) && (f.choices ?? []).every((c) => WORD.test(c)),
    ),
    ...(usage ? { choices: usage.split('|') } : {}),
  };
}

/** the commands `netsnap -h` lists: `  name   summary` lines after `commands:` */
export function commandsFromHelp(help: string): { name: string; summary: string }[] {
  const at = help.indexOf('commands:');
  if (at < 0) return [];
  const out: { name: string; summary: string }[] = [];
  for (const line of help.slice(at).split('\n').slice(1, 100)) {
    const m = /^ {2}([a-z][a-z0-9-]*)\s+(.*)$/.exec(line);
    if (m?.[1] && WORD.test(m[1])) out.push({ name: m[1], summary: m[2] ?? '' });
  }
  return out;
}

const flagWords = (c: CommandSpec): string[] => [
  ...new Set(c.flags.flatMap((f) => [...(f.long ? [`--${f.long}`] : []), ...(f.short ? [`-${f.short}`] : [])])),
];

export function bashScript(cmds: readonly CommandSpec[]): string {
  const valueCases: string[] = [];
  const flagCases: string[] = [];
  for (const c of cmds) {
    for (const f of c.flags.filter((x) => x.takesValue)) {
      const pats = [...(f.long ? [`${c.name}:--${f.long}`] : []), ...(f.short ? [`${c.name}:-${f.short}`] : [])].join(
        '|',
      );
      valueCases.push(
        f.choices
          ? `    ${pats}) COMPREPLY=($(compgen -W "${f.choices.join(' ')}" -- "$cur")); return ;;`
          : `    ${pats}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`,
      );
    }
    flagCases.push(`    ${c.name}) opts="${flagWords(c).join(' ')}"; words="${(c.choices ?? []).join(' ')}" ;;`);
  }
  return `# bash completion for netsnap (netsnap completion bash)
_netsnap() {
  local cur prev cmd opts words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${cmds.map((c) => c.name).join(' ')} --help --version" -- "$cur"))
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  case "$cmd:$prev" in
${valueCases.join('\n')}
  esac
  opts=""; words=""
  case "$cmd" in
${flagCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ -n "$words" ]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -o bashdefault -F _netsnap netsnap
`;
}

/** a zsh single-quoted word */
const zq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function zshScript(cmds: readonly CommandSpec[]): string {
  const cases = cmds.map((c) => {
    const specs = c.flags.flatMap((f) => {
      const action = f.takesValue ? (f.choices ? `:value:(${f.choices.join(' ')})` : ':file:_files') : '';
      return [...(f.long ? [`*--${f.long}${action}`] : []), ...(f.short ? [`*-${f.short}${action}`] : [])];
    });
    const rest = c.choices ? `:shell:(${c.choices.join(' ')})` : '*:bundle:_files';
    return `    ${c.name}) _arguments ${[...specs, rest].map(zq).join(' ')} ;;`;
  });
  const list = cmds.map((c) => zq(`${c.name}:${c.summary}`)).join(' ');
  return `#compdef netsnap
# zsh completion for netsnap (netsnap completion zsh)
_netsnap() {
  local -a cmds
  cmds=(${list})
  if (( CURRENT == 2 )); then
    _describe 'command' cmds
    return
  fi
  words=("\${(@)words[2,-1]}")
  (( CURRENT-- ))
  case $words[1] in
${cases.join('\n')}
  esac
}
if [ "$funcstack[1]" = "_netsnap" ]; then _netsnap "$@"; else compdef _netsnap netsnap; fi
`;
}

/** a fish single-quoted word */
const fq = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function fishScript(cmds: readonly CommandSpec[]): string {
  const lines = [
    '# fish completion for netsnap (netsnap completion fish)',
    'complete -c netsnap -f',
    ...cmds.map((c) => `complete -c netsnap -n __fish_use_subcommand -a ${c.name} -d ${fq(c.summary)}`),
  ];
  for (const c of cmds) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const f of c.flags) {
      const names = [...(f.long ? [`-l ${f.long}`] : []), ...(f.short ? [`-s ${f.short}`] : [])].join(' ');
      const value = f.takesValue ? (f.choices ? ` -x -a ${fq(f.choices.join(' '))}` : ' -r -F') : '';
      lines.push(`complete -c netsnap ${when} ${names}${value}`);
    }
    lines.push(
      c.choices ? `complete -c netsnap ${when} -x -a ${fq(c.choices.join(' '))}` : `complete -c netsnap ${when} -F`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** run one command's `-h` in this process and keep what it printed */
async function helpOf(name: string): Promise<string> {
  let text = '';
  const write = process.stdout.write.bind(process.stdout);
  const log = console.log;
  process.stdout.write = ((s: string | Uint8Array) => ((text += String(s)), true)) as typeof process.stdout.write;
  console.log = (...a: unknown[]) => void (text += `${a.map(String).join(' ')}\n`);
  try {
    // through the command table, not a computed path: the bundled CLI has no <name>.js files
    const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (cmd) await (await cmd.load()).run(['-h']);
  } catch {
    // a command whose help cannot be read still completes by name
  } finally {
    process.stdout.write = write;
    console.log = log;
  }
  return text;
}

/** every command and its flags, read from the help of the CLI that is running */
async function specs(): Promise<CommandSpec[]> {
  const cli = process.argv[1];
  const top = cli ? execFileSync(process.execPath, [cli, '-h'], { encoding: 'utf8', timeout: 10_000 }) : '';
  const out: CommandSpec[] = [];
  for (const c of commandsFromHelp(top)) out.push(specFromHelp(c.name, c.summary, await helpOf(c.name)));
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand('completion', argv, HELP_OPTION, USAGE);
  if ('exit' in parsed) return parsed.exit;
  const shell = parsed.positionals[0];
  if (shell === undefined) return usageError('completion', 'name the shell: bash, zsh or fish');
  if (!(SHELLS as readonly string[]).includes(shell))
    return usageError('completion', `no completion for "${shell}"`, 'use bash, zsh or fish');
  const cmds = await specs();
  const render: Record<Shell, (c: readonly CommandSpec[]) => string> = {
    bash: bashScript,
    zsh: zshScript,
    fish: fishScript,
  };
  process.stdout.write(render[shell as Shell](cmds));
  return 0;
}
