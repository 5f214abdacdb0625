import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * Response templates (回复模板, 常用语): the standard wording of an answer or a note, with
 * placeholders filled from the case. Owned by an admin unit (or the whole instance) and shared
 * down its subtree, as a city's wording serves every district while a district's stays its own.
 * Deleting one only marks it, so the audit trail can still say what a template id said.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_response_templates')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 100`))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 4000`))
    // A JSON array of the workflow's action names the wording fits.
    .addColumn('actions', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(actions) = 'array' and jsonb_array_length(actions) > 0`))
    .addColumn('category_prefix', 'text', (c) => c.references('case_categories.code'))
    // Null with path '' for the whole instance.
    .addColumn('admin_unit_id', 'bigint', (c) => c.references('admin_units.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('created_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await sql`create index case_response_templates_path on case_response_templates (path text_pattern_ops) where deleted_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_response_templates').execute();
}
