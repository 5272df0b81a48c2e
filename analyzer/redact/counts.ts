// Counts per kind of replacement: what the manifest records (never the values themselves).
export class Counts {
  private readonly m = new Map<string, number>();
  add(kind: string, n = 1): void {
    this.m.set(kind, (this.m.get(kind) ?? 0) + n);
  }
  /** a copy of the current counts, to undo an attempt that is thrown away */
  save(): Map<string, number> {
    return new Map(this.m);
  }
  restore(saved: ReadonlyMap<string, number>): void {
    this.m.clear();
    for (const [k, v] of saved) this.m.set(k, v);
  }
  get(kind: string): number {
    return this.m.get(kind) ?? 0;
  }
  /** sorted by kind, so the manifest is deterministic */
  toRecord(): Record<string, number> {
    return Object.fromEntries([...this.m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  total(prefix = ''): number {
    let n = 0;
    for (const [k, v] of this.m) if (k.startsWith(prefix)) n += v;
    return n;
  }
}
