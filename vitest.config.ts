import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Two projects, both run by `npm test`:
 * - `unit` (`npm run test:unit`): everything outside test/e2e — functions, and gateways on
 *   loopback inside the test process.
 * - `e2e` (`npm run test:e2e`): test/e2e — real processes (dist/main.js), a real browser, Redis.
 *
 * No test asserts wall-clock time, so the timeouts below are generous bounds that only matter
 * when something hangs; a loaded 2-core machine makes tests slower, never wrong.
 */
export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS entry (the package has no exports map); Vite would
    // pick the `module` entry instead, giving the tests a second copy of graphql next to the one
    // Apollo and GraphQL Armor load. One copy, as in production. Both projects inherit it.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // Tests start real loopback servers; two workers suit the 2-core machines CI runs on.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Child processes load their modules on a CPU that others saturate; polls bound
          // themselves at 60 s (test/helpers/until.ts), so a test gets more than that.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
