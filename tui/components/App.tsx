// The interactive app once data is loaded: keys -> named commands -> the pure store; the current
// screen is drawn from view-model props. Side effects (quit, writing fixes) happen only here.
import { Box, Text, useApp, useInput } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { commandFor } from '../keymap.js';
import { breadcrumb } from '../state/breadcrumb.js';
import type { Route } from '../state/route.js';
import { Screens, type Size } from '../state/screens.js';
import {
  applyCommand,
  applyPromptKey,
  current,
  initialState,
  isTracePicker,
  type Effect,
  type Result,
  type UiState,
} from '../state/ui.js';
import type { UiModel } from '../view-models/model.js';
import { DocView } from './DocView.js';
import { EvidenceBrowser } from './EvidenceBrowser.js';
import { FindingsList } from './FindingsList.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { platformSummary } from '../view-models/platform.js';
import { PickerList } from './PickerList.js';
import { hintsFor } from './hints.js';
import { useTerminalSize } from './use-terminal-size.js';
import { wrap } from '../view-models/text.js';

export interface AppProps {
  readonly model: UiModel;
  readonly title: string;
  /** fixed size for tests; otherwise the terminal's, following resizes */
  readonly size?: Size;
  readonly initialRoute?: Route;
  /** write fix commands (undefined = every root cause); returns the message to show */
  readonly onWriteFix?: (findings?: readonly number[]) => string;
}

/** the smallest terminal the screens fit: header 2 + body 5 + footer 1 */
export const MIN_SIZE = { columns: 40, rows: 8 } as const;

/** the notice below MIN_SIZE, wrapped to the width and shortened until it fits the rows */
export function tooSmallLines(columns: number, rows: number): string[] {
  const need = `${MIN_SIZE.columns}x${MIN_SIZE.rows}`;
  const texts = [
    `netsnap needs a terminal of at least ${need}; this one is ${columns}x${rows}. Make it larger, or press q to quit.`,
    `netsnap: ${columns}x${rows} is too small, need ${need}. q quits.`,
    `${columns}x${rows} < ${need}, q quits`,
    `need ${need}`,
  ];
  const room = Math.max(1, rows - 1);
  for (const t of texts) {
    const lines = wrap(t, Math.max(1, columns));
    if (lines.length <= room && lines.every((l) => !l.endsWith('…'))) return lines;
  }
  return wrap(texts.at(-1) ?? '', Math.max(1, columns)).slice(0, room);
}

function TooSmall({ columns, rows }: { columns: number; rows: number }) {
  return (
    <Box flexDirection="column">
      {tooSmallLines(columns, rows).map((l, i) => (
        <Text key={i}>{l}</Text>
      ))}
    </Box>
  );
}

export function App({ model, title, size: fixedSize, initialRoute, onWriteFix }: AppProps) {
  const { exit } = useApp();
  const size = useTerminalSize(fixedSize);
  const screens = useMemo(() => new Screens(model), [model]);
  const env = useMemo(() => screens.env(), [screens]);
  const [state, setState] = useState<UiState>(() => initialState(env, initialRoute));
  // input can arrive faster than React re-renders (pasted text, tmux send-keys): read the latest
  const latest = useRef(state);
  latest.current = state;

  const entry = current(state);
  // same labels, same array: lets the memoised Header skip a re-render on cursor moves
  const crumbKey = breadcrumb(state.stack, model).join('\u0000');
  const crumbs = useMemo(() => crumbKey.split('\u0000'), [crumbKey]);
  const { view } = screens.build(entry, size);

  const perform = (r: Result) => {
    latest.current = r.state;
    let next = r.state;
    const effect: Effect | undefined = r.effect;
    if (effect?.kind === 'quit') {
      exit();
      return;
    }
    if (effect?.kind === 'write') {
      const text = onWriteFix ? onWriteFix(effect.findings) : 'no fix file configured';
      next = { ...next, message: { text, tone: 'ok' } };
    }
    latest.current = next;
    setState(next);
  };

  const handle = (input: string, key: Parameters<typeof commandFor>[1]) => {
    const s = latest.current;
    const { ctx: c } = screens.build(current(s), size);
    if (s.prompt) return perform(applyPromptKey(s, input, key, c, env));
    const cmd = commandFor(input, key);
    if (cmd) perform(applyCommand(s, cmd, c, env));
  };
  useInput((input, key) => {
    // keys typed faster than a read (tmux send-keys, a held key) arrive as one string: "jjj"
    if (input.length > 1 && !key.ctrl && !key.meta) {
      for (const ch of input)
        handle(ch === '\r' || ch === '\n' ? '' : ch, ch === '\r' || ch === '\n' ? { return: true } : {});
      return;
    }
    handle(input, key);
  });

  const width = size.columns;
  if (size.rows < MIN_SIZE.rows || width < MIN_SIZE.columns) {
    // below this the chrome alone fills the screen and Ink would draw lines over each other
    return <TooSmall columns={width} rows={size.rows} />;
  }
  const causes = model.rootOrder.length - model.unexplained.size;
  const unexplained = model.unexplained.size ? ` · ${model.unexplained.size} unexplained` : '';
  const summary = `${model.snapshot.bundles.length} bundle${model.snapshot.bundles.length === 1 ? '' : 's'} · ${model.findings.length} findings · ${causes} root cause${causes === 1 ? '' : 's'}${unexplained} · ${platformSummary(model.snapshot.derived)}`;
  return (
    <Box flexDirection="column" width={width} height={size.rows - 1}>
      <Header title={title} summary={summary} crumbs={crumbs} width={width} />
      <Box flexDirection="column" flexGrow={1}>
        {view.kind === 'doc' ? (
          <DocView doc={view.doc} cursorLine={view.cursorLine} top={view.top} height={view.height} width={width} />
        ) : null}
        {view.kind === 'findings' ? <FindingsList {...view} width={width} /> : null}
        {view.kind === 'evidence' ? <EvidenceBrowser {...view} width={width} /> : null}
        {view.kind === 'picker' ? <PickerList {...view} width={width} /> : null}
      </Box>
      <Footer
        {...(state.prompt ? { prompt: state.prompt } : {})}
        {...(state.message ? { message: state.message } : {})}
        hints={hintsFor(isTracePicker(entry.route) ? 'trace.pick' : entry.route.screen)}
        width={width}
      />
    </Box>
  );
}
