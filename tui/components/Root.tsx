// Loading, then the app. Loading never blocks input: q quits while bundles still stream in.
import { useApp, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { ReadProgress } from '../../analyzer/bundle/types.js';
import { buildModel, type TuiLoadResult, type UiModel } from '../view-models/model.js';
import type { Size } from '../state/screens.js';
import { App, type AppProps } from './App.js';
import { LoadingScreen } from './LoadingScreen.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface RootProps {
  /** the signal aborts when the user quits before loading finished; loaders that can stop should */
  readonly load: (onProgress: (p: ReadProgress) => void, signal: AbortSignal) => Promise<TuiLoadResult>;
  readonly title: string;
  readonly size?: Size;
  readonly onLoaded?: (m: UiModel) => void;
  readonly onWriteFix?: AppProps['onWriteFix'];
  /** progress redraws at most this often (ms); 0 redraws on every event (tests) */
  readonly progressInterval?: number;
}

type Phase = { kind: 'loading' } | { kind: 'ready'; model: UiModel } | { kind: 'failed'; error: string };

export function Root({ load, title, size: fixedSize, onLoaded, onWriteFix, progressInterval = 50 }: RootProps) {
  const { exit } = useApp();
  const size = useTerminalSize(fixedSize);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [progress, setProgress] = useState<{ list: readonly ReadProgress[]; ticks: number }>({ list: [], ticks: 0 });
  const latest = useRef(new Map<string, ReadProgress>());
  const ticks = useRef(0);
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);

  useEffect(() => {
    let live = true;
    const abort = new AbortController();
    const flush = () => {
      timer.current = undefined;
      if (live) setProgress({ list: [...latest.current.values()], ticks: ticks.current });
    };
    const onProgress = (p: ReadProgress) => {
      latest.current.set(p.bundlePath, p);
      ticks.current++;
      // many events per second on a big bundle: coalesce them into one redraw per interval
      if (progressInterval === 0) flush();
      else timer.current ??= setTimeout(flush, progressInterval);
    };
    load(onProgress, abort.signal).then(
      (r) => {
        if (!live) return;
        const model = buildModel(r);
        onLoaded?.(model);
        setPhase({ kind: 'ready', model });
      },
      (err: unknown) => {
        if (!live) return;
        flush();
        setPhase({ kind: 'failed', error: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      live = false;
      abort.abort();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [load]);

  // always active, acting only until the App takes over: deactivating it would let Ink drop raw
  // mode and unref stdin between loading and the first App frame, and with React's production
  // build Node found its event loop empty right there and Ink unmounted on beforeExit
  useInput((input, key) => {
    if (phase.kind !== 'ready' && (input === 'q' || (key.ctrl && input === 'c'))) exit();
  });

  if (phase.kind === 'ready')
    return (
      <App
        model={phase.model}
        title={title}
        {...(fixedSize ? { size: fixedSize } : {})}
        {...(onWriteFix ? { onWriteFix } : {})}
      />
    );
  return (
    <LoadingScreen
      progress={progress.list}
      ticks={progress.ticks}
      {...(phase.kind === 'failed' ? { error: phase.error } : {})}
      width={size.columns}
    />
  );
}
