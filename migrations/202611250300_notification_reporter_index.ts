import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * What reporters in a jurisdiction were told (GET /api/v1/notifications?audience=reporters), read
 * unit by unit for a community or a township. Without it the newest-first walk of the whole outbox
 * passes over every other area's messages: 0.6 s for a community with none among five million.
 * Partial, so staff messages cost intake nothing here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index notifications_reporters on notifications (path text_pattern_ops, id)
    where user_id is null and department_id is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index notifications_reporters`.execute(db);
}
