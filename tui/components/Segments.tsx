// One pre-cut line of segments; a selected line is drawn inverse (visible without colour). The
// caller puts it in a row <Box>: it is drawn as a few text nodes (SpanLine).
import type { Line } from '../view-models/doc.js';
import { usePalette } from './palette-context.js';
import { SpanLine } from './SpanLine.js';
import type { Span } from './text-runs.js';

export function Segments({ line, selected = false, width }: { line: Line; selected?: boolean; width: number }) {
  const palette = usePalette();
  const spans = line.map((s): Span => ({
    text: s.text,
    color: palette.color(s.tone),
    bold: s.bold ?? false,
    dim: s.dim ?? false,
    inverse: (s.mark && !selected) ?? false,
  }));
  return <SpanLine spans={spans} width={width} inverse={selected} />;
}
