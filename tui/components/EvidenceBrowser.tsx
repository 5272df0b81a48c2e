// The evidence browser: the bundle file tree per node beside a viewer with line numbers; cited
// lines are marked ▶ and inverse, search matches ≫. Both panes draw only their visible rows.
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { EvidenceView, TreeRow, ViewerLine } from '../view-models/evidence.js';
import { humanSize, viewerTextWidth } from '../view-models/evidence.js';
import { hardWrap, padEnd, truncate } from '../view-models/text.js';
import { usePalette } from './palette-context.js';

export interface EvidenceBrowserProps extends EvidenceView {
  readonly width: number;
}

function TreeView({
  tree,
  cursor,
  treeTop,
  height,
  width,
  focused,
}: {
  tree: readonly TreeRow[];
  cursor: number;
  treeTop: number;
  height: number;
  width: number;
  focused: boolean;
}) {
  const palette = usePalette();
  return (
    <Box flexDirection="column" width={width}>
      <Text bold inverse={focused} wrap="truncate-end">
        {padEnd(` Files${focused ? ' (tab: viewer)' : ''}`, width - 1)}
      </Text>
      {tree.slice(treeTop, treeTop + height).map((r, i) => {
        const selected = treeTop + i === cursor;
        const size = r.kind === 'file' ? humanSize(r.size) : '';
        const label = `${'  '.repeat(r.depth)}${r.kind === 'bundle' ? '▣ ' : ''}${r.label}`;
        return (
          <Text
            key={treeTop + i}
            wrap="truncate-end"
            inverse={selected && focused}
            bold={r.kind === 'bundle'}
            color={r.kind === 'dir' ? palette.color('accent') : undefined}
          >
            {selected ? '›' : ' '}
            {/* at least one space between a cut name and its size: `manifest.j… 13.5 KB` */}
            {padEnd(label, Math.max(1, width - 2 - size.length - 1))}
            <Text dimColor>{size ? ` ${size}` : ''}</Text>
          </Text>
        );
      })}
    </Box>
  );
}

/** memo: keys in the viewer leave the tree's props as they were, so it is not drawn again */
const Tree = memo(TreeView);

interface ViewerRowProps {
  readonly gutter: string;
  readonly text: string;
  readonly selected: boolean;
  readonly cited: boolean;
}

function ViewerRowView({ gutter, text, selected, cited }: ViewerRowProps) {
  return (
    <Text wrap="truncate-end" inverse={selected || cited}>
      <Text dimColor={!cited && !selected} bold={cited}>
        {gutter}
      </Text>
      {text}
    </Text>
  );
}

/** memo: a cursor move changes two rows' selection; the others keep their props */
const ViewerRow = memo(ViewerRowView);

function Viewer({
  title,
  lines,
  lineCount,
  line,
  search,
  height,
  width,
  focused,
}: {
  title?: string;
  lines: readonly ViewerLine[];
  lineCount: number;
  line: number;
  search: string;
  height: number;
  width: number;
  focused: boolean;
}) {
  const numWidth = String(Math.max(lineCount, 1)).length;
  const head = title
    ? `line ${line}/${lineCount}  ${title}${search ? `  /${search}` : ''}`
    : 'no file open: choose one and press enter';
  return (
    <Box flexDirection="column" width={width}>
      <Text bold inverse={focused} wrap="truncate-end">
        {padEnd(` ${head}`, width)}
      </Text>
      {viewerRows(lines, lineCount, width, height).map(({ l, text, first, key }) => {
        const selected = l.n === line;
        const gutter = first
          ? `${l.cited ? '▶' : l.match ? '≫' : ' '}${String(l.n).padStart(numWidth)} │ `
          : `${' '.repeat(numWidth + 1)} │ `;
        return <ViewerRow key={key} gutter={gutter} text={text} selected={selected} cited={!!l.cited} />;
      })}
      {title && lines.length === 0 ? <Text dimColor>{truncate('  (empty file)', width)}</Text> : null}
    </Box>
  );
}

/** the visible lines as screen rows: long lines wrap (continuation rows have no number), `height` rows at most */
function viewerRows(lines: readonly ViewerLine[], lineCount: number, width: number, height: number) {
  const textWidth = viewerTextWidth(width, lineCount);
  const rows: { l: ViewerLine; text: string; first: boolean; key: string }[] = [];
  for (const l of lines) {
    const parts = hardWrap(l.text, textWidth, height);
    if (parts.length === 0) parts.push('');
    parts.forEach((text, i) => rows.push({ l, text, first: i === 0, key: `${l.n}:${i}` }));
    if (rows.length >= height) break;
  }
  return rows.slice(0, height);
}

export function EvidenceBrowser(p: EvidenceBrowserProps) {
  const split = p.treeWidth < p.width;
  const showTree = split || p.pane === 0;
  const showViewer = split || p.pane === 1;
  const viewerWidth = split ? p.width - p.treeWidth - 1 : p.width;
  return (
    <Box flexDirection="row" height={p.height + 1}>
      {showTree ? (
        <Tree
          tree={p.tree}
          cursor={p.cursor}
          treeTop={p.treeTop}
          height={p.height}
          width={split ? p.treeWidth : p.width}
          focused={p.pane === 0}
        />
      ) : null}
      {split ? <Box width={1} /> : null}
      {showViewer ? (
        <Viewer
          {...(p.title ? { title: p.title } : {})}
          lines={p.lines}
          lineCount={p.lineCount}
          line={p.line}
          search={p.search}
          height={p.height}
          width={viewerWidth}
          focused={p.pane === 1}
        />
      ) : null}
    </Box>
  );
}
