// The findings list, virtualized: only rows [top, top + height) become elements, so thousands
// of findings scroll as fast as ten. Rows are memoised and drawn as a few text nodes each
// (SpanLine), so a keypress re-measures short glyph runs, not every row's full width.
import { Box, Text } from 'ink';
import { STATUS_GLYPH, SEVERITY_GLYPH } from '../theme.js';
import type { FindingRow } from '../view-models/findings.js';
import type { ListWindow } from '../view-models/list-window.js';
import { padEnd, truncate } from '../view-models/text.js';
import { memo, useMemo } from 'react';
import type { Palette } from '../theme.js';
import { usePalette } from './palette-context.js';
import { SpanLine } from './SpanLine.js';
import type { Span } from './text-runs.js';

export interface FindingsListProps extends ListWindow<FindingRow> {
  readonly width: number;
  /** unexplained symptoms among the roots: the ◇ legend shows only when there are some */
  readonly unexplained?: number;
}

interface RowProps {
  readonly row: FindingRow;
  readonly selected: boolean;
  readonly palette: Palette;
  readonly cols: Columns;
  readonly width: number;
}

/** column widths for a terminal `width` wide; the message always gets at least ~40% of a row */
export interface Columns {
  readonly layer: number;
  readonly subject: number;
  readonly message: number;
}

const FIXED = 2 + 7 + 2 + 5 + 9; // cursor, status, root mark, severity, rule id

export function columnsFor(width: number): Columns {
  // below 100 columns the layer column goes (the rule id's prefix says it: DNS-, SVC-, NET-, SYS-)
  const layer = width >= 100 ? 8 : 0;
  const rest = Math.max(20, width - FIXED - layer - 1);
  const subject = Math.min(40, Math.max(12, Math.floor(rest * 0.4)));
  return { layer, subject, message: Math.max(8, rest - subject - 1) };
}

function RowView({ row: r, selected, palette, cols, width }: RowProps) {
  const st = STATUS_GLYPH[r.status];
  const sev = SEVERITY_GLYPH[r.severity];
  const spans: Span[] = [
    { text: selected ? '› ' : '  ' },
    { text: padEnd(`${st.icon} ${st.label}`, 7), color: palette.color(st.tone), bold: r.status === 'fail' },
    // ◇: a root that is a symptom nothing explains (a probe failure), not a cause
    { text: r.unexplained ? '◇ ' : r.isRoot ? '◆ ' : '  ', bold: true },
    { text: padEnd(sev.label, 5), color: palette.color(sev.tone) },
    { text: padEnd(r.ruleId, 9), bold: true },
    ...(cols.layer ? [{ text: padEnd(r.layer, cols.layer), dim: true }] : []),
    { text: padEnd(r.subject, cols.subject + 1) },
    { text: ` ${truncate(r.message, cols.message)}` },
  ];
  return (
    <Box>
      <SpanLine spans={spans} width={width} inverse={selected} />
    </Box>
  );
}

/** memo: rows are cached per filter, so a cursor move redraws the two rows whose selection changed */
const Row = memo(RowView);

export function FindingsList({ rows, total, filter, cursor, top, height, width, unexplained = 0 }: FindingsListProps) {
  const palette = usePalette();
  // one object per width: a fresh one each render would defeat Row's memo and redraw every row
  const cols = useMemo(() => columnsFor(width), [width]);
  const shown = rows.slice(top, top + height);
  const position = rows.length ? `${Math.min(cursor + 1, rows.length)}/${rows.length}` : '0/0';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{`Findings ${position}`}</Text>
        <Text dimColor>
          {rows.length === total ? '  (all)' : `  of ${total}`}
          {'  ◆ = root cause'}
          {unexplained > 0 ? '  ◇ = unexplained symptom (is:unexplained)' : ''}
        </Text>
        {filter ? (
          <Text color={palette.color('accent')}>{`  filter: ${filter}`}</Text>
        ) : (
          <Text dimColor>{'  / filter · l layer · s severity · o node · x clear'}</Text>
        )}
      </Text>
      <Text
        dimColor
        wrap="truncate-end"
      >{`  ${padEnd('STATUS', 7)}${padEnd('', 2)}${padEnd('SEV', 5)}${padEnd('RULE', 9)}${cols.layer ? padEnd('LAYER', cols.layer) : ''}${padEnd('SUBJECT', cols.subject + 1)} MESSAGE`}</Text>
      <Box flexDirection="column" height={height}>
        {shown.length === 0 ? <Text dimColor>{'  no finding matches the filter (x clears it)'}</Text> : null}
        {shown.map((r, i) => (
          <Row key={r.index} row={r} selected={top + i === cursor} palette={palette} cols={cols} width={width} />
        ))}
      </Box>
    </Box>
  );
}
