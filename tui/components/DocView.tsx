// Draws the visible window of a doc; the selected item's line gets a › marker and inverse video.
import { Box, Text } from 'ink';
import type { Doc } from '../view-models/doc.js';
import { Segments } from './Segments.js';

export interface DocViewProps {
  readonly doc: Doc;
  readonly cursorLine: number;
  readonly top: number;
  readonly height: number;
}

export function DocView({ doc, cursorLine, top, height }: DocViewProps) {
  const visible = doc.lines.slice(top, top + height);
  const more = doc.lines.length - (top + visible.length);
  return (
    <Box flexDirection="column" height={height}>
      {visible.map((line, i) => {
        const n = top + i;
        const selected = n === cursorLine;
        const last = i === visible.length - 1 && more > 0 && !selected;
        return (
          <Box key={n}>
            <Text>{selected ? '› ' : '  '}</Text>
            {last ? <Text dimColor>{`↓ ${more} more lines`}</Text> : <Segments line={line} selected={selected} />}
          </Box>
        );
      })}
    </Box>
  );
}
