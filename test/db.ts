import crypto from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { createPGlite, openDatabase, type Database } from '../src/core/db.js';
import { migrateToLatest } from '../src/core/migrate.js';

/** Which backend this test run uses: set per vitest project. */
export const BACKEND = process.env.TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

declare global {
  // One embedded database per test worker, shared by its files (see vitest.config.ts).
  var __shiyuPglite: Promise<PGlite> | undefined;
}

/**
 * A fresh, migrated database for one test file: its own schema on the worker's PGlite,
 * or on the PostgreSQL at TEST_DATABASE_URL. `close` drops the schema.
 */
export async function testDatabase(): Promise<Database & { schema: string }> {
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  if (BACKEND === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_BACKEND=postgres needs TEST_DATABASE_URL');
    await runSql(url, `create schema ${schema}`);
    const database = await openDatabase({ databaseUrl: url, schema, poolSize: 8 });
    await migrateToLatest(database.db);
    return {
      ...database,
      schema,
      // The schema is dropped after the whole run (test/global-setup.ts), not while others migrate.
      close: () => database.close(),
    };
  }
  globalThis.__shiyuPglite ??= createPGlite();
  const pglite = await globalThis.__shiyuPglite;
  await pglite.exec(`create schema ${schema}`);
  const database = await openDatabase({ pglite, schema });
  await migrateToLatest(database.db);
  return {
    ...database,
    schema,
    close: async () => {
      await database.close();
      await pglite.exec(`set search_path to public; drop schema ${schema} cascade`);
    },
  };
}

async function runSql(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
