import { defineConfig } from 'vitest/config';

// Log lines (the functions' Powertools JSON included, see the setup file) are kept with the test
// that printed them and shown when it fails; DEBUG=1 prints them all as they come.
const quiet = { setupFiles: ['test/support/quiet-output.ts'] };
// As printsEverything() in test/support/test-output.ts (Vite loads this file without resolving it).
const printsEverything = Boolean(process.env.DEBUG || process.env.E2E_VERBOSE);

// One config, one project per test tier; `npm test` runs them all.
export default defineConfig({
  test: {
    reporters: ['default'],
    silent: printsEverything ? false : 'passed-only',
    coverage: {
      provider: 'v8',
      include: ['shared/**', 'functions/**', 'lib/local/**'],
      reporter: ['text-summary', 'html'],
      // Just under what the suite reaches today (statements 91.6, branches 82.8, functions 91.7,
      // lines 93.5): a drop fails `npm test`, and CI with it.
      thresholds: { lines: 90, functions: 88, branches: 80, statements: 88 },
    },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], ...quiet } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          ...quiet,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          ...quiet,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          ...quiet,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          ...quiet,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
