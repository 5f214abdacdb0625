import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/** Each index and the column whose NULLs it leaves out, with the key it is built on. */
const PARTIAL = [
  { name: 'cases_department', column: 'department_id', key: 'department_id, status' },
  { name: 'cases_department_created', column: 'department_id', key: 'department_id, created_at desc, id desc' },
  { name: 'cases_registered_at', column: 'registered_at', key: 'registered_at' },
  { name: 'cases_dispatched_at', column: 'dispatched_at', key: 'dispatched_at' },
  { name: 'cases_closed_at', column: 'closed_at', key: 'closed_at' },
  { name: 'cases_due_at', column: 'due_at', key: 'due_at' },
];

/**
 * The indexes of cases by department and by the loop's timestamps leave out the cases that have
 * none yet. A new case has no department, is not dispatched or closed (and, from the public doors,
 * not registered or timed): each intake wrote a NULL entry into each of these, six of the table's
 * twenty indexes, that no query reads. Every query that uses them compares the column (`=`, a
 * range), which the planner knows excludes NULLs, so the same plans remain; the open cases are
 * found through `cases_open_created`, as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { name, column, key } of PARTIAL) {
    await sql`drop index ${sql.raw(name)}`.execute(db);
    await sql`create index ${sql.raw(name)} on cases (${sql.raw(key)}) where ${sql.ref(column)} is not null`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const { name, key } of PARTIAL) {
    await sql`drop index ${sql.raw(name)}`.execute(db);
    await sql`create index ${sql.raw(name)} on cases (${sql.raw(key)})`.execute(db);
  }
}
