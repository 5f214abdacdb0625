import { sql, type Transaction } from 'kysely';
import type { Db } from '../core/db.js';
import type { DB } from '../core/db.types.js';

type Conn = Db | Transaction<DB>;

export interface DepartmentRecord {
  id: number;
  code: string;
  name: string;
  kind: string;
  adminUnitId: number;
}

export function listDepartments(db: Conn, adminUnitIds: number[] | 'all'): Promise<DepartmentRecord[]> {
  let q = db.selectFrom('departments').select(['id', 'code', 'name', 'kind', 'admin_unit_id as adminUnitId']);
  if (adminUnitIds !== 'all') q = adminUnitIds.length ? q.where('admin_unit_id', 'in', adminUnitIds) : q.where(({ lit }) => lit(false));
  return q.orderBy('code').execute();
}

export async function insertDepartments(db: Conn, rows: Omit<DepartmentRecord, 'id'>[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const out = await db.insertInto('departments')
    .values(rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, admin_unit_id: r.adminUnitId })))
    .returning('id').execute();
  return out.map((r) => r.id);
}

export function allDepartments(db: Conn): Promise<DepartmentRecord[]> {
  return db.selectFrom('departments').select(['id', 'code', 'name', 'kind', 'admin_unit_id as adminUnitId']).execute();
}

/** Changes whenever a department is added or removed (departments are not edited in place). */
export async function departmentsRevision(db: Conn): Promise<string> {
  const { rows } = await sql<{ revision: string }>`select concat_ws(':', count(*), max(id)) as revision from departments`.execute(db);
  return rows[0].revision;
}

