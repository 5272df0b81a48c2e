// The whole-process headline's code (bench/versus.ts): one interleaved round over the S bundle
// through the built CLI, the floor script and tar + jq, when those exist (skipped with the reason
// otherwise), and the table and targets from fixed figures. Nothing is timed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBundle } from './generate.js';
import { SIZES } from './sizes.js';
import {
  TOOLS,
  measureVersus,
  median,
  versusMissing,
  versusTable,
  versusTargets,
  type VersusResult,
} from './versus.js';

const u = (cpuS: number) => ({ wallS: cpuS * 2, cpuS, rssBytes: 100 * 1024 * 1024 });
const fixed = (name: 'M' | 'L', n: number, f: number, h: number): VersusResult => ({
  size: SIZES[name],
  bundleBytes: 1,
  runs: 1,
  samples: { netsnap: [u(n)], floor: [u(f)], byHand: [u(h)] },
  median: { netsnap: u(n), floor: u(f), byHand: u(h) },
  loadBefore: [1, 1, 1],
  loadAfter: [2, 2, 2],
});

describe('bench versus (whole processes)', () => {
  it('takes medians and judges the targets at exactly their value', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const checks = versusTargets([fixed('M', 3, 2, 3), fixed('L', 4, 2, 5)]);
    expect(checks.map((c) => [c.target, c.met])).toEqual([
      ['M netsnap ≤ 1.5x floor (cpu, whole process)', true],
      ['L netsnap ≤ 2.0x floor (cpu, whole process)', true],
      ['M netsnap < one by-hand tar -xzf + jq (cpu)', true],
      ['L netsnap < one by-hand tar -xzf + jq (cpu)', true],
    ]);
    expect(versusTargets([fixed('M', 3.01, 2, 3)]).map((c) => c.met)).toEqual([false, undefined, false, undefined]);
    const table = versusTable([fixed('M', 3, 2, 3)]).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toContain('**1.50x**');
    expect(table[2]).toContain('1 1 1 / 2 2 2');
  });

  const missing = versusMissing() ?? (spawnSync('jq', ['--version']).error ? 'jq is not installed' : undefined);
  if (missing) console.log(`skipped the real versus round: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-versus-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.skipIf(missing !== undefined)('runs each tool once over the S bundle', { timeout: 180_000 }, async () => {
    const bundle = (await ensureBundle(SIZES.S, { dir })).path;
    const r = await measureVersus(SIZES.S, bundle, { runs: 1 });
    for (const t of TOOLS) {
      expect(r.samples[t]).toHaveLength(1);
      expect(r.median[t].cpuS).toBeGreaterThan(0);
      expect(r.median[t].rssBytes).toBeGreaterThan(0);
    }
    expect(r.loadBefore).toHaveLength(3);
  });
});
