// Scrolling arithmetic shared by every list: keep the cursor visible with the least movement.

export function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** the first visible row so that `cursor` is within [top, top + page) and no empty space shows */
export function visibleTop(top: number, cursor: number, page: number, count: number, base = 0): number {
  if (page <= 0) return base;
  let t = top;
  if (cursor < t) t = cursor;
  if (cursor >= t + page) t = cursor - page + 1;
  return clamp(t, base, Math.max(base, base + count - page));
}

/** a top that puts `line` about a third down the page (used when opening a file at a line) */
export function topAround(line: number, page: number, count: number, base = 1): number {
  return clamp(line - Math.floor(page / 3), base, Math.max(base, base + count - page));
}
