import type { Transaction } from 'kysely';
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

/** Departments of a kind at any of these admin units. */
export function departmentsOfKind(db: Conn, kind: string, adminUnitIds: number[]): Promise<DepartmentRecord[]> {
  if (adminUnitIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('departments').select(['id', 'code', 'name', 'kind', 'admin_unit_id as adminUnitId'])
    .where('kind', '=', kind).where('admin_unit_id', 'in', adminUnitIds).execute();
}

export function findDepartments(db: Conn, ids: number[]): Promise<DepartmentRecord[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('departments').select(['id', 'code', 'name', 'kind', 'admin_unit_id as adminUnitId']).where('id', 'in', ids).execute();
}
