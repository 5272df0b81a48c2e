// The Trace screen's source/destination picker, virtualized like the findings list: only rows
// [top, top + height) become elements, so a cluster's 150,000 pods scroll and filter as fast as ten.
import { Box, Text } from 'ink';
import type { ListWindow } from '../view-models/list-window.js';
import type { PickKind, PickRow } from '../view-models/trace-picks.js';
import { padEnd, truncate } from '../view-models/text.js';
import type { Tone } from '../theme.js';
import { usePalette } from './palette-context.js';

export interface PickerListProps extends ListWindow<PickRow> {
  readonly title: string;
  readonly width: number;
}

const KIND_TONE: Readonly<Record<PickKind, Tone>> = { service: 'accent', pod: 'info', node: 'ok', address: 'match' };

export function PickerList({ title, rows, total, filter, cursor, top, height, width }: PickerListProps) {
  const palette = usePalette();
  const nameWidth = Math.max(20, Math.min(48, Math.floor((width - 12) * 0.55)));
  const shown = rows.slice(top, top + height);
  const position = rows.length ? `${Math.min(cursor + 1, rows.length)}/${rows.length}` : '0/0';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>{`${title} ${position}`}</Text>
        {filter ? (
          <Text color={palette.color('accent')}>{`  filter: "${filter}"`}</Text>
        ) : (
          <Text dimColor>{`  of ${total} · / filter or type an IP · p port`}</Text>
        )}
      </Text>
      <Text dimColor wrap="truncate-end">{`  ${padEnd('KIND', 9)}${padEnd('NAME', nameWidth + 1)}ADDRESS`}</Text>
      <Box flexDirection="column" height={height}>
        {shown.length === 0 ? <Text dimColor>{'  nothing matches (esc on the filter restores the list)'}</Text> : null}
        {shown.map((r, i) => {
          const selected = top + i === cursor;
          return (
            <Text key={`${top + i}:${r.label}`} wrap="truncate-end" inverse={selected}>
              <Text>{selected ? '› ' : '  '}</Text>
              <Text color={palette.color(KIND_TONE[r.kind])}>{padEnd(r.kind, 9)}</Text>
              <Text bold>{padEnd(r.label, nameWidth + 1)}</Text>
              <Text dimColor={!selected}>{truncate(r.detail, Math.max(0, width - 2 - 9 - nameWidth - 1))}</Text>
            </Text>
          );
        })}
      </Box>
    </Box>
  );
}
