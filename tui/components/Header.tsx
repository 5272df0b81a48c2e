// Title, what was loaded, and the breadcrumb (the screen stack esc walks back through).
import { Box, Text } from 'ink';
import { memo } from 'react';
import { crumbLine } from '../state/breadcrumb.js';
import { padEnd } from '../view-models/text.js';
import { usePalette } from './palette-context.js';

export interface HeaderProps {
  readonly title: string;
  readonly summary: string;
  readonly crumbs: readonly string[];
  readonly width: number;
}

function HeaderView({ title, summary, crumbs, width }: HeaderProps) {
  const palette = usePalette();
  const right = '? help  q quit';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold color={palette.color('accent')}>
          {'netsnap '}
        </Text>
        <Text bold>{padEnd(`${title}  ${summary}`, Math.max(1, width - 8 - right.length - 1))}</Text>
        <Text dimColor>{` ${right}`}</Text>
      </Text>
      <Text wrap="truncate-end" dimColor>
        {crumbLine(crumbs, width)}
      </Text>
    </Box>
  );
}

/** memo: most keys move a cursor and leave the header as it was */
export const Header = memo(HeaderView);
