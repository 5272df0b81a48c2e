// The UI store: a stack of screen entries (the breadcrumb), an optional prompt line, and one
// status message. Pure: keys become commands (keymap.ts), commands become a new state here, and
// side effects (quit, write the fix file) are returned for the App to perform.
import type { Layer } from '../../analyzer/rules/types.js';
import type { Command, KeyState } from '../keymap.js';
import type { Tone } from '../theme.js';
import { cycle, FILTER_LAYERS, FILTER_SEVERITIES } from '../view-models/findings.js';
import { describePortProto, parsePortProto } from '../view-models/trace-picks.js';
import { parseColon } from './colon.js';
import { EMPTY_FILTER, type FileTarget, type FindingFilter, type Route, type TraceRoute } from './route.js';
import { clamp, topAround, visibleTop } from './scroll.js';

export interface Entry {
  readonly route: Route;
  /** selected item: doc item, list row or tree row */
  readonly cursor: number;
  /** first visible line of the doc / list / tree */
  readonly top: number;
  readonly filter: FindingFilter;
  /** evidence: 0 = file tree, 1 = viewer */
  readonly pane: 0 | 1;
  readonly file?: FileTarget;
  /** evidence viewer: cursor line and first visible line, 1-based */
  readonly line: number;
  readonly lineTop: number;
  readonly search: string;
  readonly openedFromTree?: boolean;
}

export type PromptKind = 'filter' | 'search' | 'command' | 'pick' | 'port';

export interface Prompt {
  /**
   * filter: findings (live) · pick: trace picker (live) · search: the open file · command: `:` ·
   * port: the trace's port/proto
   */
  readonly kind: PromptKind;
  readonly text: string;
  /** the text before editing, restored on esc */
  readonly before: string;
}

export interface UiState {
  readonly stack: readonly Entry[];
  readonly prompt?: Prompt;
  readonly message?: { readonly text: string; readonly tone: Tone };
}

export type Effect = { readonly kind: 'quit' } | { readonly kind: 'write'; readonly findings?: readonly number[] };

/** what the current screen looks like right now; built by the App from the view models */
export interface ScreenCtx {
  readonly count: number;
  readonly page: number;
  /** docs: total lines and the line of each item (lists: the row itself) */
  readonly lines?: number;
  lineOf?(i: number): number;
  /** docs: how many lines item i covers (default 1) */
  spanOf?(i: number): number;
  targetAt?(i: number): Route | undefined;
  sectionOf?(i: number): string | undefined;
  findingAt?(i: number): number | undefined;
  fileAt?(i: number): FileTarget | undefined;
  /** next/previous item whose text contains term (wrapping) */
  findItem?(term: string, from: number, dir: 1 | -1): number | undefined;
  /** items n/N visit when there is no search term (root causes, chain links, deciding rules) */
  landmarkAt?(i: number): boolean;
  readonly viewer?: {
    readonly count: number;
    readonly page: number;
    find(term: string, from: number, dir: 1 | -1): number | undefined;
  };
}

export interface Env {
  readonly nodes: readonly string[];
  /** the layers the `l` filter cycles through: those that have findings (all when not given) */
  readonly layers?: readonly Layer[];
  treeIndexFor(t: { node?: string; file?: FileTarget }): number;
}

export interface Result {
  readonly state: UiState;
  readonly effect?: Effect;
}

export function entryFor(route: Route, env: Env): Entry {
  const base: Entry = { route, cursor: 0, top: 0, filter: EMPTY_FILTER, pane: 0, line: 1, lineTop: 1, search: '' };
  if (route.screen === 'findings') return { ...base, filter: { ...EMPTY_FILTER, ...route.filter } };
  if (route.screen === 'evidence') {
    const cursor = env.treeIndexFor({
      ...(route.node ? { node: route.node } : {}),
      ...(route.file ? { file: route.file } : {}),
    });
    if (!route.file) return { ...base, cursor };
    const line = route.file.line ?? 1;
    // lineTop 0 asks the viewer to centre on the line once it knows its height
    return { ...base, cursor, pane: 1, file: route.file, line, lineTop: 0 };
  }
  return base;
}

export function initialState(env: Env, route: Route = { screen: 'overview' }): UiState {
  return { stack: [entryFor(route, env)] };
}

export function current(s: UiState): Entry {
  const e = s.stack.at(-1);
  if (!e) throw new Error('UI stack is empty (a bug: back never pops the last screen)');
  return e;
}

const replaceTop = (s: UiState, e: Entry): UiState => ({ ...s, stack: [...s.stack.slice(0, -1), e] });
const push = (s: UiState, route: Route, env: Env): UiState => ({ ...s, stack: [...s.stack, entryFor(route, env)] });

