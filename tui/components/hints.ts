// The footer's key hints per screen, built from the key map's labels so they cannot drift.
import { keyLabel, type Command } from '../keymap.js';
import type { ScreenName } from '../state/route.js';

/** the Trace screen's pickers are lists, its result is a doc: they get different hints */
export type HintScreen = ScreenName | 'trace.pick';

const HINTS: Readonly<Record<HintScreen, readonly [Command, string][]>> = {
  overview: [
    ['open', 'open'],
    ['filter', 'filter'],
    ['trace.open', 'trace'],
    ['command', 'jump'],
    ['evidence.open', 'evidence'],
    ['fix.write', 'write fixes'],
    ['help', 'help'],
    ['quit', 'quit'],
  ],
  findings: [
    ['open', 'open'],
    ['filter', 'filter'],
    ['filter.layer', 'layer'],
    ['filter.severity', 'sev'],
    ['filter.node', 'node'],
    ['filter.clear', 'clear'],
    ['trace.open', 'trace'],
    ['back', 'back'],
  ],
  detail: [
    ['open', 'open'],
    ['pane.next', 'section'],
    ['evidence.open', 'evidence'],
    ['fix.write', 'write fix'],
    ['back', 'back'],
    ['help', 'help'],
  ],
  evidence: [
    ['open', 'open'],
    ['pane.next', 'pane'],
    ['filter', 'search'],
    ['match.next', 'next'],
    ['command', 'line: :N'],
    ['back', 'back'],
  ],
  help: [
    ['back', 'back'],
    ['quit', 'quit'],
  ],
  'trace.pick': [
    ['open', 'pick'],
    ['filter', 'filter / type an IP'],
    ['trace.port', 'port/proto'],
    ['back', 'back'],
    ['help', 'help'],
  ],
  trace: [
    ['open', 'open rule'],
    ['filter', 'filter'],
    ['trace.port', 'port'],
    ['pane.next', 'branch'],
    ['match.next', 'decider'],
    ['back', 'back'],
  ],
};

export function hintsFor(screen: HintScreen): string {
  return HINTS[screen].map(([c, what]) => `${keyLabel(c)} ${what}`).join(' · ');
}

/** every screen the footer knows: docs/tui.md must describe each (test/tui/docs.test.ts) */
export const HINT_SCREENS = Object.keys(HINTS) as HintScreen[];
