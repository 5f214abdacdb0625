import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * What a case taken in under an Idempotency-Key was asked to be: a digest of the request. A
 * retry carries the same request and is answered with the first case; the same key with another
 * request is a client's mistake (a key reused for a second call), refused rather than answered
 * with a case that is not the one it described, as the IETF's Idempotency-Key draft asks.
 * Cases taken in before this column have none, and any request with their key is taken as a retry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases add column intake_fingerprint text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases drop column intake_fingerprint`.execute(db);
}