function inViewer(e: Entry, ctx: ScreenCtx): boolean {
  return e.route.screen === 'evidence' && e.pane === 1 && !!e.file && !!ctx.viewer;
}

function moveTo(e: Entry, cursor: number, ctx: ScreenCtx): Entry {
  const c = clamp(cursor, 0, Math.max(0, ctx.count - 1));
  const line = ctx.lineOf ? ctx.lineOf(c) : c;
  const lines = ctx.lines ?? ctx.count;
  // show the item's detail lines too (a trace branch's fate), but never at the cost of its first line
  const span = ctx.spanOf?.(c) ?? 1;
  // span > 1: one more line, because DocView's "↓ more" marker takes the last visible line
  const end = line + Math.min(ctx.page - 1, span > 1 ? span : 0);
  return { ...e, cursor: c, top: visibleTop(visibleTop(e.top, end, ctx.page, lines), line, ctx.page, lines) };
}

function moveLine(e: Entry, line: number, ctx: ScreenCtx): Entry {
  const v = ctx.viewer;
  if (!v) return e;
  const l = clamp(line, 1, Math.max(1, v.count));
  const top = e.lineTop < 1 ? topAround(l, v.page, v.count) : e.lineTop;
  return { ...e, line: l, lineTop: visibleTop(top, l, v.page, v.count, 1) };
}

/** docs have lines after their last item (fix commands): let the view scroll on to them */
function scrollDoc(e: Entry, by: number, ctx: ScreenCtx): Entry {
  const lines = ctx.lines ?? ctx.count;
  return { ...e, top: clamp(e.top + by, 0, Math.max(0, lines - ctx.page)) };
}

function move(e: Entry, cmd: Command, ctx: ScreenCtx): Entry {
  if (inViewer(e, ctx)) {
    const page = ctx.viewer?.page ?? 1;
    const count = ctx.viewer?.count ?? 1;
    const by =
      {
        'nav.up': -1,
        'nav.down': 1,
        'nav.pageUp': -page,
        'nav.pageDown': page,
        'nav.top': -Infinity,
        'nav.bottom': Infinity,
      }[cmd as string] ?? 0;
    return moveLine(e, by === -Infinity ? 1 : by === Infinity ? count : e.line + by, ctx);
  }
  const last = Math.max(0, ctx.count - 1);
  const isDoc = !!ctx.lineOf;
  switch (cmd) {
    case 'nav.up':
      return isDoc && e.cursor === 0 && e.top > 0 ? scrollDoc(e, -1, ctx) : moveTo(e, e.cursor - 1, ctx);
    case 'nav.down':
      return isDoc && e.cursor >= last ? scrollDoc(e, 1, ctx) : moveTo(e, e.cursor + 1, ctx);
    case 'nav.pageUp':
    case 'nav.pageDown': {
      if (!isDoc) return moveTo(e, e.cursor + (cmd === 'nav.pageUp' ? -ctx.page : ctx.page), ctx);
      const scrolled = scrollDoc(e, cmd === 'nav.pageUp' ? -ctx.page : ctx.page, ctx);
      let c = -1;
      for (let i = 0; i < ctx.count; i++) {
        const l = ctx.lineOf?.(i) ?? i;
        if (l >= scrolled.top && l < scrolled.top + ctx.page) {
          c = i;
          if (cmd === 'nav.pageUp') break;
        }
      }
      return c >= 0 ? { ...scrolled, cursor: c } : scrolled;
    }
    case 'nav.top':
      return { ...moveTo(e, 0, ctx), top: 0 };
    case 'nav.bottom':
      return isDoc ? { ...moveTo(e, last, ctx), top: Math.max(0, (ctx.lines ?? 0) - ctx.page) } : moveTo(e, last, ctx);
    default:
      return e;
  }
}

function nextSection(e: Entry, ctx: ScreenCtx): Entry {
  const here = ctx.sectionOf?.(e.cursor);
  for (let k = 1; k <= ctx.count; k++) {
    const i = (e.cursor + k) % ctx.count;
    if (ctx.sectionOf?.(i) !== here) return moveTo(e, i, ctx);
  }
  return e;
}

/** a Trace picker (source or destination): a filterable list like findings */
export function isTracePicker(r: Route): r is TraceRoute {
  return r.screen === 'trace' && (r.from === undefined || r.to === undefined);
}

function nextLandmark(e: Entry, dir: 1 | -1, ctx: ScreenCtx): Entry | undefined {
  const n = ctx.count;
  for (let k = 1; k <= n; k++) {
    const i = (((e.cursor + dir * k) % n) + n) % n;
    if (ctx.landmarkAt?.(i)) return moveTo(e, i, ctx);
  }
  return undefined;
}

