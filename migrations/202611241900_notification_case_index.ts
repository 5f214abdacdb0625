import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * A case's page lists what its reporter and departments were told (GET /api/v1/notifications?caseId=).
 * Without an index that walks the whole outbox: several messages for every case the city ever took in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index notifications_case on notifications (case_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index notifications_case`.execute(db);
}
