import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

/**
 * The same rule as before (the foundation migration), checked column by column. Sealing updates
 * every audit row once, and the trigger turned both versions of each row into jsonb to compare
 * them: 48 µs a row of PostgreSQL's time, against 27 µs this way, under intake at full load, where
 * every case writes an audit row. A column added to audit_log later must be added here too
 * (src/core/audit-chain.db.test.ts edits every column and fails otherwise).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.hash is null
         and new.id = old.id and new.at = old.at
         and new.actor_id is not distinct from old.actor_id and new.actor_name is not distinct from old.actor_name
         and new.actor_role is not distinct from old.actor_role and new.action = old.action
         and new.target_type is not distinct from old.target_type and new.target_id is not distinct from old.target_id
         and new.scope_path is not distinct from old.scope_path and new.before is not distinct from old.before
         and new.after is not distinct from old.after and new.ip is not distinct from old.ip
         and new.request_id is not distinct from old.request_id then
        return new;
      end if;
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.hash is null
         and (to_jsonb(new) - 'chain_no' - 'prev_hash' - 'hash') = (to_jsonb(old) - 'chain_no' - 'prev_hash' - 'hash') then
        return new;
      end if;
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
}
