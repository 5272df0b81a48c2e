// The bottom line: the prompt being typed, else the last message, else the keys of this screen.
import { Text } from 'ink';
import { memo } from 'react';
import type { PromptKind } from '../state/ui.js';
import type { Tone } from '../theme.js';
import { truncate } from '../view-models/text.js';
import { usePalette } from './palette-context.js';

export interface FooterProps {
  readonly prompt?: { readonly kind: PromptKind; readonly text: string };
  readonly message?: { readonly text: string; readonly tone: Tone };
  readonly hints: string;
  readonly width: number;
}

const PROMPT_CHAR: Readonly<Record<PromptKind, string>> = {
  filter: '/',
  pick: '/',
  search: '/',
  command: ':',
  port: 'port/proto: ',
};
const PROMPT_HELP: Readonly<Record<PromptKind, string>> = {
  filter: 'filter (layer:dns sev:critical node:NAME is:unexplained text) · enter keep · esc cancel',
  pick: 'filter by name, namespace, IP or node; or type an IP[:port] · enter keep · esc cancel',
  search: 'search · enter find · n/N next/prev',
  command: 'overview · findings · node NAME · evidence · trace · LINE · write · help · q',
  port: '53, 53/udp, udp, icmp; empty clears · enter apply · esc cancel',
};

function FooterView({ prompt, message, hints, width }: FooterProps) {
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
  if (message)
    return (
      <Text color={palette.color(message.tone)} wrap="truncate-end">
        {truncate(message.text, width)}
      </Text>
    );
  return (
    <Text dimColor wrap="truncate-end">
      {truncate(hints, width)}
    </Text>
  );
}

/** memo: most keys move a cursor and leave the footer as it was */
export const Footer = memo(FooterView);
