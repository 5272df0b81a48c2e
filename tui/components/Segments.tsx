// One pre-cut line of segments; a selected line is drawn inverse (visible without colour).
import { Text } from 'ink';
import type { Line } from '../view-models/doc.js';
import { usePalette } from './palette-context.js';

export function Segments({ line, selected = false }: { line: Line; selected?: boolean }) {
  const palette = usePalette();
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {line.map((s, i) => (
        <Text key={i} color={palette.color(s.tone)} bold={s.bold ?? false} dimColor={s.dim ?? false} inverse={s.mark && !selected}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
