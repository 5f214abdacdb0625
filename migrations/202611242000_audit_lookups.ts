import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * What an auditor asks of the trail: everything done to one record (a case, a user) and what
 * happened in a period. Without these both walk the whole log, several rows for every case the
 * city ever took in. The period's index is a BRIN: rows arrive in time order, so a few pages
 * of summaries answer it, and it costs appends next to nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index audit_log_target on audit_log (target_type, target_id, id)`.execute(db);
  await sql`create index audit_log_at on audit_log using brin (at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index audit_log_at`.execute(db);
  await sql`drop index audit_log_target`.execute(db);
}
