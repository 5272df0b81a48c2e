// The one key map: every key is a named command here, the help screen is generated from this
// table, and the `:` commands are listed here too, so help cannot drift from behaviour.

export type Command =
  | 'nav.up'
  | 'nav.down'
  | 'nav.pageUp'
  | 'nav.pageDown'
  | 'nav.top'
  | 'nav.bottom'
  | 'open'
  | 'back'
  | 'pane.next'
  | 'filter'
  | 'filter.layer'
  | 'filter.severity'
  | 'filter.node'
  | 'filter.clear'
  | 'match.next'
  | 'match.prev'
  | 'command'
  | 'evidence.open'
  | 'fix.write'
  | 'trace.open'
  | 'trace.port'
  | 'help'
  | 'quit';

export type SpecialKey =
  | 'upArrow'
  | 'downArrow'
  | 'leftArrow'
  | 'rightArrow'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'return'
  | 'escape'
  | 'backspace'
  | 'delete'
  | 'tab';

export interface KeySpec {
  readonly input?: string;
  readonly key?: SpecialKey;
  readonly ctrl?: boolean;
  readonly label: string;
}

export interface Binding {
  readonly command: Command;
  readonly keys: readonly KeySpec[];
  readonly description: string;
  /** where it applies; "" = everywhere */
  readonly where: string;
}

const k = (key: SpecialKey, label: string): KeySpec => ({ key, label });
const ch = (input: string): KeySpec => ({ input, label: input });

export const DEFAULT_KEYMAP: readonly Binding[] = [
  { command: 'nav.up', keys: [k('upArrow', '↑'), ch('k')], description: 'move up', where: '' },
  { command: 'nav.down', keys: [k('downArrow', '↓'), ch('j')], description: 'move down', where: '' },
  {
    command: 'nav.pageUp',
    keys: [k('pageUp', 'PgUp'), { input: 'b', ctrl: true, label: 'Ctrl-b' }],
    description: 'page up',
    where: '',
  },
  {
    command: 'nav.pageDown',
    keys: [k('pageDown', 'PgDn'), { input: 'f', ctrl: true, label: 'Ctrl-f' }],
    description: 'page down',
    where: '',
  },
  { command: 'nav.top', keys: [ch('g'), k('home', 'Home')], description: 'go to the top', where: '' },
  { command: 'nav.bottom', keys: [ch('G'), k('end', 'End')], description: 'go to the bottom', where: '' },
  {
    command: 'open',
    keys: [k('return', 'enter'), k('rightArrow', '→')],
    description: 'open the selected item',
    where: '',
  },
  {
    command: 'back',
    keys: [k('escape', 'esc'), k('backspace', 'backspace'), k('delete', 'backspace'), k('leftArrow', '←')],
    description: 'go back (see the breadcrumb)',
    where: '',
  },
  {
    command: 'pane.next',
    keys: [k('tab', 'tab')],
    description: 'next pane / section / trace branch',
    where: 'detail, evidence, trace',
  },
  {
    command: 'filter',
    keys: [ch('/')],
    description: 'filter findings or trace picks, or search the open file',
    where: 'findings, trace, evidence',
  },
  {
    command: 'match.next',
    keys: [ch('n')],
    description: 'next match; without a search: next root cause, chain link or deciding rule',
    where: '',
  },
  { command: 'match.prev', keys: [ch('N')], description: 'previous match (or landmark, as n)', where: '' },
  { command: 'filter.layer', keys: [ch('l')], description: 'cycle the layer filter', where: 'findings' },
  { command: 'filter.severity', keys: [ch('s')], description: 'cycle the severity filter', where: 'findings' },
  { command: 'filter.node', keys: [ch('o')], description: 'cycle the node filter', where: 'findings' },
  { command: 'filter.clear', keys: [ch('x')], description: 'clear all filters', where: 'findings' },
  { command: 'evidence.open', keys: [ch('e')], description: 'open the evidence browser here', where: '' },
  {
    command: 'fix.write',
    keys: [ch('w')],
    description: 'write fix commands to netsnap-fix.md, grouped by where they run',
    where: '',
  },
  {
    command: 'trace.open',
    keys: [ch('t')],
    description: 'trace a packet: pick a source, then a destination',
    where: '',
  },
  {
    command: 'trace.port',
    keys: [ch('p')],
    description: 'set the port/protocol of the trace (53, 53/udp, icmp)',
    where: 'trace',
  },
  { command: 'command', keys: [ch(':')], description: 'jump: type a command below', where: '' },
  { command: 'help', keys: [ch('?')], description: 'this help', where: '' },
  {
    command: 'quit',
    keys: [ch('q'), { input: 'c', ctrl: true, label: 'Ctrl-c' }],
    description: 'quit (exit code 0; the fix file is written and named)',
    where: '',
  },
];

export interface ColonCommand {
  readonly name: string;
  readonly args: string;
  readonly description: string;
}

/** what `:` accepts; parsed by state/colon.ts */
export const COLON_COMMANDS: readonly ColonCommand[] = [
  { name: 'overview', args: '', description: 'the layer stack and root causes' },
  { name: 'findings', args: '[text]', description: 'all findings, optionally filtered' },
  { name: 'node', args: '<name>', description: 'findings on one node' },
  { name: 'evidence', args: '[node]', description: 'the bundle file tree' },
  { name: 'trace', args: '[FROM [TO[:PORT] [PROTO]]]', description: 'trace a packet (pickers for what is left out)' },
  { name: '<number>', args: '', description: 'in the file viewer: jump to that line' },
  { name: 'write', args: '', description: 'write fix commands to netsnap-fix.md, grouped by where they run' },
  { name: 'help', args: '', description: 'this help' },
  { name: 'quit', args: '', description: 'quit (also :q)' },
];

/** the subset of Ink's Key that the key map reads */
export type KeyState = Partial<Record<SpecialKey | 'ctrl' | 'shift' | 'meta', boolean>>;

function matches(spec: KeySpec, input: string, key: KeyState): boolean {
  if (spec.key) return key[spec.key] === true;
  if (Boolean(spec.ctrl) !== Boolean(key.ctrl)) return false;
  return spec.input === input;
}

export function commandFor(
  input: string,
  key: KeyState,
  map: readonly Binding[] = DEFAULT_KEYMAP,
): Command | undefined {
  for (const b of map) if (b.keys.some((s) => matches(s, input, key))) return b.command;
  return undefined;
}

export interface HelpRow {
  readonly keys: string;
  readonly command: string;
  readonly description: string;
  readonly where: string;
}

/** the help table: one row per binding, then the `:` commands */
export function helpRows(map: readonly Binding[] = DEFAULT_KEYMAP): { keys: HelpRow[]; colon: HelpRow[] } {
  const keys = map.map((b) => ({
    keys: [...new Set(b.keys.map((s) => s.label))].join(' '),
    command: b.command,
    description: b.description,
    where: b.where,
  }));
  const colon = COLON_COMMANDS.map((c) => ({
    keys: `:${c.name}${c.args ? ` ${c.args}` : ''}`,
    command: 'command',
    description: c.description,
    where: '',
  }));
  return { keys, colon };
}

/** short hint for the footer: the first label of a command */
export function keyLabel(command: Command, map: readonly Binding[] = DEFAULT_KEYMAP): string {
  return map.find((b) => b.command === command)?.keys[0]?.label ?? '';
}
