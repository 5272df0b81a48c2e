// Entry point for `netsnap analyze` on a TTY. The caller injects the loader so this file knows
// nothing about tarballs or rules. The terminal is always restored: on q, Ctrl-C, SIGTERM and
// errors the alternate screen is left and the cursor shown, then fix commands are printed.
import './production-env.js'; // first: before Ink loads React (this file must stay free of JSX)
import { writeFileSync } from 'node:fs';
import { render } from 'ink';
import { createElement } from 'react';
import type { ReadProgress } from '../analyzer/bundle/types.js';
import { Root } from './components/Root.js';
import { PaletteContext } from './components/palette-context.js';
import { paletteFor } from './theme.js';
import { plainOverview } from './text-report.js';
import { buildModel, type TuiLoadResult, type UiModel } from './view-models/model.js';
import { fixScript, fixTargets } from './view-models/fixes.js';

export type { TuiLoadResult } from './view-models/model.js';

export interface StartOptions {
  /** `signal` aborts when the user quits while loading; a loader that ignores it is left behind (see below) */
  load: (onProgress: (p: ReadProgress) => void, signal: AbortSignal) => Promise<TuiLoadResult>;
  title?: string;
  /** where `w` writes fix commands; default $NETSNAP_FIX_FILE, else ./netsnap-fix.sh */
  fixFile?: string;
  /** non-TTY output; default: the overview as plain text */
  renderText?: (r: TuiLoadResult) => string;
  /** for tests and the demo: streams other than the process's */
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

const ALT_SCREEN_ON = '\u001b[?1049h';
const ALT_SCREEN_OFF = '\u001b[?1049l';
const SHOW_CURSOR = '\u001b[?25h';

export async function startTui(opts: StartOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  if (!stdout.isTTY || !stdin.isTTY) {
    try {
      const r = await opts.load(() => {}, new AbortController().signal);
      stdout.write(opts.renderText ? opts.renderText(r) : plainOverview(buildModel(r)));
      return 0;
    } catch (err) {
      process.stderr.write(`netsnap: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }

  const fixFile = opts.fixFile ?? process.env['NETSNAP_FIX_FILE'] ?? 'netsnap-fix.sh';
  let model: UiModel | undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(SHOW_CURSOR + ALT_SCREEN_OFF);
  };
  const onWriteFix = (findings?: readonly number[]): string => {
    if (!model) return 'nothing loaded yet';
    const targets = fixTargets(model, findings);
    if (!targets.length) return 'no fix commands for this';
    try {
      writeFileSync(fixFile, fixScript(model, targets), { mode: 0o644 });
      return `wrote fix commands for ${targets.length} finding${targets.length > 1 ? 's' : ''} to ${fixFile} (review before running)`;
    } catch (err) {
      return `could not write ${fixFile}: ${err instanceof Error ? err.message : String(err)}; set NETSNAP_FIX_FILE=PATH or start netsnap in a writable directory`;
    }
  };

  // whether the load is still running when the UI ends (q or Ctrl-C on the loading screen)
  let loading = true;
  const load: StartOptions['load'] = (onProgress, signal) => {
    const p = opts.load(onProgress, signal);
    p.then(
      () => (loading = false),
      () => (loading = false),
    );
    return p;
  };

  stdout.write(ALT_SCREEN_ON);
  process.once('exit', restore); // last resort if something below exits the process
  // createElement, not JSX: JSX would make TypeScript import react/jsx-runtime above
  // production-env.js, loading React's development build next to the production reconciler
  const root = createElement(Root, {
    load,
    title: opts.title ?? '',
    onLoaded: (m: UiModel) => (model = m),
    onWriteFix,
  });
  const app = render(
    createElement(PaletteContext.Provider, { value: paletteFor(process.env) }, root),
    // incremental rendering off: Ink 6 left a stale first line after a screen change (seen in tmux)
    { stdout, stdin, exitOnCtrlC: false, patchConsole: true, incrementalRendering: false },
  );
  const onSignal = () => app.unmount();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  let code = 0;
  let failure: string | undefined;
  try {
    await app.waitUntilExit();
  } catch (err) {
    code = 1;
    failure = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    app.cleanup();
    restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('exit', restore);
  }
  if (failure) process.stderr.write(`netsnap: the terminal UI stopped on an error (please report it):\n${failure}\n`);
  if (model) {
    const targets = fixTargets(model);
    if (targets.length) stdout.write(`\n${fixScript(model, targets)}`);
  }
  if (loading && !model) {
    process.stderr.write('netsnap: quit while loading; nothing was analyzed\n');
    // a loader still streaming a big tarball keeps Node alive for minutes after the user asked to
    // quit; on the real terminal end the process now (tests pass their own streams and keep it)
    if (!opts.stdout) process.exit(code);
  }
  return code;
}
