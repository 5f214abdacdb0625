import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // The taxonomy (GB/T 30428.2 events and components, 12345 subjects); leaves carry
  // their own registration and closing conditions and time limits.
  await db.schema
    .createTable('case_categories')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('parent_code', 'text', (c) => c.references('case_categories.code'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('event', 'component', 'subject')`))
    .addColumn('triage', 'text', (c) => c.check(sql`triage in ('government', 'community', 'private')`))
    .addColumn('department_kind', 'text')
    .addColumn('register_condition', 'text')
    .addColumn('close_condition', 'text')
    .addColumn('limits', 'jsonb')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Days off on weekdays and working weekends; editable, seeded with the State Council's arrangements.
  await db.schema
    .createTable('calendar_days')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('working', 'boolean', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();

  // The dispatch catalogue (派单目录): category × admin unit → department, inherited down the tree.
  await db.schema
    .createTable('routing_rules')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('category_code', 'text', (c) => c.notNull().references('case_categories.code'))
    .addColumn('admin_unit_id', 'bigint', (c) => c.notNull().references('admin_units.id'))
    .addColumn('department_id', 'bigint', (c) => c.notNull().references('departments.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('routing_rules_category_unit', ['category_code', 'admin_unit_id'])
    .execute();

  // Ticket numbers are the day and a running number. A sequence, not a counter row, so
  // that concurrent intakes never wait on each other's transactions for a number.
  await sql`create sequence case_ticket_seq`.execute(db);

  await db.schema
    .createTable('cases')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('ticket_no', 'text', (c) => c.notNull())
    .addColumn('city_id', 'bigint', (c) => c.notNull().references('admin_units.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('category_code', 'text', (c) => c.references('case_categories.code'))
    .addColumn('triage', 'text')
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('lon', 'float8')
    .addColumn('lat', 'float8')
    .addColumn('grid_id', 'bigint', (c) => c.references('grids.id'))
    .addColumn('admin_unit_id', 'bigint', (c) => c.notNull().references('admin_units.id'))
    // The path of the case's admin unit: jurisdiction checks are a prefix match.
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('department_id', 'bigint', (c) => c.references('departments.id'))
    .addColumn('reporter_name_enc', 'text')
    .addColumn('reporter_phone_enc', 'text')
    .addColumn('confidential', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('intake_key', 'text', (c) => c.unique())
    .addColumn('due_at', 'timestamptz')
    .addColumn('registered_at', 'timestamptz')
    .addColumn('dispatched_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('merged_into_id', 'bigint', (c) => c.references('cases.id'))
    .addColumn('satisfaction', 'smallint')
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extension_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('cases_ticket_no', ['city_id', 'ticket_no'])
    .execute();
  await sql`create index cases_path_created on cases (path text_pattern_ops, created_at desc, id desc)`.execute(db);
  await sql`create index cases_status on cases (status, due_at)`.execute(db);
  await sql`create index cases_department on cases (department_id, status)`.execute(db);
  await sql`create index cases_grid on cases (grid_id, created_at desc)`.execute(db);
  await sql`create index cases_created on cases (created_at desc, id desc)`.execute(db);

  // Every department a case is dispatched to: one lead, any number supporting (中心吹哨、部门报到).
  await db.schema
    .createTable('case_assignments')
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('department_id', 'bigint', (c) => c.notNull().references('departments.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('lead', 'support')`))
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addPrimaryKeyConstraint('case_assignments_pk', ['case_id', 'department_id'])
    .execute();
  await db.schema.createIndex('case_assignments_department').on('case_assignments').columns(['department_id', 'active']).execute();

  // The timeline: every action on a case with who, when and why.
  await db.schema
    .createTable('case_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_id', 'bigint')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('detail', 'jsonb')
    .execute();
  await db.schema.createIndex('case_events_case').on('case_events').columns(['case_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['case_events', 'case_assignments', 'cases', 'routing_rules', 'calendar_days', 'case_categories']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop sequence case_ticket_seq`.execute(db);
}
