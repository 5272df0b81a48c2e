// The findings list, virtualized: only rows [top, top + height) become elements, so thousands
// of findings scroll as fast as ten.
import { Box, Text } from 'ink';
import { STATUS_GLYPH, SEVERITY_GLYPH } from '../theme.js';
import type { FindingRow } from '../view-models/findings.js';
import { padEnd, truncate } from '../view-models/text.js';
import { usePalette } from './palette-context.js';

export interface FindingsListProps {
  readonly rows: readonly FindingRow[];
  readonly total: number;
  readonly filter: string;
  readonly cursor: number;
  readonly top: number;
  readonly height: number;
  readonly width: number;
}

export function FindingsList({ rows, total, filter, cursor, top, height, width }: FindingsListProps) {
  const palette = usePalette();
  const subjectWidth = width >= 120 ? 40 : width >= 100 ? 32 : 26;
  const msgWidth = Math.max(10, width - 2 - 7 - 2 - 5 - 9 - 8 - subjectWidth - 3);
  const shown = rows.slice(top, top + height);
  const position = rows.length ? `${Math.min(cursor + 1, rows.length)}/${rows.length}` : '0/0';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{`Findings ${position}`}</Text>
        <Text dimColor>{rows.length === total ? '  (all)' : `  of ${total}`}{'  ◆ = root cause'}</Text>
        {filter ? <Text color={palette.color('accent')}>{`  filter: ${filter}`}</Text> : <Text dimColor>{'  / filter · l layer · s severity · o node · x clear'}</Text>}
      </Text>
      <Text dimColor wrap="truncate-end">{`  ${padEnd('STATUS', 7)}${padEnd('', 2)}${padEnd('SEV', 5)}${padEnd('RULE', 9)}${padEnd('LAYER', 8)}${padEnd('SUBJECT', subjectWidth + 1)} MESSAGE`}</Text>
      <Box flexDirection="column" height={height}>
        {shown.length === 0 ? <Text dimColor>{'  no finding matches the filter (x clears it)'}</Text> : null}
        {shown.map((r, i) => {
          const selected = top + i === cursor;
          const st = STATUS_GLYPH[r.status];
          const sev = SEVERITY_GLYPH[r.severity];
          return (
            <Text key={r.index} wrap="truncate-end" inverse={selected}>
              <Text>{selected ? '› ' : '  '}</Text>
              <Text color={palette.color(st.tone)} bold={r.status === 'fail'}>{padEnd(`${st.icon} ${st.label}`, 7)}</Text>
              <Text bold>{r.isRoot ? '◆ ' : '  '}</Text>
              <Text color={palette.color(sev.tone)}>{padEnd(sev.label, 5)}</Text>
              <Text bold>{padEnd(r.ruleId, 9)}</Text>
              <Text dimColor>{padEnd(r.layer, 8)}</Text>
              <Text>{padEnd(r.subject, subjectWidth + 1)}</Text>
              <Text>{` ${truncate(r.message, msgWidth)}`}</Text>
            </Text>
          );
        })}
      </Box>
    </Box>
  );
}
