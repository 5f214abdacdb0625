import { defineConfig } from 'vitest/config';

// Pure tests run once. Tests that touch the database (*.db.test.ts) run on the embedded
// PGlite, and again on real PostgreSQL when TEST_DATABASE_URL is set.
const dbProject = (name: string, backend: string) => ({
  extends: true as const,
  test: {
    name,
    include: ['src/**/*.db.test.ts', 'test/**/*.db.test.ts'],
    env: { TEST_BACKEND: backend },
    // One PGlite per worker, shared by its files, each file in a fresh schema:
    // creating a PGlite takes seconds and most of a gigabyte.
    isolate: false,
  },
});

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'web/src/**/*.test.ts'], exclude: ['**/*.db.test.ts', 'node_modules/**'] } },
      dbProject('pglite', 'pglite'),
      ...(process.env.TEST_DATABASE_URL ? [dbProject('postgres', 'postgres')] : []),
      // Browser tests: one real server (built web app, small seeded demo) for all files, one file at a time,
      // after the other projects so they do not compete for the CPU.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          // A page under a loaded CI machine takes seconds, not the default second, to settle.
          expect: { poll: { timeout: 10_000 } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
