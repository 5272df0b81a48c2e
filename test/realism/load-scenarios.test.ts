// Every scenario loads through the bundle reader and the Snapshot builder with no problem except
// the ones the scenario is about; manifests agree with the files they describe.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../../analyzer/bundle/read.js';
import { FIXED_SOURCES } from '../../analyzer/bundle/sources.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { bundleDirs, isDamaged, scenarioNames, SCENARIO_ROOT } from './scenario-files.js';

/** problems a scenario exists to show */
const EXPECTED_PROBLEMS: Record<string, RegExp[]> = {
  'multi-bundle-divergent': [/collected 121 minutes earlier/],
  'bundle-file-truncated': [/ip route: not valid JSON/],
};

describe('scenarios load cleanly', () => {
  it('readBundle: no problems, manifest valid, one record per fixed source, bytes match', async () => {
    const issues: string[] = [];
    for (const b of bundleDirs()) {
      const raw = await readBundle(b.dir);
      for (const p of raw.problems) issues.push(`${b.scenario}/${b.name}: ${p.file}: ${p.message}`);
      const m = raw.manifest;
      if (!m) {
        issues.push(`${b.scenario}/${b.name}: no manifest`);
        continue;
      }
      expect(b.name).toBe(`netsnap-${m.node}-${m.createdAt.replace(/[-:]/g, '')}`);
      const ids = new Set(m.sources.map((s) => s.id));
      for (const f of FIXED_SOURCES) if (!ids.has(f.id)) issues.push(`${b.scenario}/${b.name}: no record for ${f.id}`);
      for (const s of m.sources) {
        const file = raw.files.get(s.path);
        if (s.status === 'ok' && !file) issues.push(`${b.scenario}/${b.name}: ${s.id} ok but ${s.path} missing`);
        if (s.status !== 'ok' && file)
          issues.push(`${b.scenario}/${b.name}: ${s.id} ${s.status} but ${s.path} present`);
        if (file && file.length !== s.bytes && !isDamaged(b.scenario, s.path))
          issues.push(`${b.scenario}/${b.name}: ${s.path} has ${file.length} bytes, manifest says ${s.bytes}`);
      }
      for (const path of raw.files.keys())
        if (path !== 'manifest.json' && !m.sources.some((s) => s.path === path))
          issues.push(`${b.scenario}/${b.name}: ${path} not in manifest`);
    }
    expect(issues).toEqual([]);
  });

  it('loadSnapshot: no unexpected LoadProblem, every node with host data present', async () => {
    const issues: string[] = [];
    for (const s of scenarioNames()) {
      const dirs = readdirSync(join(SCENARIO_ROOT, s))
        .filter((d) => d.startsWith('netsnap-') && statSync(join(SCENARIO_ROOT, s, d)).isDirectory())
        .map((d) => join(SCENARIO_ROOT, s, d));
      const { snapshot } = await loadSnapshot(dirs);
      const allowed = EXPECTED_PROBLEMS[s] ?? [];
      for (const p of snapshot.problems)
        if (!allowed.some((re) => re.test(p.message)))
          issues.push(`${s}: ${p.severity} ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
      for (const re of allowed)
        if (!snapshot.problems.some((p) => re.test(p.message))) issues.push(`${s}: expected a problem matching ${re}`);
      if (s.startsWith('healthy') || s === 'article-full-story') {
        expect(snapshot.cluster.nodes?.length, s).toBeGreaterThan(0);
        expect(snapshot.hosts.size, s).toBe(snapshot.cluster.nodes?.length);
      }
    }
    expect(issues).toEqual([]);
  });
});
