import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/** The durable scheduler's jobs, and what the deadline job keeps on each case. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per recurring job. The schedule lives here, not in any process's timers: a
  // process claims a due row by setting locked_by/locked_until, runs it and moves run_at on.
  await db.schema
    .createTable('jobs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('period_seconds', 'integer', (c) => c.notNull().check(sql`period_seconds > 0`))
    // The next slot the job is due at; a failed run moves it to the retry time instead.
    .addColumn('run_at', 'timestamptz', (c) => c.notNull())
    // The process running it, and until when its claim holds (renewed while it runs).
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_started_at', 'timestamptz')
    .addColumn('last_run_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'timestamptz')
    // Claims since the last success: 0 when healthy, >1 after failures or crashed runs.
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.alterTable('cases')
    // 0 none, 1 yellow (the last stretch of its time limit), 2 red (past due).
    .addColumn('warning_level', 'smallint', (c) => c.notNull().defaultTo(0).check(sql`warning_level between 0 and 2`))
    // The admin unit an overdue case has been escalated to (community → township → district → city).
    .addColumn('escalated_to_unit_id', 'bigint', (c) => c.references('admin_units.id'))
    .addColumn('last_escalated_at', 'timestamptz')
    .execute();
  // The deadline job looks at warned cases every minute; they are few among all cases.
  await sql`create index cases_warned on cases (warning_level) where warning_level > 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cases_warned`.execute(db);
  await db.schema.alterTable('cases')
    .dropColumn('warning_level').dropColumn('escalated_to_unit_id').dropColumn('last_escalated_at')
    .execute();
  await db.schema.dropTable('jobs').execute();
}
