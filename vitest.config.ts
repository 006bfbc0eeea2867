import { defineConfig } from 'vitest/config';

// One runner for the whole monorepo. `phzzk test` brings infrastructure up first and passes its
// endpoints through the environment (DATABASE_URL, REDIS_URL, KAFKA_BROKERS).
export default defineConfig({
  test: {
    include: ['{packages,services,tools,apps}/*/{src,test}/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.phzzk/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
