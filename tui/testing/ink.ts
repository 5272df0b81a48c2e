// Helpers for Ink component tests: named keys, ANSI stripped frames, and waiting for a frame
// that satisfies a condition instead of sleeping.
import { stripVTControlCharacters } from 'node:util';

export const KEY = {
  UP: '\u001B[A',
  DOWN: '\u001B[B',
  RIGHT: '\u001B[C',
  LEFT: '\u001B[D',
  PAGE_DOWN: '\u001B[6~',
  PAGE_UP: '\u001B[5~',
  ENTER: '\r',
  ESC: '\u001B',
  BACKSPACE: '\u007F',
  TAB: '\t',
  CTRL_C: '\u0003',
} as const;

export interface InkLike {
  lastFrame(): string | undefined;
  stdin: { write(data: string): void };
}

export const frameOf = (app: InkLike): string => stripVTControlCharacters(app.lastFrame() ?? '');

/** resolve with the first frame for which `ok` holds; fail with the last frame seen */
export async function waitForFrame(
  app: InkLike,
  ok: (frame: string) => boolean,
  what = 'the expected frame',
): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const f = frameOf(app);
    if (ok(f)) return f;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never saw ${what}; last frame:\n${frameOf(app)}`);
}

/** type keys one event at a time, letting Ink process each before the next */
export async function press(app: InkLike, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    app.stdin.write(k);
    // an ESC alone is flushed by Ink on the next tick; let input and the render settle
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  }
}
