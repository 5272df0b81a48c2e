// Every generated metrics file (host/metrics/kube-proxy.prom, cluster/metrics/coredns/<pod>.prom) must
// pass the real `promtool check metrics` (Prometheus's own text-format parser and linter, reading
// stdin), and parse clean with netsnap's parser. promtool comes with Debian's prometheus package.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePromText } from '../../analyzer/parse/prom-text.js';
import { okSourceFiles } from './scenario-files.js';

const havePromtool = spawnSync('sh', ['-c', 'command -v promtool']).status === 0;
if (!havePromtool)
  console.log('[realism] skipping promtool check metrics: promtool is not installed (Debian package prometheus)');

function metricsFiles(): { where: string; text: string }[] {
  return okSourceFiles((path) => path.endsWith('.prom')).map((f) => ({
    where: `${f.bundle.scenario}/${f.bundle.name}/${f.path}`,
    text: f.text,
  }));
}

describe('generated metrics text', () => {
  const files = metricsFiles();

  it("parses without problems with netsnap's parser", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(
      files.flatMap((f) => parsePromText(f.text).problems.map((p) => `${f.where}:${p.line}: ${p.message}`)),
    ).toEqual([]);
  });

  it.skipIf(!havePromtool)('passes promtool check metrics (parser and linter)', () => {
    const bad: string[] = [];
    // one scenario's files differ from another's only in numbers: check each distinct shape once
    const seen = new Set<string>();
    for (const f of files) {
      const shape = f.text.replace(/[0-9.e+-]+(\n|$)/g, '$1');
      if (seen.has(shape)) continue;
      seen.add(shape);
      const r = spawnSync('promtool', ['check', 'metrics'], { input: f.text, encoding: 'utf8' });
      if (r.status !== 0) bad.push(`${f.where}: exit ${r.status}: ${r.stdout}${r.stderr}`);
    }
    expect(seen.size).toBeGreaterThan(2);
    expect(bad).toEqual([]);
  });

  it.skipIf(!havePromtool)("promtool rejects what netsnap's parser reports (a broken label value)", () => {
    const text = '# HELP x_total x\n# TYPE x_total counter\nx_total{a="1} 2\n';
    expect(spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' }).status).not.toBe(0);
    expect(parsePromText(text).problems.map((p) => p.line)).toEqual([3]);
  });
});
