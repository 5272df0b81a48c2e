// Draws the visible window of a doc; the selected item's line gets a › marker and inverse video.
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Doc, Line } from '../view-models/doc.js';
import { Segments } from './Segments.js';

export interface DocViewProps {
  readonly doc: Doc;
  readonly cursorLine: number;
  readonly top: number;
  readonly height: number;
  /** terminal columns; a line may take all but the 2 of the › marker */
  readonly width: number;
}

interface DocLineProps {
  readonly line: Line;
  readonly selected: boolean;
  /** set on the last visible line when lines follow: it shows how many instead */
  readonly more?: number;
  readonly width: number;
}

function DocLineView({ line, selected, more, width }: DocLineProps) {
  return (
    <Box>
      <Text>{selected ? '› ' : '  '}</Text>
      {more !== undefined ? (
        <Text dimColor>{`↓ ${more} more lines`}</Text>
      ) : (
        <Segments line={line} selected={selected} width={width - 2} />
      )}
    </Box>
  );
}

/** memo: doc lines are built once per doc, so a cursor move redraws the two lines it touches */
const DocLine = memo(DocLineView);

export function DocView({ doc, cursorLine, top, height, width }: DocViewProps) {
  const visible = doc.lines.slice(top, top + height);
  const more = doc.lines.length - (top + visible.length);
  return (
    <Box flexDirection="column" height={height}>
      {visible.map((line, i) => {
        const n = top + i;
        const selected = n === cursorLine;
        const last = i === visible.length - 1 && more > 0 && !selected;
        return <DocLine key={n} line={line} selected={selected} width={width} {...(last ? { more } : {})} />;
      })}
    </Box>
  );
}
