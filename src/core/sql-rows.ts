import { sql, type RawBuilder } from 'kysely';
import { perDatabase } from './batcher.js';
import type { Db } from './db.js';

interface Column {
  type: string;
  hasDefault: boolean;
}

const columnsOf = perDatabase((db: Db) => new Map<string, Promise<Map<string, Column>>>());

/** A table's columns with their types, read once per database and table. */
function tableColumns(db: Db, table: string): Promise<Map<string, Column>> {
  const known = columnsOf(db);
  let columns = known.get(table);
  if (!columns) {
    columns = sql<{ name: string; type: string; has_default: boolean }>`
      select column_name as name, udt_name as type, (column_default is not null or is_identity = 'YES') as has_default
      from information_schema.columns where table_schema = current_schema() and table_name = ${table}`
      .execute(db)
      .then(({ rows }) => new Map(rows.map((r) => [r.name, { type: r.type, hasDefault: r.has_default }])));
    // A failed read (the database restarting) is tried again next time rather than remembered.
    columns.catch(() => known.delete(table));
    known.set(table, columns);
  }
  return columns;
}

/** Values as PostgreSQL's array input reads them on both backends. */
function element(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if ((type === 'jsonb' || type === 'json') && typeof value !== 'string') return JSON.stringify(value);
  return value;
}

/**
 * `INSERT INTO table (…) SELECT * FROM unnest($1::type[], $2::type[], …)`: one array per
 * column, so the statement's text and its parameter count stay the same whatever the number
 * of rows. A VALUES list of a batch of two hundred rows of forty columns is eight thousand
 * parameters for PostgreSQL to parse and plan, and for the query builder to compile.
 *
 * Every column any row names is written; a row that leaves one out writes null there, so a
 * column with a default must be given by every row or by none (checked).
 */
export async function unnestInsert(db: Db, table: string, rows: Record<string, unknown>[]): Promise<RawBuilder<unknown>> {
  const columns = await tableColumns(db, table);
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const arrays = names.map((name) => {
    const column = columns.get(name);
    if (!column) throw new Error(`${table} has no column ${name}`);
    const values = rows.map((r) => r[name]);
    if (column.hasDefault && values.some((v) => v === undefined)) {
      throw new Error(`${table}.${name} has a default: give it in every row or in none`);
    }
    return sql`${values.map((v) => element(v, column.type))}::${sql.raw(`${column.type}[]`)}`;
  });
  return sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))}) select * from unnest(${sql.join(arrays)})`;
}
