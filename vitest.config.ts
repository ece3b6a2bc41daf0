import { defineConfig } from 'vitest/config';

/** Tests with a wall-clock bound on a loaded machine: they run after everything else, alone. */
const TIMING_SENSITIVE = ['test/accounting/crash.test.ts'];

export default defineConfig({
  resolve: {
    // graphql ships CommonJS (`main`, what Node loads for the libraries) and ESM (`module`,
    // what Vite would pick for src/): one copy, or GraphQLError/GraphQLSchema stop matching.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The machine has two cores; a few workers keep the loopback-server tests honest.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...TIMING_SENSITIVE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The crash test's "completed 100 ms before the kill" is a real-time promise: measured
        // while other test files load both cores, it measures the load, not the gateway.
        extends: true,
        test: {
          name: 'isolated',
          include: TIMING_SENSITIVE,
          sequence: { groupOrder: 1 },
          maxWorkers: 1,
        },
      },
    ],
  },
});
