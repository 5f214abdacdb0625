import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admin_units')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('city', 'district', 'township', 'community')`))
    .addColumn('parent_id', 'bigint', (c) => c.references('admin_units.id'))
    // '/1/5/77/': the ids from the root down, so a jurisdiction is a prefix match.
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('boundary', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index admin_units_path on admin_units (path text_pattern_ops)`.execute(db);
  await db.schema.createIndex('admin_units_parent').on('admin_units').column('parent_id').execute();

  await db.schema
    .createTable('departments')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('admin_unit_id', 'bigint', (c) => c.notNull().references('admin_units.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('departments_admin_unit').on('departments').column('admin_unit_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'bigint', (c) => c.references('admin_units.id'))
    .addColumn('department_id', 'bigint', (c) => c.references('departments.id'))
    .addColumn('phone_enc', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('password_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('users_jurisdiction').on('users').column('jurisdiction_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('jurisdiction_id', 'bigint', (c) => c.notNull().references('admin_units.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('grids')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('community_id', 'bigint', (c) => c.notNull().references('admin_units.id'))
    // The community's path, copied so scoped lists need no join.
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('boundary', 'jsonb', (c) => c.notNull())
    .addColumn('min_lon', 'float8', (c) => c.notNull())
    .addColumn('min_lat', 'float8', (c) => c.notNull())
    .addColumn('max_lon', 'float8', (c) => c.notNull())
    .addColumn('max_lat', 'float8', (c) => c.notNull())
    .addColumn('area_m2', 'float8', (c) => c.notNull())
    .addColumn('households', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index grids_path on grids (path text_pattern_ops, code)`.execute(db);
  await db.schema.createIndex('grids_community').on('grids').column('community_id').execute();

  await db.schema
    .createTable('grid_members')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('grid_id', 'bigint', (c) => c.notNull().references('grids.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('worker', 'leader', 'police_officer', 'judge', 'prosecutor', 'lawyer')`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('organization', 'text')
    .addColumn('phone_enc', 'text')
    .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('grid_members_grid').on('grid_members').column('grid_id').execute();
  await db.schema.createIndex('grid_members_user').on('grid_members').column('user_id').execute();

  // Append-only, hash-chained. Rows are written inside the business transaction and
  // sealed into the chain (chain_no, prev_hash, hash) by the sealer shortly after.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_id', 'bigint')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('scope_path', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('ip', 'text')
    .addColumn('request_id', 'text')
    .addColumn('chain_no', 'bigint', (c) => c.unique())
    .addColumn('prev_hash', 'text')
    .addColumn('hash', 'text')
    .execute();
  await sql`create index audit_log_unsealed on audit_log (id) where chain_no is null`.execute(db);
  await sql`create index audit_log_scope on audit_log (scope_path text_pattern_ops, id)`.execute(db);
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.hash is null
         and (to_jsonb(new) - 'chain_no' - 'prev_hash' - 'hash') = (to_jsonb(old) - 'chain_no' - 'prev_hash' - 'hash') then
        return new;
      end if;
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
  await sql`create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'grid_members', 'grids', 'api_keys', 'sessions', 'users', 'departments', 'admin_units']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function audit_log_append_only`.execute(db);
}
