import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * The case list at ten million cases (cases.list.repo.ts). A page is the newest matching cases, so
 * each filter that can be narrow gets an index that reads its matches already in list order
 * (created_at desc, id desc) instead of sorting them all, and the capped count reads the same range
 * and stops early. Broad filters (a district, "closed", the whole city) are served by cases_created
 * and cases_path_created from the first cases migration. Open cases are few among all cases:
 * `overdue` reads a partial index of them, with due_at in the key so the test needs no table row.
 * A department's list is the cases it leads, in order by the lead department on the case, and the
 * cases it supports, read from a small partial index of supporting assignments.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index cases_status_created on cases (status, created_at desc, id desc)`.execute(db);
  await sql`create index cases_channel_created on cases (channel, created_at desc, id desc)`.execute(db);
  await sql`create index cases_category_created on cases (category_code text_pattern_ops, created_at desc, id desc)`.execute(db);
  await sql`create index cases_department_created on cases (department_id, created_at desc, id desc)`.execute(db);
  await sql`create index cases_open_created on cases (created_at desc, id desc, due_at) where closed_at is null`.execute(db);
  await sql`create index case_assignments_support on case_assignments (department_id, case_id) where active and role = 'support'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const names = ['cases_status_created', 'cases_channel_created', 'cases_category_created', 'cases_department_created', 'cases_open_created', 'case_assignments_support'];
  for (const name of names) await sql`drop index ${sql.raw(name)}`.execute(db);
}
