// Progress while bundles stream in, so a large bundle never looks frozen; on failure the error
// stays on screen together with what had been read.
import { Box, Text } from 'ink';
import type { ReadProgress } from '../../analyzer/bundle/types.js';
import { humanSize } from '../view-models/evidence.js';
import { truncate, wrap } from '../view-models/text.js';
import { STATUS_GLYPH } from '../theme.js';
import { usePalette } from './palette-context.js';

export interface LoadingScreenProps {
  readonly progress: readonly ReadProgress[];
  /** how many progress events so far: turns the spinner */
  readonly ticks: number;
  readonly error?: string;
  readonly width: number;
}

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function LoadingScreen({ progress, ticks, error, width }: LoadingScreenProps) {
  const palette = usePalette();
  const g = STATUS_GLYPH.fail;
  return (
    <Box flexDirection="column">
      <Text bold>
        {error ? `${g.icon} ${g.label}: loading stopped` : `${SPIN[ticks % SPIN.length]} Loading bundles…`}
      </Text>
      {progress.length === 0 ? <Text dimColor>{'  opening…'}</Text> : null}
      {progress.map((p) => (
        <Box key={p.bundlePath} flexDirection="column">
          <Text wrap="truncate-end">{truncate(`  ${p.bundlePath}`, width)}</Text>
          <Text wrap="truncate-end" dimColor>
            {truncate(
              `    ${humanSize(p.bytesRead)} read, ${p.entriesRead} entries${p.currentFile ? `, now ${p.currentFile}` : ''}`,
              width,
            )}
          </Text>
        </Box>
      ))}
      {error ? (
        <Box flexDirection="column" marginTop={1}>
          {wrap(error, width - 2).map((l, i) => (
            <Text key={i} color={palette.color('danger')}>{`  ${l}`}</Text>
          ))}
          <Text dimColor>{'  what is listed above was read before the error · q quits'}</Text>
        </Box>
      ) : (
        <Text dimColor>{'  q quits at any time'}</Text>
      )}
    </Box>
  );
}
