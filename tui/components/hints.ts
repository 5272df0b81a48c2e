// The footer's key hints per screen, built from the key map's labels so they cannot drift.
import { keyLabel, type Command } from '../keymap.js';
import type { ScreenName } from '../state/route.js';

const HINTS: Readonly<Record<ScreenName, readonly [Command, string][]>> = {
  overview: [['open', 'open'], ['filter', 'filter'], ['command', 'jump'], ['evidence.open', 'evidence'], ['fix.write', 'write fixes'], ['help', 'help'], ['quit', 'quit']],
  findings: [['open', 'open'], ['filter', 'filter'], ['filter.layer', 'layer'], ['filter.severity', 'sev'], ['filter.node', 'node'], ['filter.clear', 'clear'], ['back', 'back']],
  detail: [['open', 'open'], ['pane.next', 'section'], ['evidence.open', 'evidence'], ['fix.write', 'write fix'], ['back', 'back'], ['help', 'help']],
  evidence: [['open', 'open'], ['pane.next', 'pane'], ['filter', 'search'], ['match.next', 'next'], ['command', 'line: :N'], ['back', 'back']],
  help: [['back', 'back'], ['quit', 'quit']],
};

export function hintsFor(screen: ScreenName): string {
  return HINTS[screen].map(([c, what]) => `${keyLabel(c)} ${what}`).join(' · ');
}
