import { requireAccess, scopePrefix, type RequestContext } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import type { Env } from '../core/env.js';
import * as geo from '../geo/geo.service.js';
import * as repo from './org.repo.js';

/**
 * Departments (职能部门) and the community committees and township offices that
 * cases are dispatched to. Listed to staff within their jurisdiction.
 */
export async function listDepartments(env: Env, ctx: RequestContext) {
  requireAccess(ctx.actor, 'departments.read');
  const prefix = scopePrefix(ctx.actor);
  // A district's staff see their district's departments and the city's above them.
  const ids = prefix === '' ? 'all' as const : await visibleUnitIds(env, ctx.actor.jurisdictionId!, prefix);
  const rows = await repo.listDepartments(env.db, ids);
  const items = [];
  for (const d of rows) items.push({ id: d.id, code: d.code, name: d.name, kind: d.kind, adminUnit: await geo.unitRef(env, d.adminUnitId) });
  return { items };
}

async function visibleUnitIds(env: Env, jurisdictionId: number, prefix: string): Promise<number[]> {
  const below = await geo.unitIdsUnder(env, prefix);
  const above = (await geo.getAdminUnitChain(env, jurisdictionId)).map((u) => u.id);
  return [...new Set([...above, ...below])];
}

/** Departments made by the system itself (the demo seeder), audited as such. */
export async function createSystemDepartments(env: Env, rows: Omit<repo.DepartmentRecord, 'id'>[]): Promise<number[]> {
  const paths = await Promise.all(rows.map((r) => geo.unitPath(env, r.adminUnitId)));
  return env.db.transaction().execute(async (trx) => {
    const ids = await repo.insertDepartments(trx, rows);
    await recordAudit(trx, { actor: null }, rows.map((r, i) => ({
      action: 'department.create', targetType: 'department', targetId: ids[i], scopePath: paths[i], after: r,
    })));
    return ids;
  });
}

/** A department as other modules show it. */
export interface DepartmentRef {
  id: number;
  code: string;
  name: string;
  kind: string;
  adminUnitId: number;
}

/**
 * The department of `kind` nearest a place: the one at the lowest admin unit of `chain`
 * (root first) that has one, as a district's bureau handles its own district before the city's.
 */
export async function nearestDepartment(env: Env, kind: string, chain: number[]): Promise<DepartmentRef | null> {
  const found = await repo.departmentsOfKind(env.db, kind, chain);
  for (const unitId of [...chain].reverse()) {
    const d = found.find((x) => x.adminUnitId === unitId);
    if (d) return d;
  }
  return null;
}

/** Departments by id, for other modules' responses. */
export async function departmentsById(env: Env, ids: number[]): Promise<Map<number, DepartmentRef>> {
  return new Map((await repo.findDepartments(env.db, [...new Set(ids)])).map((d) => [d.id, d]));
}
