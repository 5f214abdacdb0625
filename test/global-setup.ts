import pg from 'pg';

/**
 * Test files work in schemas of their own in the shared test database. Dropping one while
 * another file migrates breaks that file: Kysely's migrator reads the catalogue of every
 * schema. So schemas are dropped once, here, after every file has finished.
 */
export default function setup() {
  return async function teardown() {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(`select nspname as name from pg_namespace where nspname ~ '^(t|srv)_[0-9a-f]{12}$'`);
      for (const { name } of rows) await client.query(`drop schema if exists ${name} cascade`);
    } finally {
      await client.end();
    }
  };
}
