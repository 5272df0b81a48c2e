// For the current entry: the props its screen component draws and the ScreenCtx the store
// needs to move through it. Pure apart from memo caches, so a keypress on a 5,000-finding list
// costs one filter (only when the filter changed) and the formatting of the visible rows.
import type { FileRef } from '../../analyzer/model/types.js';
import type { Doc } from '../view-models/doc.js';
import { lineText } from '../view-models/doc.js';
import { detailDoc } from '../view-models/detail.js';
import {
  fileTree,
  findInFile,
  treeIndexOf,
  viewerLines,
  viewerTextWidth,
  type EvidenceView,
  type TreeRow,
} from '../view-models/evidence.js';
import { hardWrap } from '../view-models/text.js';
import type { ListWindow } from '../view-models/list-window.js';
import { describeFilter, FILTER_LAYERS, filterRows, findingRows, type FindingRow } from '../view-models/findings.js';
import { helpDoc } from '../view-models/help.js';
import type { UiModel } from '../view-models/model.js';
import { overviewDoc } from '../view-models/overview.js';
import { traceDoc } from '../view-models/trace-doc.js';
import {
  destinationRows,
  describePortProto,
  filterPicks,
  sourceRows,
  type PickRow,
} from '../view-models/trace-picks.js';
import type { FileTarget, TraceRoute } from './route.js';
import { topAround, visibleTop } from './scroll.js';
import type { Entry, Env, ScreenCtx } from './ui.js';

export interface Size {
  readonly columns: number;
  readonly rows: number;
}

export type ScreenView =
  | {
      readonly kind: 'doc';
      readonly doc: Doc;
      readonly cursorLine: number;
      readonly top: number;
      readonly height: number;
    }
  | ({
      readonly kind: 'findings';
      /** how many roots are unexplained symptoms (the list's ◇ legend shows when there are any) */
      readonly unexplained: number;
    } & ListWindow<FindingRow>)
  | ({ readonly kind: 'evidence' } & EvidenceView)
  | ({
      readonly kind: 'picker';
      /** what is being picked and what is already chosen */
      readonly title: string;
    } & ListWindow<PickRow>);

/** lines the header, breadcrumb and footer take; Ink must draw fewer lines than the terminal has */
export const CHROME_LINES = 4;

export class Screens {
  private rows?: FindingRow[];
  private filtered?: { key: string; rows: readonly FindingRow[] };
  private tree?: TreeRow[];
  private docs = new Map<string, Doc>();
  private picks = new Map<'from' | 'to', PickRow[]>();
  private pickFiltered?: { key: string; rows: readonly PickRow[] };
  constructor(readonly model: UiModel) {}

  allRows(): FindingRow[] {
    return (this.rows ??= findingRows(this.model));
  }
  treeRows(): TreeRow[] {
    return (this.tree ??= fileTree(this.model.snapshot.files, this.model.snapshot.bundles));
  }
  private rowsFor(e: Entry): readonly FindingRow[] {
    const key = JSON.stringify(e.filter);
    if (this.filtered?.key !== key) this.filtered = { key, rows: filterRows(this.allRows(), e.filter) };
    return this.filtered.rows;
  }
  private doc(key: string, make: () => Doc): Doc {
    let d = this.docs.get(key);
    if (!d) {
      if (this.docs.size > 64) this.docs.clear();
      d = make();
      this.docs.set(key, d);
    }
    return d;
  }

  private pickRows(side: 'from' | 'to', text: string): readonly PickRow[] {
    let all = this.picks.get(side);
    if (!all) this.picks.set(side, (all = side === 'from' ? sourceRows(this.model) : destinationRows(this.model)));
    const key = `${side}\u0000${text}`;
    if (this.pickFiltered?.key !== key) this.pickFiltered = { key, rows: filterPicks(all, text) };
    return this.pickFiltered.rows;
  }

  env(): Env {
    const present = new Set(this.model.findings.map((f) => f.layer));
    return {
      nodes: this.model.nodes,
      layers: FILTER_LAYERS.filter((l) => present.has(l)),
      treeIndexFor: (t) => treeIndexOf(this.treeRows(), t),
    };
  }

