import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * The case list at ten million cases (cases.list.repo.ts). A page is the newest matching cases, so
 * each filter that can be narrow gets an index that reads its matches already in list order
 * (created_at desc, id desc) instead of sorting them all; the capped count reads the same range
 * and stops early. Broad filters (a district, "closed", the whole city) are served by cases_created
 * and cases_path_created from the first cases migration. Open cases are few among all cases:
 * `overdue` reads a partial index of them, with due_at in the key so the test needs no table row.
 * Departments: the assignments of one department, for a department's list and its count.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index cases_status_created on cases (status, created_at desc, id desc)`.execute(db);
  await sql`create index cases_channel_created on cases (channel, created_at desc, id desc)`.execute(db);
  await sql`create index cases_category_created on cases (category_code text_pattern_ops, created_at desc, id desc)`.execute(db);
  await sql`create index cases_open_created on cases (created_at desc, id desc, due_at) where closed_at is null`.execute(db);
  await sql`create index case_assignments_active_department on case_assignments (department_id, case_id) where active`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['cases_status_created', 'cases_channel_created', 'cases_category_created', 'cases_open_created', 'case_assignments_active_department']) {
    await sql`drop index ${sql.raw(name)}`.execute(db);
  }
}
