// The benchmark's own code on size S, so it cannot rot. Nothing here is timed: it checks that
// every phase ran and saw the same bundle, and that the table and the doc come out of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../analyzer/bundle/read.js';
import { measureSize, type SizeResult } from './measure.js';
import { runFloor } from './floor.js';
import { SIZES, parseSizes } from './sizes.js';
import { checkTargets, phaseTable, ratio } from './table.js';
import { machineInfo, performanceDoc } from './doc.js';
import { clusterObjects } from './collector.js';
import { benchCluster, ensureBundle } from './generate.js';
import { allPodObjects } from '../fixtures/generate/render/pod-objects.js';
import { renderItems } from '../test/helpers/apiserver-items.js';
import { hostileCases, hostileFailures, hostileTable, measureHostile } from './hostile.js';

describe('bench on S', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-bench-test-'));
  let bundle: string;
  let result: SizeResult;

  beforeAll(async () => {
    bundle = (await ensureBundle(SIZES.S, { dir })).path;
    result = await measureSize(SIZES.S, bundle, { now: '2024-11-20T09:30:00Z' });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reuses the cached bundle on the second call', async () => {
    const again = await ensureBundle(SIZES.S, { dir });
    expect(again).toMatchObject({ path: bundle, generated: false });
  });

  it('the floor reads the same files as the bundle reader', async () => {
    const raw = await readBundle(bundle);
    const floor = await runFloor(bundle);
    expect(floor.files).toBe(raw.files.size);
    expect(floor.bytes).toBe([...raw.files.values()].reduce((n, b) => n + b.length, 0));
    expect(floor.jsonValues).toBeGreaterThan(0);
  });

  it('loads every pod and finds the injected faults', () => {
    expect(result.pods).toBe(SIZES.S.pods);
    expect(result.problems).toBe(0);
    expect(result.roots).toBeGreaterThanOrEqual(3);
    expect(result.report.bytes).toBeGreaterThan(0);
    expect(result.peakRssBytes).toBeGreaterThan(result.peakHeapBytes);
    expect(ratio(result)).toBeGreaterThan(0);
  });

  it('drives the TUI to the findings list and the cited iptables-save line', () => {
    expect(result.tuiError).toBeUndefined();
    expect(result.tui?.evidenceFile).toMatch(/^host\/iptables(-nft|-legacy)?-save\.txt:\d+$/);
    expect(result.tui?.keypresses).toBeGreaterThan(10);
  });

  it('renders the table and the doc, with a row per size and every target listed', () => {
    expect(phaseTable([result]).split('\n')).toHaveLength(3);
    const checks = checkTargets([result]);
    expect(checks.map((c) => c.met)).toEqual(checks.map(() => undefined)); // no L or M measured
    const doc = performanceDoc({
      machine: machineInfo(),
      results: [result],
      checks,
      generation: {},
      totalMs: 1,
      loadAfter: [0],
    });
    expect(doc).toContain('| S (50/1500/200) |');
    expect(doc).toContain('do not edit by hand');
  });
});

describe('bench helpers', () => {
  it('parses --sizes and refuses unknown ones', () => {
    expect(parseSizes('s,L')).toEqual(['S', 'L']);
    expect(() => parseSizes('XL')).toThrow(/unknown size "XL"/);
  });

  it('renders a generated list in one walk, in order, items without kind/apiVersion', () => {
    let walks = 0;
    const items = renderItems({
      walk: function* () {
        walks++;
        for (let i = 0; i < 3; i++)
          yield { kind: 'Pod', apiVersion: 'v1', metadata: { name: `p${i}`, namespace: 'ns' } };
      },
    });
    expect(walks).toBe(1);
    expect(items.count).toBe(3);
    expect(items.meta(2)).toMatchObject({ name: 'p2', namespace: 'ns' });
    expect(items.bytes(1).toString()).toBe('{"metadata":{"name":"p1","namespace":"ns"}}');
  });

  it("serves the bench cluster's lists whole (S)", () => {
    const c = benchCluster(SIZES.S);
    const objects = clusterObjects(c);
    expect(renderItems(objects.pods!).count).toBe([...allPodObjects(c)].length);
    expect(renderItems(objects.nodes!).count).toBe(c.nodes.length);
  });
});

// The hostile section's code on its quickest case (the jump loop, traced), through the built CLI
// (`npm test` builds first), measured both ways: /usr/bin/time where present, and the
// process.resourceUsage wrapper. Only the outcome and that a usage was read are checked.
describe('bench hostile section on one case', () => {
  const one = () => hostileCases().filter((c) => c.name === 'jump loop A → B → A (trace)');

  it('has the issue 19 cases, each once', () => {
    const names = hostileCases().map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('Corefile with 100,000 server blocks (analyze)');
    expect(one()).toHaveLength(1);
  });

  for (const forceWrapper of [false, true]) {
    it(
      `measures the loop case and the baseline (${forceWrapper ? 'resourceUsage wrapper' : '/usr/bin/time when present'})`,
      { timeout: 60_000 },
      async () => {
        const report = await measureHostile({ cases: one(), forceWrapper });
        expect(report.baseline.code).toBe(0);
        expect(report.baseline.rssBytes).toBeGreaterThan(0);
        const [r] = report.results;
        expect(r).toMatchObject({
          code: 0,
          ok: true,
          outcome: 'exit 0; undetermined: chain A re-entered with the same packet (loop A → B → A) at filter/B rule 1',
        });
        expect(r!.rssBytes).toBeGreaterThan(0);
        expect(r!.cpuS).toBeGreaterThan(0);
        if (forceWrapper) expect(r!.via).toBe('resourceUsage');
        expect(hostileFailures(report)).toEqual([]);
        const table = hostileTable(report).split('\n');
        expect(table).toHaveLength(4);
        expect(table[3]).toMatch(
          /^\| jump loop A → B → A \(trace\) \| trace undetermined \(loop named\) \| exit 0; undetermined: .* \| yes \|$/,
        );
      },
    );
  }

  it('fails a case over its budget or without its outcome', () => {
    const run = { code: 0, stdout: '', stderr: '', wallS: 1, cpuS: 1, rssBytes: 1, via: '/usr/bin/time' as const };
    const base = { ...run, name: 'x', expects: 'y', outcome: 'z', ok: true, ratio: 1 };
    const report = {
      baseline: run,
      results: [
        base,
        { ...base, name: 'slow', wallS: 10 },
        { ...base, name: 'fat', rssBytes: 1.5 * 1024 ** 3 },
        { ...base, name: 'wrong', ok: false },
      ],
    };
    expect(hostileFailures(report)).toEqual([
      'slow: 10.0 s wall (budget < 10 s)',
      'fat: peak RSS 1536 MB (budget < 1.5 GB)',
      'wrong: expected y; got z',
    ]);
  });
});
