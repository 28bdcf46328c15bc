import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the renderer's .svelte.ts modules (runes) for the tests of its pure logic.
  plugins: [svelte()],
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
