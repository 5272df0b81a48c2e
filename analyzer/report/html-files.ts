// Which bundle files the HTML report embeds, and the file views themselves. Every text file goes in
// while it fits the byte budget; past it, cited files go in first (smallest first), a cited file too
// large for what is left goes in as windows around its cited lines, and the rest is listed as left
// out. Line anchors are `<node or bundle>/<path>:L<n>` (a Corefile inside a ConfigMap:
// `<file>#<pointer>:L<n>`), made fragment-safe by anchorId.
import type { BundleMeta, FileIndex, FileRef } from '../model/types.js';
import { anchorId, h, ha } from './html-escape.js';

/** one embeddable text: a bundle file, a string inside a JSON file (`pointer`), or one JSON value (`value`) */
export interface Unit extends FileRef {
  readonly pointer?: string;
  /** the JSON value at this pointer, pretty-printed (a pod of a pods.json too large to embed whole) */
  readonly value?: string;
}

/** lines a unit is cited at (1-based, inclusive) */
export interface Citation extends FileRef {
  readonly pointer?: string;
  readonly line?: number;
  readonly endLine?: number;
}

interface Planned {
  readonly unit: Unit;
  readonly id: string;
  readonly label: string;
  readonly lineCount: number;
  /** undefined: the whole file */
  readonly windows?: readonly (readonly [number, number])[];
  readonly cited: ReadonlySet<number>;
  read(from: number, to: number): readonly string[];
}

export interface LeftOut {
  readonly label: string;
  readonly bytes: number;
  readonly reason: string;
}

export interface EmbedPlan {
  readonly files: readonly Planned[];
  readonly leftOut: readonly LeftOut[];
  /** the id of the view that shows a cited place (its line when `line` is given and embedded) */
  anchorFor(c: Citation): string | undefined;
}

/** longest line kept in a file view; the rest is cut with a note */
const MAX_LINE = 2000;
/** lines either side of a cited range when only windows of a file fit */
const CONTEXT = 12;
/** markup per embedded line besides the id and the text: `<span id=""><b></b></span>` and a newline */
const LINE_OVERHEAD = 30;
/** files listed by name in the left-out note; the rest are counted */
const MAX_LISTED = 200;
/** a JSON value embedded on its own is cut here */
const MAX_VALUE = 64 * 1024;

const key = (u: Unit) => `${u.bundle}\u0000${u.path}\u0000${u.pointer ?? ''}\u0000${u.value ?? ''}`;

/** `worker-1` for a node's only bundle, else the bundle id (two bundles of one node stay apart) */
export function bundlePrefixes(bundles: readonly BundleMeta[]): Map<string, string> {
  const perNode = new Map<string, number>();
  for (const b of bundles) if (b.node) perNode.set(b.node, (perNode.get(b.node) ?? 0) + 1);
  return new Map(bundles.map((b) => [b.id, b.node && perNode.get(b.node) === 1 ? b.node : b.id]));
}

export function unitLabel(prefixes: ReadonlyMap<string, string>, u: Unit): string {
  const at = u.pointer ?? u.value;
  return `${prefixes.get(u.bundle) ?? u.bundle}/${u.path}${at !== undefined ? `#${at}` : ''}`;
}