  /** the evidence viewer's file, with the pointer when it shows text embedded in JSON */
  static fileRef(f: FileTarget): FileRef & { pointer?: string } {
    return { bundle: f.bundle, path: f.path, ...(f.pointer !== undefined ? { pointer: f.pointer } : {}) };
  }

  build(e: Entry, size: Size): { view: ScreenView; ctx: ScreenCtx } {
    const body = Math.max(3, size.rows - CHROME_LINES);
    const width = Math.max(20, size.columns);
    const route = e.route;
    switch (route.screen) {
      case 'overview':
        return this.docScreen(
          e,
          this.doc(`o:${width}`, () => overviewDoc(this.model, width - 2)),
          body,
        );
      case 'help':
        return this.docScreen(
          e,
          this.doc(`h:${width}`, () => helpDoc(width - 2)),
          body,
        );
      case 'detail': {
        const context = size.rows >= 40 ? 5 : 2; // a tall terminal shows more context around cited lines
        return this.docScreen(
          e,
          this.doc(`d:${route.finding}:${width}:${context}`, () =>
            detailDoc(this.model, route.finding, width - 2, context),
          ),
          body,
        );
      }
      case 'findings': {
        const rows = this.rowsFor(e);
        const height = body - 2; // the filter line and the column header
        const ctx: ScreenCtx = {
          count: rows.length,
          page: height,
          targetAt: (i) => (rows[i] ? { screen: 'detail', finding: rows[i].index } : undefined),
          findingAt: (i) => rows[i]?.index,
        };
        const top = visibleTop(e.top, e.cursor, height, rows.length);
        return {
          ctx,
          view: {
            kind: 'findings',
            unexplained: this.model.unexplained.size,
            rows,
            total: this.allRows().length,
            filter: describeFilter(e.filter),
            cursor: e.cursor,
            top,
            height,
          },
        };
      }
      case 'evidence':
        return this.evidenceScreen(e, body, width);
      case 'trace': {
        if (route.from === undefined || route.to === undefined) return this.pickerScreen(e, route, body);
        // the trace runs once per request and width; every later keypress is a cache hit
        const key = `t:${route.from}\u0000${route.to}\u0000${route.port ?? ''}\u0000${route.proto ?? ''}:${width}`;
        return this.docScreen(
          e,
          this.doc(key, () => traceDoc(this.model, route, width - 2)),
          body,
        );
      }
    }
  }

  private docScreen(e: Entry, doc: Doc, height: number): { view: ScreenView; ctx: ScreenCtx } {
    const cursorLine = doc.items[e.cursor]?.line ?? 0;
    const ctx: ScreenCtx = {
      count: doc.items.length,
      page: height,
      lines: doc.lines.length,
      lineOf: (i) => doc.items[i]?.line ?? 0,
      spanOf: (i) => doc.items[i]?.span ?? 1,
      targetAt: (i) => doc.items[i]?.target,
      sectionOf: (i) => doc.items[i]?.section,
      findingAt: (i) => doc.items[i]?.finding,
      landmarkAt: (i) => !!(doc.items[i]?.landmark || doc.items[i]?.finding !== undefined),
      findItem: (term, from, dir) => {
        const t = term.toLowerCase();
        const n = doc.items.length;
        for (let k = 1; k <= n; k++) {
          const i = (((from + dir * k) % n) + n) % n;
          const line = doc.lines[doc.items[i]?.line ?? -1];
          if (line && lineText(line).toLowerCase().includes(t)) return i;
        }
        return undefined;
      },
    };
    // the stored top may predate a resize: keep the cursor's line visible
    const top =
      e.top <= cursorLine && cursorLine < e.top + height
        ? Math.min(e.top, Math.max(0, doc.lines.length - height))
        : visibleTop(e.top, cursorLine, height, doc.lines.length);
    return { ctx, view: { kind: 'doc', doc, cursorLine, top, height } };
  }

