import { defineConfig } from 'vitest/config';

// Log lines (the functions' Powertools JSON included, see the setup file) are kept with the test
// that printed them and shown when it fails; DEBUG=1 prints them all as they come.
const quiet = { setupFiles: ['test/support/quiet-output.ts'] };
// As printsEverything() in test/support/test-output.ts (Vite loads this file without resolving it).
const printsEverything = Boolean(process.env.DEBUG || process.env.E2E_VERBOSE);

const HEAVY_E2E = [
  'test/e2e/campaign-acceptance.test.ts',
  'test/e2e/email-acceptance.test.ts',
  'test/e2e/kill-restart.test.ts',
  'test/e2e/walkthrough.test.ts',
];

// One config, one project per test tier; `npm test` runs them all.
export default defineConfig({
  test: {
    reporters: ['default'],
    // Every worker's os.tmpdir() is one directory, removed when the run ends (test/support/scratch-tmpdir.ts).
    globalSetup: ['test/support/scratch-tmpdir.ts'],
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core CI
    // machine, with the other core idle while files wait on emulators and CDK synthesis.
    maxWorkers: 3,
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
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          ...quiet,
          // A guard against a hung test, never a speed check (speed lives in the benchmarks): a
          // few unit tests work through tens of MB (the local bus's 45 MB record, the redaction
          // scans), and vitest's default 5 s failed them in the full suite on a slow 2-core machine
          // with every worker busy, while they take 1-2 s alone.
          testTimeout: 30_000,
        },
      },
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
        // Each file starts its own runtime on free ports and its own data directory, so these
        // run beside the other tiers: most of their time is spent waiting on queues and timers.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: HEAVY_E2E,
          ...quiet,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // CPU-bound journeys with timing windows (a wait that must not end before the opens are
        // in, a process killed mid-batch): alone, one after the other, after everything else.
        test: {
          name: 'e2e-serial',
          include: HEAVY_E2E,
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
