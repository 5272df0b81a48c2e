import { defineConfig } from 'vitest/config';

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
  },
});
