// Entry point for `netsnap analyze` on a TTY. The caller injects the loader so this file knows
// nothing about tarballs or rules. The terminal is always restored: on q, Ctrl-C, SIGTERM and
// errors the alternate screen is left and the cursor shown, then the fix file is named (or
// written) by place. Exit codes (docs/tui.md "Leaving"): 0 after q, :q or Ctrl-C, whatever was
// found (--fail-on is for the printed formats); 1 when the UI stopped on an error; 128+n after
// SIGTERM/SIGHUP.
import './production-env.js'; // first: before Ink loads React (this file must stay free of JSX)
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { render } from 'ink';
import { createElement } from 'react';
import type { ReadProgress } from '../analyzer/bundle/types.js';
import { Root } from './components/Root.js';
import { PaletteContext } from './components/palette-context.js';
import { paletteFor } from './theme.js';
import { plainOverview } from './text-report.js';
import { buildModel, type TuiLoadResult, type UiModel } from './view-models/model.js';
import { fixFile as fixFileText, fixGroups, fixedFindings, placesLine } from './view-models/fixes.js';
import { inertLine } from '../analyzer/text/inert.js';

export type { TuiLoadResult } from './view-models/model.js';

export interface StartOptions {
  /** `signal` aborts when the user quits while loading; a loader that ignores it is left behind (see below) */
  load: (onProgress: (p: ReadProgress) => void, signal: AbortSignal) => Promise<TuiLoadResult>;
  title?: string;
  /** where `w` and quitting write fix commands; default $NETSNAP_FIX_FILE, else ./netsnap-fix.md */
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

  const fixFile = opts.fixFile ?? process.env['NETSNAP_FIX_FILE'] ?? 'netsnap-fix.md';
  let model: UiModel | undefined;
  let restored = false;
  /** the last fix file `w` wrote this session: quitting then names it instead of overwriting it */
  let written: string | undefined;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(SHOW_CURSOR + ALT_SCREEN_OFF);
  };
  const writeFixes = (m: UiModel, findings?: readonly number[]): { ok: boolean; text: string; md: string } => {
    const groups = fixGroups(m, findings);
    if (!groups.length) return { ok: false, text: 'no fix commands for this', md: '' };
    const md = fixFileText(m, groups);
    try {
      writeFileSync(fixFile, md, { mode: 0o644 });
      const n = fixedFindings(groups);
      return {
        ok: true,
        // the file first: the footer is one line and cuts the end at 80 columns
        text: `wrote ${fixFile}: fixes for ${n} finding${n > 1 ? 's' : ''} by place (${placesLine(groups)}); review before running`,
        md,
      };
    } catch (err) {
      return {
        ok: false,
        text: `could not write ${fixFile}: ${err instanceof Error ? err.message : String(err)}; set NETSNAP_FIX_FILE=PATH or start netsnap in a writable directory`,
        md,
      };
    }
  };
  const onWriteFix = (findings?: readonly number[]): string => {
    if (!model) return 'nothing loaded yet';
    const r = writeFixes(model, findings);
    if (r.ok) written = r.text;
    return r.text;
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
  let code = 0;
  const onTerm = () => {
    code = 143;
    app.unmount();
  };
  const onHup = () => {
    code = 129;
    app.unmount();
  };
  process.once('SIGTERM', onTerm);
  process.once('SIGHUP', onHup);
  let failure: string | undefined;
  try {
    await app.waitUntilExit();
  } catch (err) {
    code = 1;
    failure = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    app.cleanup();
    restore();
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
    process.off('exit', restore);
  }
  if (failure) process.stderr.write(`netsnap: the terminal UI stopped on an error (please report it):\n${failure}\n`);
  if (model) {
    // say where the fixes are; never print them as one script to paste (they run in different places)
    // on exit the full path: the terminal is the shell's again and the user goes looking for it
    const full = (text: string) => text.replace(`wrote ${fixFile}:`, `wrote ${resolve(fixFile)}:`);
    if (written) process.stderr.write(`netsnap: ${inertLine(full(written))}\n`);
    else {
      const r = writeFixes(model);
      if (r.ok) process.stderr.write(`netsnap: ${inertLine(full(r.text))}\n`);
      else if (r.md) {
        process.stderr.write(`netsnap: ${inertLine(r.text)}\nnetsnap: the fix file follows on stdout\n`);
        stdout.write(r.md);
      }
    }
  }
  if (loading && !model) {
    process.stderr.write('netsnap: quit while loading; nothing was analyzed\n');
    // a loader still streaming a big tarball keeps Node alive for minutes after the user asked to
    // quit; on the real terminal end the process now (tests pass their own streams and keep it)
    if (!opts.stdout) process.exit(code);
  }
  return code;
}
