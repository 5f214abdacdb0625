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
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'bench/**/*.test.ts'], exclude: ['**/*.db.test.ts', 'node_modules/**'] } },
      dbProject('pglite', 'pglite'),
      ...(process.env.TEST_DATABASE_URL ? [dbProject('postgres', 'postgres')] : []),
    ],
  },
});
