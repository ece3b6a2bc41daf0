import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships CommonJS (`main`, what Node loads for the libraries) and ESM (`module`,
    // what Vite would pick for src/): one copy, or GraphQLError/GraphQLSchema stop matching.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The machine has two cores; a few workers keep the loopback-server tests honest.
    maxWorkers: 3,
  },
});
