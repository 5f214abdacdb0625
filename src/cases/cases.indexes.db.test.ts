import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/db.js';
import type { Database } from '../core/db.js';

let database: Database;
beforeAll(async () => { database = await testDatabase(); });
afterAll(async () => { await database.close(); });

/**
 * The indexes of an empty table, where the planner would rather read the table: it is told not to,
 * so the plan shows which indexes can serve a condition at all.
 */
async function indexesFor(condition: string, types: string): Promise<string[]> {
  return database.db.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    // A prepared statement may settle on a plan for any parameters (sql.ts): the harder case, so these are.
    await sql`set plan_cache_mode = force_generic_plan`.execute(conn);
    try {
      await sql.raw(`prepare q(${types}) as select id from cases where ${condition}`).execute(conn);
      const args = types.split(',').map((t) => (t.trim() === 'bigint' ? '1' : `'2026-01-01'`)).join(', ');
      const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain execute q(${args})`).execute(conn);
      return [...new Set(rows.flatMap((r) => [...r['QUERY PLAN'].matchAll(/(?:using|on) (cases_\w+)/g)].map((m) => m[1])))];
    } finally {
      await sql`deallocate all`.execute(conn);
      await sql`reset enable_seqscan`.execute(conn);
      await sql`reset plan_cache_mode`.execute(conn);
    }
  });
}

describe('the partial indexes of cases (left without the cases that have no value yet)', () => {
  it('serve a period of each of the loop\'s timestamps, even planned for any parameters', async () => {
    for (const column of ['registered_at', 'dispatched_at', 'closed_at', 'due_at']) {
      expect(await indexesFor(`${column} >= $1 and ${column} < $2`, 'timestamptz, timestamptz')).toEqual([`cases_${column}`]);
    }
  });

  it('serve a department\'s cases', async () => {
    expect(await indexesFor('department_id = $1', 'bigint')).toEqual(expect.arrayContaining([expect.stringMatching(/^cases_department/)]));
  });

  it('serve the figures\' question of what a period touched, each timestamp by its own index', async () => {
    const touched = ['created_at', 'registered_at', 'dispatched_at', 'closed_at', 'due_at']
      .map((c) => `(${c} >= $1 and ${c} < $2)`).join(' or ');
    expect((await indexesFor(touched, 'timestamptz, timestamptz')).sort())
      .toEqual(['cases_closed_at', 'cases_created', 'cases_dispatched_at', 'cases_due_at', 'cases_registered_at']);
  });
});