function findNext(e: Entry, dir: 1 | -1, ctx: ScreenCtx, term: string): Entry | undefined {
  if (inViewer(e, ctx)) {
    const at = ctx.viewer?.find(term, e.line, dir);
    return at === undefined ? undefined : moveLine(e, at, ctx);
  }
  const at = ctx.findItem?.(term, e.cursor, dir);
  return at === undefined ? undefined : moveTo(e, at, ctx);
}

export function applyCommand(s0: UiState, cmd: Command, ctx: ScreenCtx, env: Env): Result {
  const s: UiState = s0.message ? { stack: s0.stack, ...(s0.prompt ? { prompt: s0.prompt } : {}) } : s0;
  const e = current(s);
  const screen = e.route.screen;
  switch (cmd) {
    case 'nav.up':
    case 'nav.down':
    case 'nav.pageUp':
    case 'nav.pageDown':
    case 'nav.top':
    case 'nav.bottom':
      return { state: replaceTop(s, move(e, cmd, ctx)) };
    case 'open': {
      if (screen === 'evidence') {
        const file = e.pane === 0 ? ctx.fileAt?.(e.cursor) : undefined;
        return file
          ? {
              state: replaceTop(s, {
                ...e,
                pane: 1,
                file,
                line: 1,
                lineTop: 1,
                search: e.search,
                openedFromTree: true,
              }),
            }
          : { state: s };
      }
      const target = ctx.targetAt?.(e.cursor);
      return { state: target ? push(s, target, env) : s };
    }
    case 'back':
      if (screen === 'evidence' && e.pane === 1 && e.openedFromTree) return { state: replaceTop(s, { ...e, pane: 0 }) };
      return { state: s.stack.length > 1 ? { ...s, stack: s.stack.slice(0, -1) } : s };
    case 'pane.next':
      if (screen === 'evidence') return { state: e.file ? replaceTop(s, { ...e, pane: e.pane === 0 ? 1 : 0 }) : s };
      if (ctx.sectionOf) return { state: replaceTop(s, nextSection(e, ctx)) };
      return { state: s };
    case 'filter':
      if (screen === 'findings')
        return { state: { ...s, prompt: { kind: 'filter', text: e.filter.text, before: e.filter.text } } };
      if (isTracePicker(e.route))
        return { state: { ...s, prompt: { kind: 'pick', text: e.filter.text, before: e.filter.text } } };
      if (screen === 'evidence') return { state: { ...s, prompt: { kind: 'search', text: '', before: e.search } } };
      return { state: { ...push(s, { screen: 'findings' }, env), prompt: { kind: 'filter', text: '', before: '' } } };
    case 'match.next':
    case 'match.prev': {
      const dir = cmd === 'match.next' ? 1 : -1;
      if (screen === 'findings' || isTracePicker(e.route))
        return { state: replaceTop(s, moveTo(e, (e.cursor + dir + ctx.count) % Math.max(1, ctx.count), ctx)) };
      if (!e.search) {
        const landmark = ctx.landmarkAt ? nextLandmark(e, dir, ctx) : undefined;
        if (landmark) return { state: replaceTop(s, landmark) };
        return {
          state: {
            ...s,
            message: {
              text: screen === 'evidence' ? 'no search yet: press / to search' : 'nothing to jump to here: / searches',
              tone: 'muted',
            },
          },
        };
      }
      const next = findNext(e, dir, ctx, e.search);
      return {
        state: next ? replaceTop(s, next) : { ...s, message: { text: `"${e.search}" not found`, tone: 'warning' } },
      };
    }
    case 'filter.layer':
    case 'filter.severity':
    case 'filter.node': {
      if (screen !== 'findings') return { state: s };
      const f = e.filter;
      const filter: FindingFilter =
        cmd === 'filter.layer'
          ? withOpt(f, 'layer', cycle(env.layers?.length ? env.layers : FILTER_LAYERS, f.layer))
          : cmd === 'filter.severity'
            ? withOpt(f, 'severity', cycle(FILTER_SEVERITIES, f.severity))
            : withOpt(f, 'node', cycle(env.nodes, f.node));
      return { state: replaceTop(s, { ...e, filter, cursor: 0, top: 0 }) };
    }
    case 'filter.clear':
      return { state: screen === 'findings' ? replaceTop(s, { ...e, filter: EMPTY_FILTER, cursor: 0, top: 0 }) : s };
    case 'evidence.open': {
      if (screen === 'evidence') return { state: s };
      let target: Route | undefined;
      for (let i = 0; i < ctx.count && !target; i++) if (ctx.sectionOf?.(i) === 'evidence') target = ctx.targetAt?.(i);
      return { state: push(s, target ?? { screen: 'evidence' }, env) };
    }
    case 'fix.write':
      return { state: s, effect: writeEffect(e) };
    case 'trace.open':
      return {
        state:
          screen === 'trace' && e.route.screen === 'trace' && e.route.from === undefined
            ? s
            : push(s, { screen: 'trace' }, env),
      };
    case 'trace.port': {
      if (e.route.screen !== 'trace')
        return { state: { ...s, message: { text: 'p sets the port on the Trace screen: t opens it', tone: 'muted' } } };
      const text = describePortProto(e.route).replace(/^:/, '');
      return { state: { ...s, prompt: { kind: 'port', text, before: text } } };
    }
    case 'command':
      return { state: { ...s, prompt: { kind: 'command', text: '', before: '' } } };
    case 'help':
      return { state: screen === 'help' ? s : push(s, { screen: 'help' }, env) };
    case 'quit':
      return { state: s, effect: { kind: 'quit' } };
  }
}