  private pickerScreen(e: Entry, route: TraceRoute, body: number): { view: ScreenView; ctx: ScreenCtx } {
    const side = route.from === undefined ? 'from' : 'to';
    const rows = this.pickRows(side, e.filter.text);
    const height = body - 2; // title and column header
    const pp = describePortProto(route);
    const title =
      side === 'from'
        ? `Trace: pick the source${pp ? `  (${pp})` : ''}`
        : `Trace from ${route.from}: pick the destination${pp ? `  (${pp})` : ''}`;
    const ctx: ScreenCtx = {
      count: rows.length,
      page: height,
      targetAt: (i) => {
        const r = rows[i];
        if (!r) return undefined;
        if (side === 'from') return { ...route, from: r.value };
        const port = r.port ?? route.port;
        return { ...route, to: r.value, ...(port !== undefined ? { port } : {}) };
      },
    };
    const top = visibleTop(e.top, e.cursor, height, rows.length);
    return {
      ctx,
      view: {
        kind: 'picker',
        title,
        rows,
        total: this.picks.get(side)?.length ?? rows.length,
        filter: e.filter.text,
        cursor: e.cursor,
        top,
        height,
      },
    };
  }

  private evidenceScreen(e: Entry, body: number, width: number): { view: ScreenView; ctx: ScreenCtx } {
    const tree = this.treeRows();
    const files = this.model.snapshot.files;
    const height = body - 1; // pane titles
    // side by side from 70 columns; the tree keeps 28 of 80 so names stay readable
    const treeWidth = width >= 70 ? Math.min(38, Math.max(28, Math.floor(width * 0.32))) : width;
    const ref = e.file ? Screens.fileRef(e.file) : undefined;
    const lineCount = ref ? (files.lineCount(ref) ?? 0) : 0;
    const lineTop = ref
      ? e.lineTop < 1
        ? topAround(e.line, height, lineCount)
        : visibleTop(e.lineTop, e.line, height, lineCount, 1)
      : 1;
    const cited = e.file?.line !== undefined ? { from: e.file.line, to: e.file.endLine ?? e.file.line } : undefined;
    // the viewer wraps long lines (a 300-column iptables rule shows whole): start late enough that
    // the cursor line's rows are all on screen
    const split = treeWidth < width;
    const textWidth = viewerTextWidth(split ? width - treeWidth - 1 : width, lineCount);
    let lines = ref ? viewerLines(files, ref, lineTop, height, cited, e.search) : [];
    let shownTop = lineTop;
    if (ref) {
      const rowsOf = (l: { text: string }) => Math.max(1, hardWrap(l.text, textWidth, height).length);
      let rows = 0;
      for (const l of lines) if (l.n <= e.line) rows += rowsOf(l);
      while (rows > height && shownTop < e.line && lines[0]) {
        rows -= rowsOf(lines[0]);
        lines = lines.slice(1);
        shownTop++;
      }
      if (shownTop !== lineTop) lines = viewerLines(files, ref, shownTop, height, cited, e.search);
    }
    const ctx: ScreenCtx = {
      count: tree.length,
      page: height,
      fileAt: (i) => {
        const r = tree[i];
        return r?.kind === 'file' && r.path ? { bundle: r.bundle, path: r.path } : undefined;
      },
      findItem: (term, from, dir) => {
        const t = term.toLowerCase();
        for (let k = 1; k <= tree.length; k++) {
          const i = (((from + dir * k) % tree.length) + tree.length) % tree.length;
          if (`${tree[i]?.path ?? tree[i]?.label}`.toLowerCase().includes(t)) return i;
        }
        return undefined;
      },
      ...(ref
        ? {
            viewer: {
              count: lineCount,
              page: height,
              find: (term: string, from: number, dir: 1 | -1) => findInFile(files, ref, term, from, dir),
            },
          }
        : {}),
    };
    const title = e.file ? `${e.file.path}${e.file.pointer !== undefined ? `#${e.file.pointer}` : ''}` : undefined;
    const treeTop = visibleTop(e.top, e.cursor, height, tree.length);
    return {
      ctx,
      view: {
        kind: 'evidence',
        tree,
        cursor: e.cursor,
        treeTop,
        pane: e.pane,
        ...(title ? { title } : {}),
        lines,
        lineCount,
        line: e.line,
        search: e.search,
        height,
        treeWidth,
      },
    };
  }
}
