import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * Whether the reporter agreed that anyone may see what they wrote (description, address, the
 * point and their photos) by the ticket number or in Open311's list. Ticket numbers run in
 * order, so without this a stranger could read every citizen's report by counting. Requests
 * sent through Open311 were public under GeoReport's model and stay so; reports made on the
 * citizens' page before this column asked nobody, so they become private.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases add column shown_publicly boolean not null default false`.execute(db);
  await sql`update cases set shown_publicly = true where channel = 'open311' and not confidential`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases drop column shown_publicly`.execute(db);
}
