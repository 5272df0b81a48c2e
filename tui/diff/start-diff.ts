// Entry point of the diff view for `netsnap diff` on a terminal: the alternate screen while it runs,
// the terminal restored after q, esc or Ctrl-C (exit 0: the exit code for "did the fix work" is for
// the printed formats, as in analyze's TUI; see docs/diff.md).
import '../production-env.js'; // first: before Ink loads React
import { render } from 'ink';
import { createElement } from 'react';
import type { DiffView } from '../../analyzer/diff/view.js';
import { DiffApp } from './DiffApp.js';

const ALT_SCREEN_ON = '\u001b[?1049h';
const ALT_SCREEN_OFF = '\u001b[?1049l';
const SHOW_CURSOR = '\u001b[?25h';

export async function startDiffTui(
  view: DiffView,
  io: { stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream } = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stdin = io.stdin ?? process.stdin;
  const size = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  stdout.write(ALT_SCREEN_ON);
  try {
    const app = render(createElement(DiffApp, { view, size }), { stdout, stdin, exitOnCtrlC: true });
    await app.waitUntilExit();
    return 0;
  } finally {
    stdout.write(ALT_SCREEN_OFF + SHOW_CURSOR);
  }
}