function merge(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** the list item a pointer is inside (`/items/4/status` -> `/items/4`), else the pointer itself */
function itemOf(pointer: string): string {
  return /^\/items\/\d+/.exec(pointer)?.[0] ?? pointer;
}

interface Candidate {
  readonly unit: Unit;
  readonly cited: boolean;
  readonly ranges: (readonly [number, number])[];
  readonly lineCount: number;
  readonly bytes: number;
  read(from: number, to: number): readonly string[];
}

/**
 * Plan the embedded files within `budget` bytes of file-view markup. `citations` are the places
 * the report links to (evidence, trace steps). A citation by JSON pointer alone into a file too large
 * for a quarter of the budget is served by the list item it names, not the whole file.
 */
export function planEmbed(
  files: FileIndex,
  bundles: readonly BundleMeta[],
  citations: readonly Citation[],
  budget: number,
): EmbedPlan {
  const prefixes = bundlePrefixes(bundles);
  const perLine = (u: Unit) => LINE_OVERHEAD + anchorId(unitLabel(prefixes, u)).length;
  const fileCost = (u: FileRef) => (files.size(u) ?? 0) + (files.lineCount(u) ?? 0) * perLine(u);
  const cand = new Map<string, Candidate>();
  const route = new Map<string, string>();
  const citeKey = (c: Citation) => `${c.bundle}\u0000${c.path}\u0000${c.pointer ?? ''}\u0000${c.line === undefined}`;
  const add = (unit: Unit, cited: boolean, range?: readonly [number, number]): Candidate | undefined => {
    const k = key(unit);
    let c = cand.get(k);
    if (!c) {
      let read: (a: number, b: number) => readonly string[];
      let lineCount: number;
      let bytes: number;
      if (unit.value !== undefined) {
        const v = files.pointer(unit, unit.value);
        if (v === undefined) return undefined;
        const text = JSON.stringify(v, null, 2) ?? '';
        const lines = (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}\n… (cut)` : text).split('\n');
        read = (a, b) => lines.slice(a - 1, b);
        lineCount = lines.length;
        bytes = Math.min(text.length, MAX_VALUE);
      } else {
        read = (a, b) => files.lines(unit, a, b) ?? [];
        lineCount = files.lineCount(unit) ?? 0;
        bytes = unit.pointer === undefined ? (files.size(unit) ?? 0) : lineCount * 40;
      }
      c = { unit, cited, ranges: [], lineCount, bytes, read };
      cand.set(k, c);
    }
    if (range) c.ranges.push(range);
    return c;
  };
  for (const c of citations) {
    if (!files.has(c)) continue;
    const file: Unit = { bundle: c.bundle, path: c.path };
    let unit: Unit = file;
    if (c.pointer !== undefined && c.line !== undefined) unit = { ...file, pointer: c.pointer };
    else if (c.pointer !== undefined && fileCost(file) > budget / 4) unit = { ...file, value: itemOf(c.pointer) };
    const got = add(unit, true, c.line !== undefined ? [c.line, Math.max(c.line, c.endLine ?? c.line)] : undefined);
    if (got) route.set(citeKey(c), key(unit));
  }
  for (const b of bundles) for (const f of files.list(b.id)) add({ bundle: f.bundle, path: f.path }, false);
  const leftOut: LeftOut[] = [];

  const cost = (c: Candidate) => c.bytes + c.lineCount * perLine(c.unit);
  const windowsOf = (c: Candidate) =>
    merge(c.ranges.map(([a, b]) => [Math.max(1, a - CONTEXT), Math.min(c.lineCount, b + CONTEXT)]));
  const windowCost = (c: Candidate, w: readonly (readonly [number, number])[]) =>
    Math.ceil((cost(c) / c.lineCount) * w.reduce((n, [a, b]) => n + b - a + 1, 0));
  const text = [...cand.values()].filter((c) => {
    const binary = c.lineCount > 0 && c.read(1, 20).some((l) => l.includes('\u0000'));
    if (binary) leftOut.push({ label: unitLabel(prefixes, c.unit), bytes: c.bytes, reason: 'not text' });
    return c.lineCount > 0 && !binary;
  });
  const byCost = (a: Candidate, b: Candidate) => cost(a) - cost(b);
  const cited = text.filter((c) => c.cited).sort(byCost);
  let left = budget;
  const chosen = new Map<Candidate, (readonly [number, number])[] | undefined>();
  // 1. every cited place, cheapest first, as windows around its lines (cited without lines: whole)
  const first = cited.map((c) => {
    const w = c.ranges.length > 0 ? windowsOf(c) : undefined;
    return { c, w, price: w ? windowCost(c, w) : cost(c) };
  });
  for (const { c, w, price } of first.sort((a, b) => a.price - b.price)) {
    if (price > left) continue;
    chosen.set(c, w);
    left -= price;
  }
  // 2. cited files whole, 3. the other files whole, smallest first while the budget lasts
  for (const c of [...cited, ...text.filter((x) => !x.cited).sort(byCost)]) {
    const w = chosen.get(c);
    const had = chosen.has(c);
    if (had && !w) continue;
    const extra = cost(c) - (w ? windowCost(c, w) : 0);
    if (extra > left) continue;
    chosen.set(c, undefined);
    left -= extra;
  }
  const planned: Planned[] = [];
  for (const c of text) {
    const label = unitLabel(prefixes, c.unit);
    if (!chosen.has(c)) {
      leftOut.push({ label, bytes: c.bytes, reason: c.cited ? 'cited, over the size budget' : 'over the size budget' });
      continue;
    }
    const lines = new Set<number>();
    for (const [a, b] of c.ranges) for (let n = a; n <= Math.min(b, a + 10_000); n++) lines.add(n);
    const windows = chosen.get(c);
    planned.push({
      unit: c.unit,
      id: anchorId(label),
      label,
      lineCount: c.lineCount,
      cited: lines,
      read: c.read,
      ...(windows ? { windows } : {}),
    });
  }
  planned.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const byKey = new Map(planned.map((p) => [key(p.unit), p]));
  return {
    files: planned,
    leftOut,
    anchorFor(c) {
      const p = byKey.get(route.get(citeKey(c)) ?? '') ?? byKey.get(key({ bundle: c.bundle, path: c.path }));
      if (!p) return undefined;
      if (c.line === undefined || (p.unit.pointer === undefined && c.pointer !== undefined)) return p.id;
      if (c.line < 1 || c.line > p.lineCount) return undefined;
      if (p.windows && !p.windows.some(([a, b]) => c.line! >= a && c.line! <= b)) return undefined;
      return `${p.id}:L${c.line}`;
    },
  };
}

function lineMarkup(id: string, n: number, text: string, hit: boolean): string {
  const cut = text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}… (${text.length - MAX_LINE} more characters)` : text;
  return `<span id="${id}:L${n}"${hit ? ' class="hit"' : ''}><b>${n}</b>${h(cut)}</span>`;
}

/** the file views, one section per embedded file, and the note on what was left out */
export function renderFiles(plan: EmbedPlan, nodeOfBundle: ReadonlyMap<string, string>): string {
  const out: string[] = [];
  for (const p of plan.files) {
    const node = nodeOfBundle.get(p.unit.bundle) ?? '';
    const windows = p.windows ?? [[1, p.lineCount] as const];
    const part = p.windows
      ? ` · ${windows.reduce((n, [a, b]) => n + b - a + 1, 0)} of ${p.lineCount} lines (around the cited ones)`
      : ` · ${p.lineCount} lines`;
    out.push(
      `<section class="file" id="${p.id}" data-node="${ha(node)}"><h3><code>${h(p.label)}</code>` +
        `<span class="meta">${part}</span></h3>`,
    );
    let prev = 0;
    for (const [a, b] of windows) {
      if (a > prev + 1) out.push(`<p class="gap">lines ${prev + 1}–${a - 1} not embedded</p>`);
      out.push('<pre class="src">');
      p.read(a, b).forEach((text, i) => out.push(lineMarkup(p.id, a + i, text, p.cited.has(a + i))));
      out.push('</pre>');
      prev = b;
    }
    if (prev < p.lineCount) out.push(`<p class="gap">lines ${prev + 1}–${p.lineCount} not embedded</p>`);
    out.push('</section>');
  }
  if (plan.leftOut.length > 0) {
    const total = plan.leftOut.reduce((n, f) => n + f.bytes, 0);
    out.push(
      `<section class="left-out" id="left-out"><h3>Not embedded: ${plan.leftOut.length} file(s), ` +
        `${Math.round(total / 1024)} KiB</h3><p>The report keeps to its size budget: the files evidence cites ` +
        'go in first; these stay in the bundle (open them there).</p><ul>',
    );
    for (const f of plan.leftOut.slice(0, MAX_LISTED))
      out.push(`<li><code>${h(f.label)}</code> ${Math.ceil(f.bytes / 1024)} KiB · ${h(f.reason)}</li>`);
    if (plan.leftOut.length > MAX_LISTED) out.push(`<li>and ${plan.leftOut.length - MAX_LISTED} more</li>`);
    out.push('</ul></section>');
  }
  return out.join('');
}
