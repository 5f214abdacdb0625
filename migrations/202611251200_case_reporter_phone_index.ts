import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * A repeat caller is looked up by their number, which is stored only encrypted (with a random IV,
 * so equal numbers never look alike). Beside it, a keyed hash of the number's digits (a blind
 * index: HMAC-SHA256 under a key derived from the secret key) finds equal numbers without
 * revealing any. Cases taken in before this column have none until `shiyu` fills it at start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases add column reporter_phone_index text`.execute(db);
  await sql`create index cases_reporter_phone_index on cases (reporter_phone_index) where reporter_phone_index is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cases_reporter_phone_index`.execute(db);
  await sql`alter table cases drop column reporter_phone_index`.execute(db);
}
