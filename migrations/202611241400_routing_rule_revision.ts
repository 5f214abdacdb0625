import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * Servers hold the dispatch catalogue in memory and ask whether it changed; a rule
 * changed in place must move the answer, so each rule keeps the time it last changed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table routing_rules add column updated_at timestamptz not null default now()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table routing_rules drop column updated_at`.execute(db);
}
