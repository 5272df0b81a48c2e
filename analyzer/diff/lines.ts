// Line differences of two small texts (a Corefile): longest common subsequence, so a moved block
// reads as removed + added at the right places. Bounded: past MAX_CELLS the table would be too big,
// and the lines are compared as multisets instead (still correct about what was added or removed).

export interface LineEdit {
  readonly op: 'added' | 'removed';
  /** 1-based line on its own side */
  readonly line: number;
  readonly text: string;
  /** the nearest line on the other side (for an evidence ref where the line would be), 1-based */
  readonly otherLine: number;
}

const MAX_CELLS = 4_000_000;

function multisetEdits(a: readonly string[], b: readonly string[]): LineEdit[] {
  const countB = new Map<string, number>();
  for (const t of b) countB.set(t, (countB.get(t) ?? 0) + 1);
  const countA = new Map<string, number>();
  for (const t of a) countA.set(t, (countA.get(t) ?? 0) + 1);
  const out: LineEdit[] = [];
  const seenA = new Map<string, number>();
  a.forEach((t, i) => {
    const n = (seenA.get(t) ?? 0) + 1;
    seenA.set(t, n);
    if (n > (countB.get(t) ?? 0)) out.push({ op: 'removed', line: i + 1, text: t, otherLine: 1 });
  });
  const seenB = new Map<string, number>();
  b.forEach((t, i) => {
    const n = (seenB.get(t) ?? 0) + 1;
    seenB.set(t, n);
    if (n > (countA.get(t) ?? 0)) out.push({ op: 'added', line: i + 1, text: t, otherLine: 1 });
  });
  return out;
}

/** edits that turn `a` into `b`, in reading order */
export function lineEdits(a: readonly string[], b: readonly string[]): LineEdit[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) return multisetEdits(a, b);
  // lcs[i][j]: LCS length of a[i..] and b[j..], one flat array
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
  const out: LineEdit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < m && (i >= n || (lcs[i * w + j + 1] ?? 0) >= (lcs[(i + 1) * w + j] ?? 0))) {
      out.push({ op: 'added', line: j + 1, text: b[j] ?? '', otherLine: Math.min(Math.max(i, 1), Math.max(n, 1)) });
      j++;
    } else {
      out.push({ op: 'removed', line: i + 1, text: a[i] ?? '', otherLine: Math.min(Math.max(j, 1), Math.max(m, 1)) });
      i++;
    }
  }
  return out;
}
