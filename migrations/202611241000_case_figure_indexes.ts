import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * The figures read the cases a period touched by each of its timestamps, and the
 * figures by post read the timeline by time; without these a month's figures scan
 * every case ever received.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['registered_at', 'dispatched_at', 'closed_at', 'due_at']) {
    await sql`create index ${sql.raw(`cases_${column}`)} on cases (${sql.ref(column)})`.execute(db);
  }
  await sql`create index case_events_at on case_events (at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['cases_registered_at', 'cases_dispatched_at', 'cases_closed_at', 'cases_due_at', 'case_events_at']) {
    await sql`drop index ${sql.raw(name)}`.execute(db);
  }
}
