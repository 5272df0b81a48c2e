// One styled line drawn as a few Ink text nodes side by side (see text-runs.ts for why); the
// caller puts them in a row <Box>. A line wider than its room is drawn as one truncating node
// instead, as before the split: side-by-side nodes would each be shrunk by the layout rather
// than cut once at the end.
import { Text } from 'ink';
import { inertLine } from '../../analyzer/text/inert.js';
import { isPrintableAscii } from '../view-models/text.js';
import { spansWidth, textRuns, type Span } from './text-runs.js';

export interface SpanLineProps {
  readonly spans: readonly Span[];
  /** cells the line may take */
  readonly width: number;
  /** the whole line inverse (the selected row) */
  readonly inverse?: boolean;
}

const piece = (s: Span, i: number) => (
  <Text
    key={i}
    {...(s.color !== undefined ? { color: s.color } : {})}
    bold={s.bold ?? false}
    dimColor={s.dim ?? false}
    inverse={s.inverse ?? false}
  >
    {s.text}
  </Text>
);

/** a span that is not plain ASCII may carry bundle text: drawn through the terminal sink (issue 19) */
const inertSpan = (s: Span): Span => (isPrintableAscii(s.text) ? s : { ...s, text: inertLine(s.text) });

export function SpanLine({ spans: given, width, inverse = false }: SpanLineProps) {
  const spans = given.map(inertSpan);
  if (spansWidth(spans) > width) {
    return (
      <Text wrap="truncate-end" inverse={inverse}>
        {spans.map(piece)}
      </Text>
    );
  }
  return (
    <>
      {textRuns(spans).map((run, i) => (
        <Text key={i} wrap="truncate-end" inverse={inverse}>
          {run.map(piece)}
        </Text>
      ))}
    </>
  );
}
