// Lint: the layer rules of ARCHITECTURE.md as import restrictions, per folder, plus a few
// correctness rules the code passes. `npm run lint` runs it; CI (scripts/run-tests.mjs) fails on it.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node's built-in modules, with and without the node: prefix. */
const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'http',
  'https',
  'net',
  'url',
  'util',
  'stream',
  'events',
  'module',
];

/** Imports a folder may not make: `group` patterns are matched against the import specifier. */
const LAYERS = {
  // The engine is plain TypeScript on Node: no UI, no Electron, no transports above it.
  'src/engine': ['electron', 'svelte', 'svelte/*', '**/renderer/**', '**/main/**', '**/preload/**', '**/server/**', '**/cli/**'],
  // The UI reaches the engine only through the typed API, whatever the transport.
  'src/renderer': [...NODE_BUILTINS, 'electron', '**/engine/**', '**/main/**', '**/preload/**', '**/server/**', '**/cli/**'],
  // The contract imports nothing of ours outside src/shared, and nothing platform-specific.
  'src/shared': [...NODE_BUILTINS, 'electron', 'svelte', '../**'],
  // Electron's main process wires IPC to the engine; it does not borrow from the HTTP transport.
  'src/main': ['svelte', '**/renderer/**', '**/server/**', '**/cli/**'],
  'src/preload': ['svelte', '**/engine/**', '**/renderer/**', '**/main/**', '**/server/**', '**/cli/**'],
  'src/server': ['electron', 'svelte', '**/renderer/**', '**/main/**', '**/preload/**', '**/cli/**'],
  'src/cli': ['electron', 'svelte', '**/renderer/**', '**/main/**', '**/preload/**'],
};

/** Inside the engine: tokenizers are a leaf below models (models import tokenize, never the reverse). */
const ENGINE_LEAVES = {
  'src/engine/tokenize': ['**/models/**', '**/train/**', '**/dedup/**', '**/api/**'],
  'src/engine/store': ['**/api/**', '**/train/**', '**/dedup/**', '**/models/**'],
};

const restrict = (patterns, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message: why }] }],
});

const layerConfigs = Object.entries(LAYERS).map(([folder, patterns]) => ({
  files: [`${folder}/**/*.ts`, `${folder}/**/*.svelte`, `${folder}/**/*.mjs`],
  rules: restrict(patterns, `${folder} may not import this (layer rules, see eslint.config.js and ARCHITECTURE.md).`),
}));
const leafConfigs = Object.entries(ENGINE_LEAVES).map(([folder, patterns]) => ({
  files: [`${folder}/**/*.ts`],
  // A later block replaces the rule for its files, so the engine's own restrictions are repeated here.
  rules: restrict([...LAYERS['src/engine'], ...patterns], `${folder} may not import this (layer rules, see eslint.config.js).`),
}));

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'resources/**', 'src/renderer/dist/**', '**/*.d.ts'],
  },
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs,svelte}'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  {
    files: ['**/*.{ts,mts,cts}'],
    languageOptions: { parser: tseslint.parser },
  },
  ...svelte.configs['flat/base'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: [
      'src/engine/**',
      'src/main/**',
      'src/preload/**',
      'src/server/**',
      'src/cli/**',
      'scripts/**',
      'bench/**',
      'tests/**',
      'e2e/**',
      'bin/**',
      '*.config.*',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Correctness rules the whole code base passes today; more can be turned on as code is cleaned.
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs,svelte}'],
    rules: {
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-duplicate-case': 'error',
      'no-self-assign': 'error',
      'no-unreachable': 'error',
      'no-unsafe-finally': 'error',
      'no-sparse-arrays': 'error',
      'no-empty-character-class': 'error',
      'no-invalid-regexp': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  ...layerConfigs,
  ...leafConfigs,
);
