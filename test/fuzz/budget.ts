// The fuzz budget: case counts sized so the whole suite stays within about a minute in CI.
// FUZZ_SCALE=10 runs ten times as many (for a local soak). Counts are printed at the end so the
// figures in docs/security.md can be checked against a run.
import { afterAll } from 'vitest';

const scale = Math.max(1, Number(process.env.FUZZ_SCALE ?? '1') || 1);
export const FUZZ_RUNS = {
  archive: 80 * scale,
  random: 150 * scale,
  parser: 200 * scale,
  redact: 150 * scale,
} as const;

const counts = new Map<string, number>();
export function recordCases(what: string, n: number): void {
  counts.set(what, (counts.get(what) ?? 0) + n);
}

afterAll(() => {
  if (counts.size === 0) return;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`fuzz cases: ${[...counts].map(([k, v]) => `${k} ${v}`).join('; ')}; total ${total}\n`);
});
