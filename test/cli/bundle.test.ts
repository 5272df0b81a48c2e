// The package's `bin` runs dist/bundle/netsnap.js (scripts/bundle.mjs, built by `npm run build` and
// `npm test`), while the other tests run tsc's dist/analyzer/cli.js. Both must say the same thing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, netsnap, ROOT } from './run.js';

const BUNDLE = join(ROOT, 'dist', 'bundle');
const BIN = join(BUNDLE, 'netsnap.js');
const STALE = 'dist/bundle is made from dist/ by `node scripts/bundle.mjs`: rebuild it after tsc (npm run build)';

describe('the bundled CLI (dist/bundle)', () => {
  it('is what the package runs, and is built', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.values(pkg.bin)).toEqual(['dist/bundle/netsnap.js', 'dist/bundle/netsnap.js']);
    expect(existsSync(BIN), `${BIN} is missing: npm run build`).toBe(true);
  });

  it('writes the same JSON report as the tsc build on a scenario', () => {
    const args = ['analyze', DEMO, '--format', 'json'];
    const tsc = netsnap(args);
    const bundled = netsnap([BIN, ...args], { bin: process.execPath });
    expect(tsc.code).toBe(1); // the demo has failures
    expect(bundled.code).toBe(tsc.code);
    expect(bundled.err).toBe(tsc.err);
    const report = JSON.parse(bundled.out) as { findings: { ruleId: string; status: string }[] };
    expect(report.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId)).toContain('SYS-104');
    expect(bundled.out, STALE).toBe(tsc.out);
  });

  it('completes the same flags (completion reads every help text through the command table)', () => {
    const tsc = netsnap(['completion', 'bash']);
    const bundled = netsnap([BIN, 'completion', 'bash'], { bin: process.execPath });
    expect(bundled.code, bundled.err).toBe(0);
    expect(bundled.out).toContain('analyze:--fail-on) COMPREPLY=($(compgen -W "critical warning never"');
    expect(bundled.out, STALE).toBe(tsc.out);
  });

  it('has the reading worker beside the chunk that starts it (read-in-worker.ts resolves ./read-worker.js)', () => {
    const files = readdirSync(BUNDLE);
    const starters = files.filter(
      (f) => f.endsWith('.js') && readFileSync(join(BUNDLE, f), 'utf8').includes('new URL("./read-worker.js"'),
    );
    expect(starters).toHaveLength(1);
    expect(files).toContain('read-worker.js');
  });
});
