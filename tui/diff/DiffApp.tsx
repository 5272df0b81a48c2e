// The diff view (`netsnap diff BEFORE… -- AFTER…` on a terminal): what the fix changed, as a list
// of findings by category (fixed, still failing, new, changed status) with the source changes that
// explain the selected one, then the source changes by place. ↑/↓ (j/k) move, PgUp/PgDn page,
// tab switches between findings and source changes, q or esc leaves. Props in, frame out: the view
// model (analyzer/diff/view.ts) is built by the caller; every bundle string is made inert here.
import { Box, Text, useApp, useInput } from 'ink';
import { useState } from 'react';
import type { DiffView } from '../../analyzer/diff/view.js';
import { diffLines, type DiffLine } from './lines.js';

export interface DiffAppProps {
  readonly view: DiffView;
  readonly size: { readonly columns: number; readonly rows: number };
  /** called once when the user leaves */
  readonly onExit?: () => void;
}

const TONE: Readonly<Record<DiffLine['tone'], string | undefined>> = {
  heading: 'cyan',
  ok: 'green',
  danger: 'red',
  warning: 'yellow',
  muted: 'gray',
  plain: undefined,
};

export function DiffApp({ view, size, onExit }: DiffAppProps) {
  const { exit } = useApp();
  const [tab, setTab] = useState<'findings' | 'sources'>('findings');
  const [cursor, setCursor] = useState(0);
  const width = Math.max(20, size.columns);
  const lines = diffLines(view, tab, cursor, width);
  const selectable = lines.filter((l) => l.row !== undefined).length;
  const bodyRows = Math.max(3, size.rows - 3);
  const at = Math.max(
    0,
    lines.findIndex((l) => l.selected),
  );
  const top = Math.min(Math.max(0, at - Math.floor(bodyRows / 2)), Math.max(0, lines.length - bodyRows));

  useInput((input, key) => {
    if (input === 'q' || key.escape) {
      onExit?.();
      exit();
      return;
    }
    if (key.tab) {
      setTab((t) => (t === 'findings' ? 'sources' : 'findings'));
      setCursor(0);
      return;
    }
    const step = key.pageDown ? bodyRows : key.pageUp ? -bodyRows : key.downArrow || input === 'j' ? 1 : 0;
    const back = key.upArrow || input === 'k' ? -1 : 0;
    const move = step + back;
    if (move !== 0) setCursor((c) => Math.min(Math.max(0, c + move), Math.max(0, selectable - 1)));
  });

  const tabLine = `${tab === 'findings' ? '[findings]' : ' findings '} ${tab === 'sources' ? '[source changes]' : ' source changes '}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        {view.headline.slice(0, width * 2)}
      </Text>
      <Text color="gray" wrap="truncate-end">
        {tabLine} · ↑↓ move · tab switch · q quit
      </Text>
      {lines.slice(top, top + bodyRows).map((l, i) => (
        <Text key={top + i} color={TONE[l.tone]} inverse={l.selected} wrap="truncate-end">
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
