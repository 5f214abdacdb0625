import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/** What the public front door needs: a secret link per case and who sent it in. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cases')
    .addColumn('public_secret_hash', 'text')
    .addColumn('reporter_email_enc', 'text')
    .addColumn('api_key_id', 'bigint', (c) => c.references('api_keys.id'))
    .addColumn('rating_comment', 'text')
    .execute();
  await sql`create index cases_ticket on cases (ticket_no)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cases_ticket`.execute(db);
  await db.schema.alterTable('cases')
    .dropColumn('public_secret_hash').dropColumn('reporter_email_enc').dropColumn('api_key_id').dropColumn('rating_comment')
    .execute();
}
