// The UI store without a terminal: keys -> commands -> new state, over the demo's screens.
import { describe, expect, it } from 'vitest';
import { demoLoadResult } from '../testing/demo-analysis.js';
import { buildModel } from '../view-models/model.js';
import { parseColon } from './colon.js';
import { Screens } from './screens.js';
import { applyCommand, applyPromptKey, current, initialState, type UiState } from './ui.js';
import type { Command, KeyState } from '../keymap.js';
import type { Route } from './route.js';

const demo = demoLoadResult();
const screens = new Screens(buildModel(demo));
const env = screens.env();
const SIZE = { columns: 80, rows: 24 };

const ctxOf = (s: UiState) => screens.build(current(s), SIZE).ctx;
const cmd = (s: UiState, c: Command) => applyCommand(s, c, ctxOf(s), env);
const key = (s: UiState, input: string, k: KeyState = {}) => applyPromptKey(s, input, k, ctxOf(s), env).state;
const type = (s: UiState, text: string) => [...text].reduce((st, ch) => key(st, ch), s);
const start = (route?: Route) => initialState(env, route);
const findingUnderCursor = (s: UiState) => ctxOf(s).findingAt?.(current(s).cursor);

describe('n/N without a search term', () => {
  it('on the overview visit root causes and chain links, wrapping both ways', () => {
    let s = start();
    const seen: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) {
      s = cmd(s, 'match.next').state;
      seen.push(findingUnderCursor(s));
    }
    expect(seen.slice(0, 5)).toEqual([
      demo.at['SYS-104'],
      demo.at['SYS-108'],
      demo.at['DNS-402'],
      demo.at['DNS-401'],
      demo.at['DNS-406'],
    ]);
    expect(seen[5]).toBe(demo.at['SYS-104']);
    s = cmd(s, 'match.prev').state;
    expect(findingUnderCursor(s)).toBe(demo.at['DNS-406']);
  });

  it('in the evidence browser ask for a search first', () => {
    const r = cmd(start({ screen: 'evidence' }), 'match.next');
    expect(r.state.message?.text).toMatch(/press \/ to search/);
  });
});

describe('findings filter prompt', () => {
  it('narrows while typing and esc restores the list', () => {
    let s = start({ screen: 'findings' });
    s = cmd(s, 'filter').state;
    s = type(s, 'multicast');
    expect(ctxOf(s).count).toBe(1);
    s = key(s, '', { escape: true });
    expect(s.prompt).toBeUndefined();
    expect(ctxOf(s).count).toBe(demo.analysis.findings.length);
  });
});

describe('trace', () => {
  it(':trace fills what is given', () => {
    expect(parseColon('trace web-1 kube-system/kube-dns:53 udp', [])).toEqual({
      kind: 'route',
      route: { screen: 'trace', from: 'web-1', to: 'kube-system/kube-dns', port: 53, proto: 'udp' },
    });
    expect(parseColon('trace', [])).toEqual({ kind: 'route', route: { screen: 'trace' } });
    expect(parseColon('trace a b ftp', []).kind).toBe('error');
  });

  it('t opens the source picker; / filters it; enter picks and pushes the destination step', () => {
    let s = cmd(start(), 'trace.open').state;
    expect(current(s).route).toEqual({ screen: 'trace' });
    s = cmd(s, 'filter').state;
    expect(s.prompt?.kind).toBe('pick');
    s = type(s, 'x7k2p');
    expect(ctxOf(s).count).toBe(1);
    s = key(s, '', { return: true });
    s = cmd(s, 'open').state;
    expect(current(s).route).toEqual({ screen: 'trace', from: 'kube-system/coredns-668d6bf9bc-x7k2p' });
    expect(s.stack).toHaveLength(3);
  });

  it('picking a Service port carries the port; a typed IP:port too', () => {
    let s = start({ screen: 'trace', from: 'web-1' });
    s = type(cmd(s, 'filter').state, '8.8.8.8:53');
    s = cmd(key(s, '', { return: true }), 'open').state;
    expect(current(s).route).toEqual({ screen: 'trace', from: 'web-1', to: '8.8.8.8', port: 53 });
  });

  it('p sets port and protocol on the result and starts at its top; nonsense is refused', () => {
    let s = start({ screen: 'trace', from: 'web-1', to: '8.8.8.8', port: 53 });
    s = cmd(s, 'nav.down').state;
    s = cmd(s, 'trace.port').state;
    expect(s.prompt).toMatchObject({ kind: 'port', text: '53' });
    s = key(type(s, '/udp'), '', { return: true });
    expect(current(s)).toMatchObject({
      route: { screen: 'trace', from: 'web-1', to: '8.8.8.8', port: 53, proto: 'udp' },
      cursor: 0,
    });
    s = key(type(cmd(s, 'trace.port').state, 'x'), '', { return: true });
    expect(s.message?.tone).toBe('warning');
    expect(current(s).route).toMatchObject({ proto: 'udp' });
    expect(cmd(start(), 'trace.port').state.message?.text).toMatch(/Trace screen/);
  });

  it('moving onto a branch keeps its fate lines in view', () => {
    let s = start({ screen: 'trace', from: 'web-1', to: 'kube-system/kube-dns', port: 53 });
    s = cmd(s, 'pane.next').state; // to branch 2
    const { view } = screens.build(current(s), SIZE);
    if (view.kind !== 'doc') throw new Error('the trace result is a doc');
    expect(view.cursorLine + 1).toBeLessThan(view.top + view.height - 1);
  });
});

describe('stack', () => {
  it('back pops to the previous screen and never past the first', () => {
    let s = cmd(start(), 'help').state;
    expect(s.stack).toHaveLength(2);
    s = cmd(s, 'back').state;
    s = cmd(s, 'back').state;
    expect(s.stack.map((e) => e.route.screen)).toEqual(['overview']);
  });
});
