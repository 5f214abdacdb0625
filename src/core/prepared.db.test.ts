import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, testDatabase } from '../../test/db.js';
import type { Database } from './db.js';
import { preparedName } from './postgres-pool.js';
import { prepared } from './sql.js';

let database: Database;
beforeAll(async () => { database = await testDatabase(); });
afterAll(async () => { await database.close(); });

describe('prepared statements', () => {
  it('are named by their whole text, mark first after any indentation', () => {
    const a = preparedName('\n    /* prepared: intake, cases 2^10 */ select 1');
    expect(a).toMatch(/^p[0-9a-f]{24}$/);
    expect(preparedName('/* prepared: intake, cases 2^11 */ select 1')).not.toBe(a);
    expect(preparedName('select 1 /* prepared: intake */')).toBeUndefined();
    expect(preparedName('select 1')).toBeUndefined();
    expect(() => prepared('a */ drop table cases; /*')).toThrow(/comment/);
  });

  it('answer like any other statement, with their parameters', async () => {
    const run = (n: number) => sql<{ twice: number }>`
      ${prepared('test')} select ${n}::int * 2 as twice`.execute(database.db);
    expect((await run(2)).rows).toEqual([{ twice: 4 }]);
    expect((await run(21)).rows).toEqual([{ twice: 42 }]);
  });

  it.runIf(BACKEND === 'postgres')('are parsed once per connection on PostgreSQL', async () => {
    await database.db.connection().execute(async (conn) => {
      for (let n = 0; n < 7; n++) await sql`${prepared('test once')} select count(*) from audit_log where id > ${n}`.execute(conn);
      const { rows } = await sql<{ runs: number }>`
        select (generic_plans + custom_plans)::int as runs from pg_prepared_statements where statement like '%prepared: test once%'`.execute(conn);
      expect(rows).toEqual([{ runs: 7 }]);
    });
  });

  it.runIf(BACKEND === 'postgres')('leave every other statement planned for its own parameters', async () => {
    // Forced generic plans (set for the prepared statements' sake) planned a case list's
    // `path LIKE $1` without its prefix: a whole index read where one district's part would do.
    await database.db.connection().execute(async (conn) => {
      await sql`${prepared('test mode')} select 1`.execute(conn);
      const { rows } = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(conn);
      expect(rows).toEqual([{ plan_cache_mode: 'auto' }]);
    });
  });
});