/** on a finding: its fixes; elsewhere: every root cause's fixes */
function writeEffect(e: Entry): Effect {
  return e.route.screen === 'detail' ? { kind: 'write', findings: [e.route.finding] } : { kind: 'write' };
}

function withOpt<K extends 'layer' | 'severity' | 'node'>(
  f: FindingFilter,
  key: K,
  value: FindingFilter[K],
): FindingFilter {
  const { [key]: _old, ...rest } = f;
  return (value === undefined ? rest : { ...rest, [key]: value }) as FindingFilter;
}

/** keys while the prompt line is open: typing edits it, enter confirms, esc cancels */
export function applyPromptKey(s: UiState, input: string, key: KeyState, ctx: ScreenCtx, env: Env): Result {
  const p = s.prompt;
  if (!p) return { state: s };
  const e = current(s);
  const withoutPrompt: UiState = { stack: s.stack };
  const setText = (text: string): UiState => {
    const next: UiState = { ...s, prompt: { ...p, text } };
    // the findings filter and the trace picker apply while typing: the list narrows under the cursor
    return p.kind === 'filter' || p.kind === 'pick'
      ? replaceTop(next, { ...e, filter: { ...e.filter, text }, cursor: 0, top: 0 })
      : next;
  };
  if (key.escape) {
    const restored =
      p.kind === 'filter' || p.kind === 'pick'
        ? replaceTop(withoutPrompt, { ...e, filter: { ...e.filter, text: p.before }, cursor: 0, top: 0 })
        : withoutPrompt;
    return { state: restored };
  }
  if (key.backspace || key.delete) return { state: setText(p.text.slice(0, -1)) };
  if (key.return) {
    if (p.kind === 'filter' || p.kind === 'pick') return { state: withoutPrompt };
    if (p.kind === 'port') return { state: setPort(withoutPrompt, e, p.text) };
    if (p.kind === 'search') {
      if (!p.text) return { state: withoutPrompt };
      const withTerm = { ...e, search: p.text };
      const next = findNext(withTerm, 1, ctx, p.text);
      return {
        state: next
          ? replaceTop(withoutPrompt, next)
          : { ...replaceTop(withoutPrompt, withTerm), message: { text: `"${p.text}" not found`, tone: 'warning' } },
      };
    }
    const r = parseColon(p.text, env.nodes);
    switch (r.kind) {
      case 'route':
        return { state: push(withoutPrompt, r.route, env) };
      case 'line':
        if (!inViewer(e, ctx))
          return {
            state: {
              ...withoutPrompt,
              message: { text: `:${r.line} jumps to a line in the file viewer; open a file first`, tone: 'warning' },
            },
          };
        return { state: replaceTop(withoutPrompt, moveLine({ ...e, lineTop: 0 }, r.line, ctx)) };
      case 'quit':
        return { state: withoutPrompt, effect: { kind: 'quit' } };
      case 'write':
        return { state: withoutPrompt, effect: writeEffect(e) };
      case 'error':
        return { state: { ...withoutPrompt, message: { text: r.message, tone: 'warning' } } };
    }
  }
  if (
    key.ctrl ||
    key.meta ||
    key.tab ||
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.pageUp ||
    key.pageDown
  )
    return { state: s };
  const printable = input.replace(/[\u0000-\u001f\u007f]/g, '');
  return printable ? { state: setText(p.text + printable) } : { state: s };
}

/** `p` on the Trace screen: a new port/protocol re-runs the trace (or carries into the pick) */
function setPort(s: UiState, e: Entry, text: string): UiState {
  if (e.route.screen !== 'trace') return s;
  const pp = parsePortProto(text);
  if (!pp)
    return {
      ...s,
      message: {
        text: `"${text}" is not a port/protocol: try 53, 53/udp, udp or icmp (empty clears)`,
        tone: 'warning',
      },
    };
  const { port: _p, proto: _q, ...rest } = e.route;
  const route: TraceRoute = { ...rest, ...pp };
  return replaceTop(s, { ...e, route, ...(isTracePicker(route) ? {} : { cursor: 0, top: 0 }) });
}
