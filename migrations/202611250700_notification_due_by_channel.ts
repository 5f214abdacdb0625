import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * Messages due, by channel. Delivery claims the due messages of the channels that have a sender,
 * every five seconds; a channel without one (SMS where no gateway is set) keeps its messages
 * pending for good, and through the index by time alone each claim read all of them: 13,269
 * pending SMS messages cost the claim 4 ms after a benchmark's ten seconds of intake, and a city
 * without a gateway gathers millions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index notifications_due on notifications (channel, next_attempt_at) where status in ('pending', 'sending')`.execute(db);
  await sql`drop index notifications_pending`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index notifications_pending on notifications (next_attempt_at) where status in ('pending', 'sending')`.execute(db);
  await sql`drop index notifications_due`.execute(db);
}
