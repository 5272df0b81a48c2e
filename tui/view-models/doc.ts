// A screen as a list of pre-cut lines plus the selectable items on them. Overview, detail and
// help are built as docs by pure functions; DocView draws only the visible window.
import type { Tone } from '../theme.js';
import type { Route } from '../state/route.js';

export interface Seg {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
  readonly dim?: boolean;
  /** highlighted (search match, cited line): drawn inverse so it shows without colour */
  readonly mark?: boolean;
}

export type Line = readonly Seg[];

export interface DocItem {
  /** first line of the item; the cursor marker is drawn there */
  readonly line: number;
  /** what enter opens */
  readonly target?: Route;
  /** a key for tests and for tab: which section the item belongs to */
  readonly section: string;
  /** for finding items: the finding index (match keys, fix export) */
  readonly finding?: number;
  /** n/N without a search term jump between landmarks (finding items count as landmarks too) */
  readonly landmark?: boolean;
  /** lines the item covers (default 1); scrolling keeps all of them in view */
  readonly span?: number;
}

export interface Doc {
  readonly lines: readonly Line[];
  readonly items: readonly DocItem[];
}

export class DocBuilder {
  readonly lines: Line[] = [];
  readonly items: DocItem[] = [];
  line(...segs: Seg[]): this {
    this.lines.push(segs);
    return this;
  }
  blank(): this {
    return this.line({ text: '' });
  }
  item(item: Omit<DocItem, 'line'>, ...segs: Seg[]): this {
    this.items.push({ ...item, line: this.lines.length });
    return this.line(...segs);
  }
  /** a line that belongs to the last item (its details): moving onto the item shows it too */
  more(...segs: Seg[]): this {
    const last = this.items.at(-1);
    if (last) this.items[this.items.length - 1] = { ...last, span: (last.span ?? 1) + 1 };
    return this.line(...segs);
  }
  build(): Doc {
    return { lines: this.lines, items: this.items };
  }
}

export const lineText = (l: Line): string => l.map((s) => s.text).join('');
