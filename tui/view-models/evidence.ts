// The evidence browser: a file tree per node and a viewer window. The viewer fetches only the
// visible line range from the FileIndex, and search scans in chunks only when asked.
import type { BundleMeta, FileIndex, FileRef } from '../../analyzer/model/types.js';

export interface TreeRow {
  readonly kind: 'bundle' | 'dir' | 'file';
  readonly depth: number;
  readonly label: string;
  readonly bundle: string;
  readonly node?: string;
  readonly path?: string;
  readonly size?: number;
}

export function fileTree(files: FileIndex, bundles: readonly BundleMeta[]): TreeRow[] {
  const rows: TreeRow[] = [];
  const ids = bundles.length ? bundles.map((b) => b.id) : [...new Set(files.list().map((f) => f.bundle))];
  for (const id of ids) {
    const node = bundles.find((b) => b.id === id)?.node;
    rows.push({
      kind: 'bundle',
      depth: 0,
      label: node ? `${node}  (${id})` : id,
      bundle: id,
      ...(node ? { node } : {}),
    });
    const paths = files
      .list(id)
      .map((f) => f.path)
      .sort();
    let openDirs: string[] = [];
    for (const path of paths) {
      const parts = path.split('/');
      const dirs = parts.slice(0, -1);
      let same = 0;
      while (same < dirs.length && same < openDirs.length && dirs[same] === openDirs[same]) same++;
      for (let i = same; i < dirs.length; i++)
        rows.push({ kind: 'dir', depth: i + 1, label: `${dirs[i]}/`, bundle: id, ...(node ? { node } : {}) });
      openDirs = dirs;
      const size = files.size({ bundle: id, path });
      rows.push({
        kind: 'file',
        depth: dirs.length + 1,
        label: parts.at(-1) ?? path,
        bundle: id,
        path,
        ...(node ? { node } : {}),
        ...(size !== undefined ? { size } : {}),
      });
    }
  }
  return rows;
}

export function treeIndexOf(rows: readonly TreeRow[], target: { node?: string; file?: FileRef }): number {
  if (target.file) {
    const i = rows.findIndex(
      (r) => r.kind === 'file' && r.bundle === target.file?.bundle && r.path === target.file.path,
    );
    if (i >= 0) return i;
  }
  if (target.node) {
    const i = rows.findIndex((r) => r.kind === 'bundle' && r.node === target.node);
    if (i >= 0) return i;
  }
  return 0;
}

export interface ViewerLine {
  readonly n: number;
  readonly text: string;
  readonly cited: boolean;
  readonly match: boolean;
}

/** the evidence browser as the screen state computes it and the component draws it (plus width) */
export interface EvidenceView {
  readonly tree: readonly TreeRow[];
  readonly cursor: number;
  readonly treeTop: number;
  readonly pane: 0 | 1;
  readonly title?: string;
  /** the viewer's visible lines of the open file */
  readonly lines: readonly ViewerLine[];
  readonly lineCount: number;
  readonly line: number;
  readonly search: string;
  readonly height: number;
  readonly treeWidth: number;
}

/** the visible lines only: [top, top + height) */
export function viewerLines(
  files: FileIndex,
  ref: FileRef,
  top: number,
  height: number,
  cited?: { from: number; to: number },
  search?: string,
): ViewerLine[] {
  const count = files.lineCount(ref) ?? 0;
  if (count === 0 || height <= 0) return [];
  const from = Math.max(1, Math.min(top, count));
  const to = Math.min(count, from + height - 1);
  const term = search?.toLowerCase();
  return (files.lines(ref, from, to) ?? []).map((text, i) => {
    const n = from + i;
    return {
      n,
      text,
      cited: !!cited && n >= cited.from && n <= cited.to,
      match: !!term && text.toLowerCase().includes(term),
    };
  });
}

const CHUNK = 2000;

/** next (dir 1) or previous (dir -1) line after `from` containing `term`, wrapping around */
export function findInFile(
  files: FileIndex,
  ref: FileRef,
  term: string,
  from: number,
  dir: 1 | -1,
): number | undefined {
  const count = files.lineCount(ref) ?? 0;
  const t = term.toLowerCase();
  if (!t || count === 0) return undefined;
  // scan [from+1..count] then [1..from] forward, or the mirror backward, in chunks
  const ranges: [number, number][] =
    dir === 1
      ? [
          [from + 1, count],
          [1, from],
        ]
      : [
          [from - 1, 1],
          [count, from],
        ];
  for (const [a, b] of ranges) {
    if (dir === 1) {
      for (let s = a; s <= b; s += CHUNK) {
        const e = Math.min(b, s + CHUNK - 1);
        const i = (files.lines(ref, s, e) ?? []).findIndex((l) => l.toLowerCase().includes(t));
        if (i >= 0) return s + i;
      }
    } else {
      for (let e = a; e >= b; e -= CHUNK) {
        const s = Math.max(b, e - CHUNK + 1);
        const chunk = files.lines(ref, s, e) ?? [];
        for (let i = chunk.length - 1; i >= 0; i--) if (chunk[i]?.toLowerCase().includes(t)) return s + i;
      }
    }
  }
  return undefined;
}

/** the viewer's gutter: marker, line number, ` │ ` */
export const viewerGutterWidth = (lineCount: number): number => 1 + String(Math.max(lineCount, 1)).length + 3;

/** cells left for file text in a viewer `width` wide */
export const viewerTextWidth = (width: number, lineCount: number): number =>
  Math.max(8, width - viewerGutterWidth(lineCount));

export function humanSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
