// The bottom line: the prompt being typed, else the last message, else the keys of this screen.
import { Text } from 'ink';
import type { Tone } from '../theme.js';
import { truncate } from '../view-models/text.js';
import { usePalette } from './palette-context.js';

export interface FooterProps {
  readonly prompt?: { readonly kind: 'filter' | 'search' | 'command'; readonly text: string };
  readonly message?: { readonly text: string; readonly tone: Tone };
  readonly hints: string;
  readonly width: number;
}

const PROMPT_CHAR = { filter: '/', search: '/', command: ':' } as const;
const PROMPT_HELP = { filter: 'filter (layer:dns sev:critical node:NAME text) · enter keep · esc cancel', search: 'search · enter find · n/N next/prev', command: 'overview · findings · node NAME · evidence · LINE · write · help · q' } as const;

export function Footer({ prompt, message, hints, width }: FooterProps) {
  const palette = usePalette();
  if (prompt) {
    const head = `${PROMPT_CHAR[prompt.kind]}${prompt.text}█`;
    return (
      <Text wrap="truncate-end">
        <Text bold>{head}</Text>
        <Text dimColor>{truncate(`   ${PROMPT_HELP[prompt.kind]}`, Math.max(0, width - head.length))}</Text>
      </Text>
    );
  }
  if (message) return <Text color={palette.color(message.tone)} wrap="truncate-end">{truncate(message.text, width)}</Text>;
  return <Text dimColor wrap="truncate-end">{truncate(hints, width)}</Text>;
}
