import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * Every staff intake looks for open cases of its category within a hundred metres. Read by
 * category and time, that walks every open case of the category in the window (thousands in
 * a busy city, per intake); read by category and longitude, it walks a strip a few hundred
 * metres wide.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index cases_open_near on cases (category_code, lon, lat) where closed_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cases_open_near`.execute(db);
}
