import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files of two full runs (vitest --reporter=json, 2 cores), slowest first. Vitest orders
 * files by their last duration, but a clean clone has no duration cache and then it orders them by
 * size, which can leave a long file to start last and run alone at the end. Files not listed (and
 * every file once durations are cached) keep vitest's own order.
 */
const SLOW_FIRST = [
  'test/trace-kernel-scenarios.test.ts',
  'test/ablation.test.ts',
  'test/ablation-2.test.ts',
  'test/collector/probe.test.ts',
  'test/redact/scenarios.test.ts',
  'test/redact/scenarios-2.test.ts',
  'test/collector/metrics.test.ts',
  'test/tui/tmux-80x24.test.ts',
  'test/fixtures-fresh.test.ts',
  'test/collector/read-only.test.ts',
  'test/hostile-commands.test.ts',
  'test/catalog.test.ts',
  'test/cli/flags.test.ts',
  'test/lint/layers.test.ts',
  'test/cli/inputs.test.ts',
  'test/tui/tmux.test.ts',
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const cached = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`) !== undefined;
    if (sorted.every(cached)) return sorted;
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(relative(root, f.moduleId));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    // Array.prototype.sort is stable: unlisted files keep vitest's order after the listed ones
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: [
      'analyzer/**/*.test.ts',
      'tui/**/*.test.{ts,tsx}',
      'fixtures/**/*.test.ts',
      'test/**/*.test.{ts,tsx}',
      'bench/**/*.test.ts',
    ],
    exclude: ['dist/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default in a run is availableParallelism() - 1 workers: ONE on the 2-core CI
    // machine, so all files ran one after another. Much of the suite waits on child processes
    // (the CLI, sh, ip netns, tmux, chromium), so two workers on two cores overlap that waiting
    // with another file's CPU work. VITEST_MAX_WORKERS or --maxWorkers still override this.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SlowFirstSequencer },
  },
});
