import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * Photos of a case: the bytes live under DATA_DIR, content-addressed by their SHA-256, so one
 * photo attached twice to a case is one row and the same bytes on two cases are one file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_photos')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('media_type', 'text', (c) => c.notNull().check(sql`media_type in ('image/jpeg', 'image/png', 'image/webp')`))
    .addColumn('bytes', 'integer', (c) => c.notNull().check(sql`bytes > 0`))
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('report', 'handling', 'verification')`))
    .addColumn('uploaded_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('case_photos_case_sha256', ['case_id', 'sha256'])
    .execute();
  // Which rows share a file, for whoever one day removes files no row names.
  await db.schema.createIndex('case_photos_sha256').on('case_photos').column('sha256').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_photos').execute();
}
