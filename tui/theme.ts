// The one semantic palette: status and severity map to an icon, a label and a tone; tones map
// to colours. Meaning is always carried by icon + label too, so NO_COLOR loses nothing.
import type { Severity, Status } from '../analyzer/rules/types.js';
import type { Fate } from '../analyzer/trace/types.js';

export type Tone = 'danger' | 'warning' | 'ok' | 'muted' | 'info' | 'accent' | 'match';

export interface Glyph {
  readonly icon: string;
  readonly label: string;
  readonly tone: Tone;
}

export const STATUS_GLYPH: Readonly<Record<Status, Glyph>> = {
  fail: { icon: '✗', label: 'FAIL', tone: 'danger' },
  warn: { icon: '!', label: 'WARN', tone: 'warning' },
  unknown: { icon: '?', label: 'UNKN', tone: 'muted' },
  pass: { icon: '✓', label: 'PASS', tone: 'ok' },
};

export const SEVERITY_GLYPH: Readonly<Record<Severity, Glyph>> = {
  critical: { icon: '▲', label: 'CRIT', tone: 'danger' },
  warning: { icon: '△', label: 'WARN', tone: 'warning' },
  info: { icon: '·', label: 'INFO', tone: 'info' },
};

/** how a traced packet ends; a forwarded packet with a warning note is drawn with WARN_FORWARD */
export const FATE_GLYPH: Readonly<Record<Fate['kind'], Glyph>> = {
  'delivered-local': { icon: '✓', label: 'DELIVERED', tone: 'ok' },
  'delivered-pod': { icon: '✓', label: 'DELIVERED', tone: 'ok' },
  forwarded: { icon: '→', label: 'FORWARDED', tone: 'ok' },
  rejected: { icon: '✗', label: 'REJECTED', tone: 'danger' },
  dropped: { icon: '✗', label: 'DROPPED', tone: 'danger' },
  'no-route': { icon: '✗', label: 'NO ROUTE', tone: 'danger' },
  undetermined: { icon: '?', label: 'UNDETERMINED', tone: 'warning' },
};
export const WARN_FORWARD: Glyph = { icon: '!', label: 'FORWARDED', tone: 'warning' };

/** worst first: used to pick a layer's status and to sort */
export const STATUS_RANK: Readonly<Record<Status, number>> = { fail: 0, warn: 1, unknown: 2, pass: 3 };
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

const TONE_COLOR: Readonly<Record<Tone, string>> = {
  danger: 'red',
  warning: 'yellow',
  ok: 'green',
  muted: 'gray',
  info: 'cyan',
  accent: 'blue',
  match: 'magenta',
};

export interface Palette {
  readonly colors: boolean;
  color(tone: Tone | undefined): string | undefined;
}

/** NO_COLOR (any non-empty value, see no-color.org) switches colour off; icons and labels stay. */
export function paletteFor(env: Readonly<Record<string, string | undefined>>): Palette {
  const colors = !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
  return { colors, color: (tone) => (colors && tone ? TONE_COLOR[tone] : undefined) };
}
