import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS entry (the package has no exports map); Vite would
    // pick the `module` entry instead, giving the tests a second copy of graphql next to the one
    // Apollo and GraphQL Armor load. One copy, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests start real loopback servers; two workers suit the 2-core machines CI runs on.
    maxWorkers: 2,
  },
});
