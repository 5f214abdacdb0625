import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * What a message to staff says, as data: its kind (a new assignment, a supervision order…) and
 * the values it names, so the web app can show it in the reader's language. `subject` and `body`
 * keep the text as sent. Messages to reporters, and those written before this column, have none:
 * they are shown as they were sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notifications add column kind text, add column params jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notifications drop column kind, drop column params`.execute(db);
}
