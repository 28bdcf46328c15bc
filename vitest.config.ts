import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Model tests are CPU-heavy on a 2-core machine; run files one at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
